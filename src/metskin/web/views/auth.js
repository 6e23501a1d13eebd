// Register and log in: both store the AuthPayload's tokens in the session. A forgotten
// password: ask for a reset link, and the page the link opens sets a new one. An invited
// account (a dermatologist an administrator listed): the invitation's page chooses the
// password and logs in.

import { AUTH_FIELDS, gql, returningVisitor, session } from "../graphql.js";
import { append, errorBox, field, formValue, h, navigate, notice, onSubmit } from "../dom.js";
import { inAppLanguage, t } from "../i18n.js";
import { signUpBox } from "./consent.js";
import { takenHint } from "./release.js";

function nextPage(params) {
  const next = params.get("next");
  return next && next.startsWith("/") ? `#${next}` : "#/analyse";
}

/** What MetSkin does and how it treats a person's data: the first thing a new visitor reads,
 * so its heading is the page's h1 (the form's is an h2 after it); `level` 2 when it comes
 * after the form (someone who has signed in with this browser before). */
function about(level = 1) {
  return h("section", { class: "card about", id: "about" },
    h(`h${level}`, {}, t("Skin analysis and care, from a photo")),
    h("p", {}, t("Upload a face photo or a short video. MetSkin measures your skin tone and "
      + "seven common concerns (acne, wrinkles, pigmentation, redness, pores, dark circles, "
      + "shine) region by region, tells you when a photo cannot be measured and why, and "
      + "builds a morning and evening routine that respects your budget, allergies and "
      + "pregnancy. When something needs a doctor, it says so and helps you book a "
      + "dermatologist.")),
    h(`h${level + 1}`, {}, t("Your data")),
    h("ul", {},
      h("li", {}, t("Photos are stored encrypted. They are shown to you, to the dermatologists "
        + "you share them with, and to MetSkin's administrators when you ask for support.")),
      h("li", {}, t("A dermatologist sees an analysis only while you share it; every look is in "
        + "your access log, and you can revoke a share at any time.")),
      h("li", {}, t("You can download all your data, or erase your account and everything in it, "
        + "from your profile.")),
      h("li", {}, t("Nothing is used to train models unless you say yes, and you can change "
        + "your mind."))),
    h("p", { class: "muted" }, t("MetSkin does not diagnose: it measures, explains and refers. "),
      h("a", { href: inAppLanguage("/learn") }, t("Read the basics")), "."));
}

export function renderLogin(view, { params }) {
  const form = h("form", { id: "login-form", novalidate: true },
    errorBox(),
    field(t("Email"), h("input", { name: "email", type: "email", autocomplete: "username",
      required: true })),
    field(t("Password"), h("input", { name: "password", type: "password",
      autocomplete: "current-password", required: true })),
    h("button", { type: "submit" }, t("Log in")),
    h("p", { class: "hint" }, h("a", { href: "#/forgot-password", id: "forgot-password" },
      t("Forgot your password?"))));
  onSubmit(form, async () => {
    const data = await gql(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH_FIELDS} } }`,
      { e: formValue(form, "email"), p: form.elements.password.value });
    session.set(data.login);
    navigate(nextPage(params), { replace: true }); // Back skips the form
  });
  // A returning person (back after logging out) gets the form first: on a phone the intro
  // filled the first screen and more, the form below it.
  const formFirst = returningVisitor();
  const intro = params.get("ended") ? null : about(formFirst ? 2 : 1);
  view.dataset.title = t("Log in"); // the window's title, whichever heading comes first
  append(view, [
    formFirst ? null : intro,
    h(intro && !formFirst ? "h2" : "h1", {}, t("Log in")),
    params.get("ended") ? notice(t("Your session has ended. Log in again."), "warn") : null,
    params.get("reset") ? notice(t("Your password was changed. Log in with the new one.")) : null,
    form,
    h("p", {}, t("New here? "), h("a", { href: "#/register" }, t("Create an account")), "."),
    formFirst ? intro : null,
  ]);
}

/** Ask for a reset link: the answer is the same whether the address has an account or not. */
export function renderForgotPassword(view) {
  const form = h("form", { id: "forgot-form", novalidate: true },
    errorBox(),
    field(t("Email"), h("input", { name: "email", type: "email", autocomplete: "username",
      required: true })),
    h("button", { type: "submit" }, t("Email me a link")));
  const done = h("div", { role: "status" });
  onSubmit(form, async () => {
    await gql("mutation($e: String!) { requestPasswordReset(email: $e) }",
      { e: formValue(form, "email") });
    form.hidden = true;
    done.append(notice(t("If an account uses this address, we have emailed it a link to choose a "
      + "new password. The link works once, for a short while. Check your spam folder too.")));
  });
  append(view, [
    h("h1", {}, t("Forgot your password?")),
    h("p", {}, t("Enter the email address of your account. We will email you a link to choose a "
      + "new password.")),
    form,
    done,
    h("p", {}, h("a", { href: "#/login" }, t("Back to log in")), "."),
  ]);
}

/** The page a reset email's link opens (`/reset-password#token=...`): a new password. */
export function renderResetPassword(view, { params }) {
  const token = params.get("token");
  const askAgain = h("p", {}, h("a", { href: "#/forgot-password" }, t("Ask for a new link")), ".");
  if (!token) {
    append(view, [h("h1", {}, t("Choose a new password")),
      notice(t("This page needs the link from your email."), "warn"), askAgain]);
    return;
  }
  const form = h("form", { id: "reset-form", novalidate: true },
    errorBox(),
    field(t("New password"), h("input", { name: "newPassword", type: "password",
      autocomplete: "new-password", required: true }),
    t("At least 10 characters; a few unrelated words work well.")),
    h("button", { type: "submit" }, t("Set the new password")));
  onSubmit(form, async () => {
    await gql("mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }",
      { t: token, p: form.elements.newPassword.value });
    // Every session of the account has ended, this browser's too.
    navigate("#/login?reset=1", { replace: true });
    if (session.loggedIn) session.clear();
  });
  append(view, [
    h("h1", {}, t("Choose a new password")),
    h("p", {}, t("Setting it logs you out everywhere; then log in with the new one.")),
    form,
    askAgain,
  ]);
}

/** The page an invitation email's link opens (`/accept-invitation#token=...`): the invited
 * person chooses their password, which also confirms their address, and is logged in. */
export function renderAcceptInvitation(view, { params }) {
  const token = params.get("token");
  if (!token) {
    append(view, [h("h1", {}, t("Choose your password")),
      notice(t("This page needs the link from your invitation email."), "warn")]);
    return;
  }
  const form = h("form", { id: "invitation-form", novalidate: true },
    errorBox(),
    field(t("Your password"), h("input", { name: "password", type: "password",
      autocomplete: "new-password", required: true }),
    t("At least 10 characters; a few unrelated words work well.")),
    h("button", { type: "submit" }, t("Choose my password and log in")));
  onSubmit(form, async () => {
    const data = await gql(`mutation($t: String!, $p: String!) {
      acceptInvitation(token: $t, password: $p) { ${AUTH_FIELDS} } }`,
    { t: token, p: form.elements.password.value });
    session.set(data.acceptInvitation);
    const home = data.acceptInvitation.user.role === "DERMATOLOGIST" ? "#/hours" : "#/analyse";
    navigate(home, { replace: true }); // Back does not come back to a used link
  });
  append(view, [
    h("h1", {}, t("Welcome to MetSkin")),
    h("p", {}, t("An administrator has made your account. Choose your password: only you will "
      + "know it. It also confirms your email address, so that booking and reminder emails "
      + "reach you.")),
    form,
    h("p", { class: "hint" }, t("Already chose it? "), h("a", { href: "#/login" }, t("Log in")),
      "."),
  ]);
}

/** The IANA time zone the browser is in (appointments, reminders and the currency follow it;
 * the language follows the app's, which the request's Accept-Language says). */
function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

function register(input) {
  return gql(`mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    { input });
}

export function renderRegister(view, { params }) {
  const form = h("form", { id: "register-form", novalidate: true },
    errorBox(),
    field(t("Name (optional)"), h("input", { name: "displayName", autocomplete: "name" })),
    field(t("Email"), h("input", { name: "email", type: "email", autocomplete: "username",
      required: true, value: params.get("email") || "" })),
    field(t("Password"), h("input", { name: "password", type: "password",
      autocomplete: "new-password", required: true }),
    t("At least 10 characters; a few unrelated words work well.")),
    signUpBox(),
    h("button", { type: "submit" }, t("Create account")));
  const hint = h("div", {});
  onSubmit(form, async () => {
    hint.replaceChildren();
    const input = { email: formValue(form, "email"), password: form.elements.password.value,
      displayName: formValue(form, "displayName"), timeZone: browserTimeZone(),
      photoConsent: form.elements.photoConsent.checked };
    const data = await register(input).catch((error) => {
      // A zone the server does not know: the account starts in the default one, which the
      // profile page changes.
      if (error.code === "EMAIL_TAKEN") hint.replaceChildren(takenHint());
      if (error.field !== "timeZone" || !input.timeZone) throw error;
      return register({ ...input, timeZone: null });
    });
    session.set(data.register);
    navigate(nextPage(params), { replace: true }); // Back skips the form
  });
  const released = params.get("released") === "1"
    ? notice(t("Your address is free: create your account with it.")) : null;
  append(view, [
    h("h1", {}, t("Create your MetSkin account")),
    released,
    form,
    hint,
    h("p", {}, t("Already registered? "), h("a", { href: "#/login" }, t("Log in")), "."),
  ]);
}
