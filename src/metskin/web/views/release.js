// An address held by an account that never confirmed it, freed by its mailbox's owner
// (domain/accounts/release.py): the page the release link opens (`/release-email#token=...`),
// and the hint on the sign-up form when an address is taken.
//
// The token is in the link's fragment (never sent to the server by the browser); the page's
// button sends it, so a mail scanner that opens the link frees nothing. No session is needed:
// the link is the proof that the reader holds the mailbox.

import { gql } from "../graphql.js";
import { append, errorBox, h, navigate, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";

/** `/release-email#token=...`: one button frees the address, then the sign-up form opens
 * with it filled in. */
export function renderReleaseEmail(view, { params }) {
  const token = params.get("token");
  const title = t("Take back your email address");
  if (!token) {
    append(view, [h("h1", {}, title), notice(t("This page needs the link from your email."),
      "warn")]);
    return;
  }
  const form = h("form", { id: "release-form", novalidate: true },
    errorBox(),
    h("button", { type: "submit" }, t("Free my address")));
  onSubmit(form, async () => {
    const email = (await gql("mutation($t: String!) { releaseEmail(token: $t) }",
      { t: token })).releaseEmail;
    // Back does not come back to a used link
    navigate(`#/register?email=${encodeURIComponent(email)}&released=1`, { replace: true });
  });
  append(view, [
    h("h1", {}, title),
    h("p", {}, t("An account uses your address, but its owner never confirmed it: it was "
      + "probably mistyped. If you did not make that account, free the address and then sign "
      + "up with it. The other account keeps its data and is asked to set its own address.")),
    h("p", {}, t("If you made that account yourself, do not free the address: log in and "
      + "confirm it instead.")),
    form,
  ]);
}

/** Under the sign-up form when the address has an account: the same words for every address
 * (the answer tells no more than "taken"), with what the owner of a mistyped one can do. */
export function takenHint() {
  return h("p", { class: "hint", id: "email-taken-hint" },
    t("If this address is yours and you never made an account with it, check your inbox: when "
      + "the account never confirmed the address, we email it a link to take the address back. "),
    h("a", { href: "#/forgot-password" }, t("Forgot your password?")));
}
