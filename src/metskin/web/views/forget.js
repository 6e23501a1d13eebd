// Delete one photo (or video) and everything made from it, from its result page: a confirm
// dialog says what goes and what stays, then back to the history.

import { gql } from "../graphql.js";
import { busy, errorBox, focusHeading, focusOn, h, navigate } from "../dom.js";
import { t } from "../i18n.js";

const DELETE = "mutation($id: ID!) { deleteAnalysis(id: $id) { mediaId analysisIds } }";

function whatGoes() {
  return h("ul", { class: "what-goes" },
    h("li", {}, t("The photo or video, its thumbnail and overlay: links to them stop working.")),
    h("li", {}, t("This analysis (and any other analysis of the same photo) with its results: "
      + "it leaves your history and your progress charts.")),
    h("li", {}, t("The routine made from it: an earlier analysis's routine becomes your "
      + "current one.")),
    h("li", {}, t("A referral suggested from it; an appointment you booked stays, without "
      + "the referral.")),
    h("li", {}, t("Dermatologists' labels on it, and shares of this analysis alone (the "
      + "dermatologist is told). A share of all your analyses stays.")),
    h("li", {}, t("Its notifications.")));
}

/**
 * Ask before deleting the analysis's photo and its results: a modal dialog says what goes and
 * what stays; "Delete for good" deletes, closes and calls `onDeleted` (also when it was
 * deleted in another tab meanwhile). One dialog at a time, removed once closed.
 */
export function askToDelete(analysisId, onDeleted) {
  const keep = h("button", { type: "button", class: "link", id: "keep-analysis" }, t("Keep it"));
  const confirm = h("button", { type: "submit", class: "danger", id: "confirm-delete" },
    t("Delete for good"));
  const form = h("form", { method: "dialog" }, errorBox(),
    h("h2", { id: "delete-title" }, t("Delete this photo and its results?")),
    h("p", {}, t("This cannot be undone. These go:")),
    whatGoes(),
    h("p", { class: "muted" }, t("What stays: the record of which dermatologist looked at it "
      + "and when (no photo or result), and a training dataset already made (later ones "
      + "leave it out).")),
    h("div", { class: "actions" }, keep, " ", confirm));
  const dialog = h("dialog", { id: "delete-dialog", "aria-labelledby": "delete-title" }, form);
  // Closed (Keep it, Escape, or deleted): the focus goes back to the button that opened it,
  // or, when that went with the deleted item, to the page's heading.
  const opener = document.activeElement;
  keep.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected && opener !== document.body) focusOn(opener);
    else focusHeading();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      try {
        await gql(DELETE, { id: analysisId });
      } catch (error) {
        if (error.code !== "ANALYSIS_NOT_FOUND") throw error; // deleted in another tab
      }
      dialog.close();
      onDeleted();
    });
  });
  document.querySelector("#delete-dialog")?.remove();
  document.body.append(dialog);
  dialog.showModal();
}

/** The result page's card: delete this photo and its results, then back to the history. */
export function deleteBox(analysisId) {
  const open = h("button", { type: "button", class: "danger", id: "delete-analysis" },
    t("Delete this photo and its results"));
  open.addEventListener("click", () => askToDelete(analysisId, () => navigate("#/history")));
  return h("section", { class: "card", id: "delete-box" },
    h("h2", {}, t("Delete")),
    h("p", { class: "muted" }, t("Remove this photo and everything made from it.")),
    open);
}
