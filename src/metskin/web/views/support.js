// The administrators' way back in for a person: find their account, and email them the normal
// password reset link. It works also while the address is unconfirmed (a person's own request
// then gets no link), so the administrator checks first, by support's own means, that the
// person asking owns the account and the address (domain/accounts/support.py). Each account
// found shows when its text messages went on or off and why (texts.js), for a person who says
// texts stopped reaching them.

import { gql } from "../graphql.js";
import { busy, clear, errorBox, field, focusOn, formValue, h, onSubmit } from "../dom.js";
import { t } from "../i18n.js";
import { SMS_CHANGES, smsHistory } from "./texts.js";

const FOUND = 5;
const ACCOUNTS = `query($search: String) {
  users(first: ${FOUND}, orderBy: NAME, search: $search) {
    edges { node { id email emailVerified ${SMS_CHANGES}
      profile { displayName phone smsOptIn } } } } }`;
const SEND = "mutation($id: ID!) { sendPasswordResetLink(userId: $id) }";

/** The section of the administration page; `changed` reads the log of changes again. */
export function supportResets(changed) {
  const form = h("form", { class: "admin-search", id: "admin-support-form", novalidate: true,
    role: "search" }, errorBox(),
  field(t("Account"), h("input", { name: "search", type: "search", maxlength: 100 }),
    t("Their email address, or part of their name")),
  h("button", { type: "submit" }, t("Find the account")));
  const found = h("ul", { class: "admin-list", id: "admin-support-list" });
  const section = h("section", { class: "card", id: "admin-support" }, errorBox(),
    h("h2", {}, t("Password reset by support")),
    h("p", { class: "muted" }, t("For a person who cannot get back in by themselves (a reset "
      + "they ask for goes only to a confirmed address). Before you send the link, check by "
      + "your usual support means that the person asking owns the account and that its "
      + "address is theirs: whoever reads that mailbox can choose the password.")),
    form, found);
  const row = (node) => {
    const name = node.profile.displayName || node.email;
    const state = node.emailVerified ? h("span", { class: "muted" }, t("address confirmed"))
      : h("span", { class: "stale" }, t("address not confirmed"));
    const send = h("button", { type: "button", class: "link send-reset",
      "aria-label": t("Send a password reset link to {name}", { name }),
      onclick: () => window.confirm(t("Email {email} a link to choose a new password? Only "
        + "once you have checked that the person asking owns this account and this address.",
      { email: node.email })) && busy(section, async () => {
        await gql(SEND, { id: node.id });
        const said = h("span", { class: "muted", role: "status" },
          t("Reset link sent to {email}.", { email: node.email }));
        send.replaceWith(said);
        focusOn(said); // the button is gone: the focus on what took its place
        await changed();
      }) }, t("Send a password reset link"));
    const texts = h("details", { class: "support-texts" },
      h("summary", {}, t("Their text messages")),
      node.smsChanges.length ? smsHistory(node.profile, node.smsChanges, { theirs: true })
        : h("small", { class: "hint" }, t("No change to their text messages was recorded.")));
    return h("li", { "data-id": node.id }, `${name} · ${node.email} `, state, " ", send, texts);
  };
  onSubmit(form, async () => {
    const { users } = await gql(ACCOUNTS, { search: formValue(form, "search") || null });
    const rows = users.edges.map(({ node }) => row(node));
    clear(found, rows.length ? rows : h("li", { class: "muted" }, t("No account found.")));
  });
  return { section, reload: async () => {} };
}
