// Proving the profile's phone number: "Send code" texts a 6-digit code to it
// (requestPhoneCode) and "Verify" sends it back (verifyPhone). No text message goes to a number
// before: a typo would tell a stranger about someone's appointments.

import { gql } from "../graphql.js";
import { busy, errorBox, field, formValue, h, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";

const VERIFY = `mutation($c: String!) { verifyPhone(code: $c) { profile { phone
  phoneVerified } } }`;

function state(profile) {
  if (!profile.phone) {
    return notice(t("Save a mobile phone number to get text messages."), "info");
  }
  if (profile.phoneVerified) {
    return notice(t("{phone} is verified: text messages go to it.", { phone: profile.phone }));
  }
  return notice(t("{phone} is not verified: no text message goes to it until you enter the "
    + "code we send it.", { phone: profile.phone }), "warn");
}

function codeForm(profile, verified) {
  const send = h("button", { type: "button", id: "send-phone-code", class: "secondary" },
    t("Send code"));
  const code = h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: 6 });
  const sent = h("div", { class: "saved", role: "status" });
  const form = h("form", { id: "verify-phone-form", novalidate: true }, errorBox(), send,
    field(t("Code from the text message"), code), h("button", { type: "submit" }, t("Verify")),
    sent);
  send.addEventListener("click", () => busy(form, async () => {
    const fresh = (await gql("mutation { requestPhoneCode }")).requestPhoneCode;
    sent.replaceChildren(notice(fresh
      ? t("A code is on its way to {phone}. Nothing after a few minutes? Send code again.",
        { phone: profile.phone })
      : t("A code went to {phone} a few minutes ago: enter that one.", { phone: profile.phone }),
    "info"));
    code.focus();
  }));
  onSubmit(form, async () => {
    verified((await gql(VERIFY, { c: formValue(form, "code") })).verifyPhone.profile);
  });
  return form;
}

/** The phone's state and, while unverified, the code form. `panel.update(profile)` redraws
 * it (after the profile form saved a number). */
export function phonePanel(profile) {
  const panel = h("section", { id: "phone-verification" });
  const draw = (current) => {
    panel.replaceChildren(h("h2", {}, t("Mobile phone")),
      h("div", { class: "phone-state" }, state(current)),
      current.phone && !current.phoneVerified
        ? codeForm(current, (proved) => draw({ ...current, ...proved })) : null);
  };
  panel.update = draw;
  draw(profile);
  return panel;
}
