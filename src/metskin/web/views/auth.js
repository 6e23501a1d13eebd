// Register and log in: both store the AuthPayload's tokens in the session.

import { AUTH_FIELDS, gql, session } from "../graphql.js";
import { append, errorBox, field, formValue, h, navigate, notice, onSubmit } from "../dom.js";

function nextPage(params) {
  const next = params.get("next");
  return next && next.startsWith("/") ? `#${next}` : "#/analyse";
}

export function renderLogin(view, { params }) {
  const form = h("form", { id: "login-form", novalidate: true },
    errorBox(),
    field("Email", h("input", { name: "email", type: "email", autocomplete: "username",
      required: true })),
    field("Password", h("input", { name: "password", type: "password",
      autocomplete: "current-password", required: true })),
    h("button", { type: "submit" }, "Log in"));
  onSubmit(form, async () => {
    const data = await gql(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH_FIELDS} } }`,
      { e: formValue(form, "email"), p: form.elements.password.value });
    session.set(data.login);
    navigate(nextPage(params));
  });
  append(view, [
    h("h1", {}, "Log in"),
    params.get("ended") ? notice("Your session has ended. Log in again.", "warn") : null,
    form,
    h("p", {}, "New here? ", h("a", { href: "#/register" }, "Create an account"), "."),
  ]);
}

export function renderRegister(view, { params }) {
  const form = h("form", { id: "register-form", novalidate: true },
    errorBox(),
    field("Name (optional)", h("input", { name: "displayName", autocomplete: "name" })),
    field("Email", h("input", { name: "email", type: "email", autocomplete: "username",
      required: true })),
    field("Password", h("input", { name: "password", type: "password",
      autocomplete: "new-password", required: true }),
    "At least 10 characters; a few unrelated words work well."),
    h("button", { type: "submit" }, "Create account"));
  onSubmit(form, async () => {
    const data = await gql(
      `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
      { input: { email: formValue(form, "email"), password: form.elements.password.value,
        displayName: formValue(form, "displayName") } });
    session.set(data.register);
    navigate(nextPage(params));
  });
  append(view, [
    h("h1", {}, "Create your MetSkin account"),
    form,
    h("p", {}, "Already registered? ", h("a", { href: "#/login" }, "Log in"), "."),
  ]);
}
