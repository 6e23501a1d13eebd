// The dermatologist labels a shared analysis: a grade per concern, lesions placed by clicking
// on the photo (kept in the photo's own pixels), the skin type and the Monk tone as they see
// them. Each save is a new label write; the latest one counts.

import { gql } from "../graphql.js";
import { append, choice, clear, errorBox, field, h, humanize, notice, onSubmit, when }
  from "../dom.js";
import { mark, t } from "../i18n.js";

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

function lesionCount(count) {
  return count === 1 ? t("1 lesion") : t("{count} lesions", { count });
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
  const lesions = [];
  const markers = h("div", { class: "lesion-markers" });
  const image = h("img", { src: media.url, alt: t("The photo to label"), id: "label-photo" });
  const count = h("span", { id: "lesion-count" }, lesionCount(0));
  const lesionType = choice("lesionType", LESION_TYPES.map((t) => [t, humanize(t)]), "PAPULE");
  const drawMarkers = () => {
    clear(markers, lesions.map((lesion) => {
      const marker = h("span", { class: "lesion-marker", title: humanize(lesion.type),
        "data-type": lesion.type });
      // Set through the CSSOM: the page's content security policy refuses style attributes.
      marker.style.left = `${(100 * lesion.x) / media.width}%`;
      marker.style.top = `${(100 * lesion.y) / media.height}%`;
      return marker;
    }));
    count.textContent = lesionCount(lesions.length);
  };
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    const x = Math.floor(((event.clientX - box.left) / box.width) * media.width);
    const y = Math.floor(((event.clientY - box.top) / box.height) * media.height);
    lesions.push({ type: lesionType.value,
      x: Math.min(Math.max(x, 0), media.width - 1), y: Math.min(Math.max(y, 0), media.height - 1) });
    drawMarkers();
  });
  const undo = h("button", { type: "button", id: "undo-lesion",
    onclick: () => { lesions.pop(); drawMarkers(); } }, t("Undo last lesion"));
  const history = h("ul", { id: "label-history" });
  const refresh = async () => {
    const { analysisLabels } = await gql(LABELS, { id: analysisId });
    clear(history, analysisLabels.map(labelSummary));
  };
  const form = h("form", { id: "label-form" },
    h("p", { class: "muted" }, t("Click on the photo to place a lesion of the chosen type.")),
    field(t("Lesion type"), lesionType), count, undo,
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
    const input = { grades, lesions: [...lesions] };
    if (form.elements.skinType.value) input.skinType = form.elements.skinType.value;
    if (form.elements.monkTone.value) input.monkTone = Number(form.elements.monkTone.value);
    await gql(ANNOTATE, { id: analysisId, input });
    form.before(notice(t("Labels saved.")));
    await refresh();
  });
  append(panel, [
    h("div", { class: "label-photo" }, image, markers),
    form,
    h("h3", {}, t("Label history")),
    history,
  ]);
  await refresh();
  return panel;
}
