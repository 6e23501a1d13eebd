// The account's email address: the banner while it is unverified (with "send the link again"),
// the page the verification link opens (/verify-email#token=...), the profile's panel to
// change it, and the page the change link opens (/change-email#token=...).
//
// The token is in the link's fragment, which browsers never send: a GET of the page changes
// nothing, the page's script sends the token. Both links work only signed in to the account
// they name (whoever reads a mistyped mailbox, or their mail scanner, has the link but not the
// password): opened elsewhere, the page asks to log in and comes back with the token. Signed
// in, a verification link verifies at once; a change of address waits for the button.

import { gql, session } from "../graphql.js";
import { append, busy, clear, errorBox, field, formValue, h, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";

const ME = "{ me { email emailVerified emailTrouble } }";
// The server asked once per page load and account whether the address is verified (on another
// device since this browser logged in?) and whether mail to it came back or was freed by its
// mailbox's owner (the session alone would never show it); every draw waits for that answer.
let check = null;
let checkedFor = null; // whose: another login on this page (after a logout) asks again
let draws = 0; // the banner's draws so far: only the newest one draws, once the check is in

const unverified = () => session.loggedIn && session.user?.emailVerified === false;
// SPAM_REPORTED: verified, but emails are off since the person marked one as spam
const spamReported = () => session.loggedIn && session.user?.emailTrouble === "SPAM_REPORTED";
const shown = () => unverified() || spamReported();

async function checkOnce() {
  const asked = { ...session.user };
  try {
    const me = (await gql(ME)).me;
    const now = session.user;
    // An answer is applied only if nothing changed here since it was asked: one that arrives
    // after a link was used (or the address changed) on this page is old news.
    const same = now && now.email === asked.email && now.emailVerified === asked.emailVerified
      && (now.emailTrouble ?? null) === (asked.emailTrouble ?? null);
    const differs = me.emailVerified !== now?.emailVerified
      || me.emailTrouble !== (now?.emailTrouble ?? null);
    if (same && differs) session.setUser(me);
  } catch {
    // the banner shows what the session says
  }
}

/** The banner's words: why mail does not reach the address (it came back, it was marked as
 * spam, or it was never confirmed), short enough for three lines on a 375 px phone; the longer
 * "why" (`.banner-why`) only where there is room. */
function bannerWords(user) {
  const why = (text) => h("span", { class: "banner-why" }, " ", text);
  if (user.emailTrouble === "SPAM_REPORTED") {
    return [h("strong", {}, t("Our email to {email} was marked as spam.", { email: user.email })),
      " ", t("We stopped emailing you.")];
  }
  if (user.emailTrouble === "RELEASED") {
    return [h("strong", {}, t("Set your email address:")), " ",
      t("the one you signed up with belongs to someone else, who took it back."),
      why(t("Log in with it until you set yours."))];
  }
  if (user.emailTrouble === "BOUNCED") {
    return [h("strong", {}, t("Mail to {email} came back undelivered.", { email: user.email })),
      why(t("We send no reminders or appointment emails there until you confirm an address."))];
  }
  return [h("strong", {}, t("Confirm your email address:")), " ",
    t("we sent a link to {email}.", { email: user.email }),
    why(t("Until you open it, we send no reminders or appointment emails there."))];
}

/** The banner above every page while the signed-in person's address is unverified, or their
 * emails are off after a spam report. A draw that waited for the server's check gives way to
 * any later draw: before, the first page's draw came back after the verification link's page
 * had hidden the banner, and drew it again with a stale "Send the link again". */
export async function drawEmailBanner(banner) {
  const draw = ++draws;
  if (!session.loggedIn || !session.user) {
    banner.hidden = true;
    return;
  }
  if (!shown()) banner.hidden = true;
  if (!check || checkedFor !== session.user.id) {
    checkedFor = session.user.id;
    check = checkOnce();
  }
  await check;
  if (draw !== draws) return; // a later draw has the say
  if (!shown()) {
    banner.hidden = true;
    return;
  }
  const user = session.user;
  const words = bannerWords(user);
  if (user.emailTrouble === "RELEASED") { // no mailbox to send a link to: set one
    const set = h("a", { href: "#/profile", id: "change-mistyped-email" }, t("Set your address"));
    clear(banner, ...words, " ", set);
    banner.hidden = false;
    return;
  }
  if (user.emailTrouble === "SPAM_REPORTED") {
    // A link sent again would be marked as spam too (or suppressed): emails on again, or
    // another address while this one is unconfirmed (a stranger's mailbox reported it).
    const next = unverified()
      ? h("a", { href: "#/profile", id: "change-mistyped-email" }, t("Change the address"))
      : h("a", { href: "#/profile", id: "turn-emails-on" }, t("Turn emails on again"));
    clear(banner, ...words, " ", next);
    banner.hidden = false;
    return;
  }
  const sent = h("span", { role: "status" });
  const resend = h("button", { type: "button", id: "resend-verification", class: "link" },
    t("Send the link again"));
  resend.addEventListener("click", () => busy(banner, async () => {
    const fresh = (await gql("mutation { resendVerificationEmail }")).resendVerificationEmail;
    if (!fresh) {
      session.setUser({ emailVerified: true });
      return;
    }
    sent.replaceChildren(t("Sent: check your inbox, and your spam folder too."));
  }));
  // Mail came back: the address is likely wrong, so changing it comes first.
  const bounced = user.emailTrouble === "BOUNCED";
  const change = h("a", { href: "#/profile", id: "change-mistyped-email" },
    bounced ? t("Change the address") : t("Wrong address? Change it"));
  const actions = bounced ? [change, " · ", resend] : [resend, " · ", change];
  clear(banner, ...words, h("span", { class: "banner-actions" }, " ", ...actions), " ", sent,
    h("div", { class: "form-error", hidden: true }));
  banner.hidden = false;
}

/** The signed-in person's address and its state, read again (after a link was used here). */
async function refreshMe() {
  if (!session.loggedIn) return;
  try {
    session.setUser((await gql(ME)).me);
  } catch {
    // a session that a change of address ended: the app asks to log in again
  }
}

function needsLink(view, title) {
  append(view, [h("h1", {}, title), notice(t("This page needs the link from your email."),
    "warn")]);
}

/** Not signed in: the link proves the address only to the account's owner, so log in first
 * and come back to this page, token and all. */
function needsLogin(view, title, page, token) {
  const next = encodeURIComponent(`/${page}?token=${encodeURIComponent(token)}`);
  append(view, [h("h1", {}, title),
    notice(t("Log in to your MetSkin account to use this link: it works only for the account "
      + "it was sent for."), "warn"),
    h("p", {}, h("a", { href: `#/login?next=${next}`, id: "login-for-link" }, t("Log in")))]);
}

/** `/verify-email#token=...`: verifies on opening. */
export async function renderVerifyEmail(view, { params }) {
  const token = params.get("token");
  if (!token) {
    needsLink(view, t("Confirm your email address"));
    return;
  }
  if (!session.loggedIn) {
    needsLogin(view, t("Confirm your email address"), "verify-email", token);
    return;
  }
  append(view, [h("h1", {}, t("Confirm your email address"))]);
  await gql("mutation($t: String!) { verifyEmail(token: $t) }", { t: token });
  await refreshMe();
  append(view, [
    notice(t("Your email address is confirmed. Reminders and appointment emails now go to it.")),
    h("p", {}, h("a", { href: "#/" }, t("Go to the start")), "."),
  ]);
}

/** `/change-email#token=...`: the new address is used once the button is pressed. */
export function renderChangeEmail(view, { params }) {
  const token = params.get("token");
  if (!token) {
    needsLink(view, t("Change your email address"));
    return;
  }
  if (!session.loggedIn) {
    needsLogin(view, t("Change your email address"), "change-email", token);
    return;
  }
  const done = h("div", { role: "status" });
  const form = h("form", { id: "confirm-email-change-form", novalidate: true }, errorBox(),
    h("button", { type: "submit" }, t("Use the new address")));
  onSubmit(form, async () => {
    await gql("mutation($t: String!) { confirmEmailChange(token: $t) }", { t: token });
    form.hidden = true;
    done.append(notice(t("Your email address was changed; log in with the new one from now on. "
      + "Your other devices were logged out.")));
    await refreshMe();
  });
  append(view, [
    h("h1", {}, t("Change your email address")),
    h("p", {}, t("Use the address this link was sent to for your MetSkin account? Your other "
      + "devices will be logged out.")),
    form,
    done,
  ]);
}

/** The profile's panel: the address, whether it is verified, and the form to change it. */
export function emailPanel(me) {
  const state = me.emailVerified
    ? notice(t("{email} is confirmed.", { email: me.email }))
    : notice(t("{email} is not confirmed yet: open the link we emailed to it.",
      { email: me.email }), "warn");
  const form = h("form", { id: "email-change-form", novalidate: true },
    errorBox(),
    field(t("New email address"), h("input", { name: "newEmail", type: "email",
      autocomplete: "email", required: true })),
    field(t("Current password"), h("input", { name: "password", type: "password",
      autocomplete: "current-password", required: true })),
    h("button", { type: "submit" }, t("Change email address")),
    h("div", { class: "saved", role: "status" }));
  onSubmit(form, async () => {
    const saved = form.querySelector(".saved");
    saved.replaceChildren();
    const email = formValue(form, "newEmail");
    await gql(`mutation($e: String!, $p: String!) {
      requestEmailChange(newEmail: $e, password: $p) }`,
    { e: email, p: form.elements.password.value });
    form.reset();
    saved.append(notice(t("We emailed a link to {email}: open it within an hour to use the new "
      + "address. Until then your account keeps {current}.", { email, current: me.email })));
  });
  return h("section", { class: "card", id: "email-address" }, h("h2", {}, t("Email address")),
    state, form);
}
