// The dermatologist labels a shared analysis: a grade per concern, lesions placed on the photo
// by pointer or keyboard (lesions.js, in the photo's own pixels), the skin type and the Monk
// tone as they see them. Each save is a new label write; the latest one counts.

import { gql } from "../graphql.js";
import { append, choice, clear, errorBox, field, h, humanize, notice, onSubmit, when }
  from "../dom.js";
import { t } from "../i18n.js";
import { lesionCount, lesionEditor } from "./lesions.js";

const PHOTO = `query($id: ID!) { analysis(id: $id) { id media { kind width height url } } }`;
const LABELS = `query($id: ID!) { analysisLabels(analysisId: $id) {
  id source createdAt grades { concern grade } lesions { type x y } skinType monkTone } }`;
const ANNOTATE = `mutation($id: ID!, $input: AnnotationInput!) {
  annotateAnalysis(analysisId: $id, input: $input) { id } }`;
// Concern and its highest grade: acne IGA-like 0-4, wrinkles 0-4, the others 0-3.
const CONCERNS = [["ACNE", 4], ["REDNESS", 3], ["PIGMENTATION", 3], ["WRINKLES", 4],
  ["PORES", 3], ["DARK_CIRCLES", 3]];
const LESION_TYPES = ["COMEDONE", "PAPULE", "PUSTULE", "NODULE", "PIGMENTED_SPOT", "SCAR"];
const SKIN_TYPES = ["OILY", "DRY", "COMBINATION", "NORMAL"];

function gradeChoice(concern, highest) {
  const options = [["", t("not graded")]];
  for (let grade = 0; grade <= highest; grade += 1) options.push([String(grade), String(grade)]);
  return field(`${humanize(concern)} (0-${highest})`, choice(`grade-${concern}`, options, ""));
}


function labelSummary(label) {
  const grades = label.grades.map((g) => `${humanize(g.concern)} ${g.grade}`).join(", ");
  return h("li", { class: "label-write", "data-source": label.source },
    `${when(label.createdAt)} · ${humanize(label.source)} · ${grades || t("no grades")} · `
    + lesionCount(label.lesions.length)
    + (label.monkTone ? ` · ${t("Monk {tone}", { tone: label.monkTone })}` : ""));
}

/** The labelling panel of a shared analysis (a photo); a note for a video. */
export async function labellingPanel(analysisId) {
  const panel = h("section", { id: "labelling", class: "card" }, h("h2", {}, t("Your labels")));
  const { analysis } = await gql(PHOTO, { id: analysisId });
  const media = analysis.media;
  if (!media || media.kind !== "PHOTO") {
    return append(panel, [h("p", { class: "muted" }, t("Only photos can be labelled."))]);
  }
  const lesionType = choice("lesionType", LESION_TYPES.map((t) => [t, humanize(t)]), "PAPULE");
  const editor = lesionEditor(media, () => lesionType.value);
  const undo = h("button", { type: "button", id: "undo-lesion", onclick: editor.undo },
    t("Undo last lesion"));
  const history = h("ul", { id: "label-history" });
  const refresh = async () => {
    const { analysisLabels } = await gql(LABELS, { id: analysisId });
    clear(history, analysisLabels.map(labelSummary));
  };
  const form = h("form", { id: "label-form" },
    field(t("Lesion type"), lesionType), editor.help, editor.box, editor.said,
    h("p", {}, editor.count, " ", undo), editor.list,
    CONCERNS.map(([concern, highest]) => gradeChoice(concern, highest)),
    field(t("Skin type"), choice("skinType", [["", t("not said")], ...SKIN_TYPES.map((t) => [t,
      humanize(t)])], "")),
    field(t("Monk tone as you see it"), choice("monkTone", [["", t("not said")],
      ...Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)])], "")),
    errorBox(),
    h("button", { type: "submit" }, t("Save labels")));
  onSubmit(form, async () => {
    const grades = CONCERNS.map(([concern]) => [concern, form.elements[`grade-${concern}`].value])
      .filter(([, grade]) => grade !== "").map(([concern, grade]) => ({ concern,
        grade: Number(grade) }));
    const input = { grades, lesions: editor.lesions.map((lesion) => ({ ...lesion })) };
    if (form.elements.skinType.value) input.skinType = form.elements.skinType.value;
    if (form.elements.monkTone.value) input.monkTone = Number(form.elements.monkTone.value);
    await gql(ANNOTATE, { id: analysisId, input });
    form.before(notice(t("Labels saved.")));
    await refresh();
  });
  append(panel, [
    form,
    h("h3", {}, t("Label history")),
    history,
  ]);
  await refresh();
  return panel;
}
