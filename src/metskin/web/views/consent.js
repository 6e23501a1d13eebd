// Consent to the analysis of one's face photos (health data): the explanation page
// (#/consent), the unticked box of the sign-up form, the box the upload page shows when the
// API answers CONSENT_REQUIRED (agree, then the upload goes on), and the profile's panel to
// withdraw or give it. Each give or withdrawal is kept in the person's consent history.
// The consent text itself (the box's sentence, the explanation) comes from the API
// (`photoConsentText`), the one source every client shows.

import { gql, session } from "../graphql.js";
import { append, busy, errorBox, h, notice, when } from "../dom.js";
import { locale, t } from "../i18n.js";

const STATE = "{ me { photoConsent { given at version currentVersion needsAsking } } }";
const GIVE = "mutation($v: String) { givePhotoConsent(version: $v) { given at version "
  + "currentVersion needsAsking } }";
const WITHDRAW = "mutation { withdrawPhotoConsent { given at version currentVersion "
  + "needsAsking } }";

/** The consent state of the signed-in person. */
export async function photoConsent() {
  return (await gql(STATE)).me.photoConsent;
}

const TEXT = `query($l: String) { photoConsentText(locale: $l) { version locale title agreement
  sections { heading body } withdrawing note } }`;
const texts = new Map(); // by locale: the text does not change while the page is open

/** The consent text in the app's language, asked once per language. */
export function consentText() {
  const language = locale();
  if (!texts.has(language)) {
    texts.set(language, gql(TEXT, { l: language }).then((data) => data.photoConsentText)
      .catch((error) => {
        texts.delete(language); // asked again next time
        throw error;
      }));
  }
  return texts.get(language);
}

/** The box's words, the same at sign-up, on the upload page and on the profile: the API's. */
function agreement() {
  const words = h("span", { class: "consent-agreement" });
  consentText().then((text) => {
    words.textContent = text.agreement;
    words.lang = text.locale;
  });
  return words;
}

function explanationLink() {
  return h("a", { href: "#/consent", target: "_blank", rel: "noopener", class: "consent-link" },
    t("What this means"));
}

/** The explanation (#/consent): what is measured, who sees it, how long, how to withdraw. */
export async function renderConsent(view) {
  const [text, panel] = await Promise.all([consentText(),
    session.loggedIn ? consentPanel(2) : null]);
  append(view, [
    h("h1", { lang: text.locale }, text.title),
    h("dl", { class: "consent-points", lang: text.locale },
      text.sections.flatMap((section) => [h("dt", {}, section.heading),
        h("dd", {}, section.body)])),
    h("p", { class: "muted", lang: text.locale }, text.note),
    panel,
  ]);
}

/** The sign-up form's box: unticked, separate, optional. */
export function signUpBox() {
  return h("div", { class: "field consent", id: "photo-consent" },
    h("label", { class: "check" },
      h("input", { type: "checkbox", name: "photoConsent" }), " ", agreement()),
    h("small", { class: "hint" }, t("Optional: you can also agree at your first upload. "),
      explanationLink()));
}

/**
 * The upload page's box, hidden until asked: `ask(state, then)` shows it (the text version
 * from `state`), and "Agree and continue" gives the consent, hides the box and calls `then`.
 */
export function uploadConsentBox() {
  const box = h("input", { type: "checkbox", name: "photoConsent", id: "upload-consent-box" });
  const agree = h("button", { type: "button", id: "give-photo-consent" },
    t("Agree and continue"));
  const panel = h("div", { class: "card consent", id: "upload-consent", hidden: true,
    role: "region", "aria-labelledby": "upload-consent-title" },
  errorBox(),
  h("h2", { id: "upload-consent-title" }, t("Your consent first")),
  h("p", {}, t("MetSkin analyses your face photos only with your consent. You can withdraw "
    + "it at any time on your profile.")),
  h("label", { class: "check" }, box, " ", agreement()), " ", explanationLink(),
  h("p", {}, agree));
  let version = null;
  let next = null;
  agree.addEventListener("click", () => busy(panel, async () => {
    if (!box.checked) {
      throw Object.assign(new Error(t("Tick the box to agree, or choose not to upload.")),
        { code: "CONSENT_REQUIRED", field: "photoConsent" });
    }
    await gql(GIVE, { v: version });
    panel.hidden = true;
    if (next) await next();
  }));
  return {
    panel,
    /** `focus`: the tick box takes the focus (an upload tried before agreeing). */
    ask(state, then = null, { focus = false } = {}) {
      version = state ? state.currentVersion : null;
      next = then;
      box.checked = false;
      panel.hidden = false;
      panel.scrollIntoView({ block: "nearest" });
      if (focus) box.focus();
    },
  };
}

/** The profile's panel: the state, the history's last change, give or withdraw; its heading
 * at `level` (under the profile's "Your data", or under the explanation's h1). */
export async function consentPanel(level = 3) {
  const panel = h("div", { id: "photo-consent-panel" });
  const [first, text] = await Promise.all([photoConsent(), consentText()]);
  const draw = (state) => {
    const said = state.given && !state.needsAsking
      ? notice(t("You agreed on {time} (text version {version}).",
        { time: when(state.at), version: state.version }))
      : notice(state.given ? t("The consent text changed: read it again and agree to keep "
        + "uploading.") : t("You have not agreed: uploads for analysis are off."), "warn");
    const action = state.given && !state.needsAsking
      ? h("button", { type: "button", id: "withdraw-photo-consent", class: "secondary" },
        t("Withdraw my consent"))
      : h("button", { type: "button", id: "give-photo-consent" }, t("I agree"));
    action.addEventListener("click", () => busy(panel, async () => {
      const changed = action.id === "give-photo-consent"
        ? (await gql(GIVE, { v: state.currentVersion })).givePhotoConsent
        : (await gql(WITHDRAW)).withdrawPhotoConsent;
      draw(changed);
    }));
    panel.replaceChildren(errorBox(), h("p", {}, agreement(), " ", explanationLink()), said,
      h("p", { class: "muted", lang: text.locale }, text.withdrawing), action);
  };
  draw(first);
  return h("div", { id: "photo-consent-section" }, h(`h${level}`, {}, t("Photo analysis")), panel);
}
