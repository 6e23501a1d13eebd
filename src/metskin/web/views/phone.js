// Proving the profile's phone number: "Send code" texts a 6-digit code to it
// (requestPhoneCode) and "Verify" sends it back (verifyPhone). No text message goes to a number
// before: a typo would tell a stranger about someone's appointments.

import { gql } from "../graphql.js";
import { busy, clear, errorBox, field, formValue, h, notice, onSubmit } from "../dom.js";
import { t } from "../i18n.js";

const VERIFY = `mutation($c: String!) { verifyPhone(code: $c) { profile { phone
  phoneInternational phoneVerified } } }`;
// How the SMS went (it leaves in a job, after requestPhoneCode answered): read every few
// seconds for a minute, until it left or was refused; the API says why in the reader's words.
const DELIVERY = "query { phoneCodeDelivery { state problem message retryAfter } }";
const FOLLOW_EVERY_MS = 2000;
const FOLLOW_TIMES = 30;

/** The number as people read it ("+44 7700 900123"). */
function shown(profile) {
  return profile.phoneInternational ?? profile.phone;
}

function state(profile) {
  if (!profile.phone) {
    return notice(t("Save a mobile phone number to get text messages."), "info");
  }
  // texts off (their choice, or turned off after the number replied STOP: ticking the box
  // alone does not bring them back; the lines under it say how)
  if (profile.phoneVerified && profile.smsOptIn === false) {
    return notice(t("{phone} is verified, but texts are off: none goes to it. Under Messages: "
      + "why, and how to have them again.", { phone: shown(profile) }), "info");
  }
  if (profile.phoneVerified) {
    return notice(t("{phone} is verified: text messages go to it.", { phone: shown(profile) }));
  }
  return notice(t("{phone} is not verified: no text message goes to it until you enter the "
    + "code we send it.", { phone: shown(profile) }), "warn");
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
        { phone: shown(profile) })
      : t("A code went to {phone} a few minutes ago: enter that one.", { phone: shown(profile) }),
    "info"));
    code.focus();
    if (fresh) follow(sent, shown(profile));
  }));
  onSubmit(form, async () => {
    verified((await gql(VERIFY, { c: formValue(form, "code") })).verifyPhone.profile);
  });
  return form;
}

/** Say how the code's SMS went: sent, or why not (the number refused, the service down or
 * busy), until it left, was refused for good or a minute passed. */
async function follow(sent, phone) {
  for (let i = 0; i < FOLLOW_TIMES && sent.isConnected; i += 1) {
    await new Promise((resolve) => { setTimeout(resolve, FOLLOW_EVERY_MS); });
    const delivery = (await gql(DELIVERY)).phoneCodeDelivery;
    if (!delivery || !sent.isConnected) return;
    if (delivery.state === "SENT") {
      sent.replaceChildren(notice(t("The code was sent to {phone}: enter it below.", { phone }),
        "info"));
      return;
    }
    if (delivery.message) {
      const box = notice(delivery.message, "warn");
      box.dataset.problem = delivery.problem;
      sent.replaceChildren(box);
    }
    if (delivery.state === "FAILED") return;
  }
}

/** The phone's state and, while unverified, the code form. `panel.update(profile)` redraws
 * it (after the profile form saved a number). */
export function phonePanel(profile) {
  const panel = h("section", { id: "phone-verification" });
  const draw = (current) => {
    // clear() skips the form when there is none (replaceChildren wrote "null" on the page)
    clear(panel, h("h2", {}, t("Mobile phone")),
      h("div", { class: "phone-state" }, state(current)),
      current.phone && !current.phoneVerified
        ? codeForm(current, (proved) => draw({ ...current, ...proved })) : null);
  };
  panel.update = draw;
  draw(profile);
  return panel;
}
