// A person's data rights on their profile: the photo-analysis and learning consents, a
// download of everything, erasure.

import { forgetReturningVisitor, gql, session } from "../graphql.js";
import { busy, errorBox, field, h, navigate, notice } from "../dom.js";
import { mark, t } from "../i18n.js";
import { consentPanel } from "./consent.js";

const EXPORTS = "{ myDataExports { id status downloadUrl failureReason } }";
const WAIT_MS = 1000;
const WAIT_ROUNDS = 90;

async function readyExport(id) {
  for (let round = 0; round < WAIT_ROUNDS; round += 1) {
    const found = (await gql(EXPORTS)).myDataExports.find((item) => item.id === id);
    if (found && found.status !== "PENDING") return found;
    await new Promise((resolve) => { setTimeout(resolve, WAIT_MS); });
  }
  return null;
}

function consentBox(given) {
  const box = h("input", { type: "checkbox", name: "learningConsent", checked: given });
  const panel = h("div", { id: "learning-consent" }, errorBox(),
    h("label", { class: "check" }, box, " ", t("Let MetSkin learn from my analyses and product "
      + "ratings (off unless you tick it; you can untick it any time, and later datasets and "
      + "models leave you out).")),
    h("div", { class: "saved", role: "status" }));
  box.addEventListener("change", () => busy(panel, async () => {
    await gql("mutation($g: Boolean!) { setLearningConsent(given: $g) { given } }",
      { g: box.checked });
    panel.querySelector(".saved").replaceChildren(notice(box.checked
      ? t("Thank you: your analyses and ratings may help the models learn.")
      : t("Your analyses and ratings stay out.")));
  }));
  return panel;
}

function downloadBox() {
  const button = h("button", { type: "button", id: "export-data" }, t("Download all my data"));
  const result = h("div", { class: "saved", role: "status" });
  const panel = h("div", { id: "data-export" }, errorBox(), button, result);
  button.addEventListener("click", () => busy(panel, async () => {
    result.replaceChildren(notice(t("Gathering your data…"), "info"));
    const started = (await gql("mutation { exportMyData { id status } }")).exportMyData;
    const ready = await readyExport(started.id);
    if (!ready || ready.status !== "READY") {
      result.replaceChildren(notice((ready && ready.failureReason)
        || t("The export is taking long: try again in a minute."), "warn"));
      return;
    }
    result.replaceChildren(h("a", { href: ready.downloadUrl, id: "export-link", download: "" },
      t("Download the zip")), " ", t("(the link works for a few minutes)"));
  }));
  return panel;
}

function eraseBox(patient) {
  const password = h("input", { name: "password", type: "password",
    autocomplete: "current-password" });
  const form = h("form", { id: "erase-form", novalidate: true }, errorBox(),
    field(t("Your password, to confirm"), password),
    h("button", { type: "submit", class: "danger" }, t("Erase my account and all my data")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sure = patient ? t("Erase your account, photos, analyses and appointments for good?")
      : t("Erase your account, your directory listing and your appointments for good?");
    if (!window.confirm(sure)) return;
    busy(form, async () => {
      await gql("mutation($p: String!) { deleteMyAccount(password: $p) { rowsDeleted } }",
        { p: password.value });
      session.clear();
      forgetReturningVisitor();
      navigate("#/login");
    });
  });
  return form;
}

/**
 * The data rights on the profile. A dermatologist (`patient` false) uploads no photos: no photo
 * or learning consent, and erasure says what closing a practice's account does.
 */
export async function dataRightsPanel({ patient = true } = {}) {
  const learning = patient ? (await gql("{ learningConsent { given } }")).learningConsent : null;
  const consents = patient ? [await consentPanel(), consentBox(learning.given)] : [];
  return h("section", { class: "card", id: "my-data" },
    h("h2", {}, t("Your data")),
    consents,
    h("h3", {}, t("Take it with you")), downloadBox(),
    h("h3", {}, t("Erase it")),
    h("p", { class: "muted", id: "erase-what" }, patient
      ? t("Future appointments are cancelled (both sides are told), shares end, and your photos "
        + "and records are deleted. Dermatologists' access records stay under a pseudonym.")
      : t("Your upcoming appointments are cancelled and your patients are told, your listing "
        + "leaves the directory, and the analyses shared with you are no longer yours to see. "
        + "Your reads of patients' data stay in their access logs under a pseudonym.")),
    eraseBox(patient));
}
