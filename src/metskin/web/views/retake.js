// "Retake now" under a photo that could not be measured. On a phone the message said what to
// change and linked to the upload page, where the person read the tips again, chose "Choose
// file", picked the camera, and pressed "Upload and analyse": three more steps with the
// advice out of sight. This button opens the front camera at once (`capture="user"`; a
// computer opens its file picker) and the photo taken goes straight to the upload page,
// which sends it.

import { h, navigate } from "../dom.js";
import { t } from "../i18n.js";

let handed = null; // the photo taken from a retake message, for the upload page to send

/** The button and its (visually hidden) camera input. */
export function retakeNow() {
  const input = h("input", { type: "file", id: "retake-file", accept: "image/*",
    capture: "user", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
  const button = h("button", { type: "button", id: "retake-now" }, t("Take a new photo now"));
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    if (!input.files[0]) return;
    handed = input.files[0];
    navigate("#/analyse");
  });
  return h("span", { class: "retake-now" }, button, input);
}

/** The photo a retake message handed over (once), or null. */
export function takeHandedPhoto() {
  const photo = handed;
  handed = null;
  return photo;
}
