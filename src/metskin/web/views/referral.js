// The referral for an analysis (never a diagnosis), and the optional questionnaire.

import { gql } from "../graphql.js";
import { append, clear, errorBox, field, h, humanize, onSubmit } from "../dom.js";
import { locale, mark, t } from "../i18n.js";
import { forReferral, readMore } from "./learn.js";

const OUTCOME = `disclaimer referral { id analysisId urgency specialty message advice
  answeredQuestionnaire reasons { ruleId urgency specialty text } }`;
const YES_NO = [
  ["spotGrowing", mark("A spot or mole is growing")],
  ["spotChangingShape", mark("A spot is changing shape")],
  ["spotChangingColour", mark("A spot is changing colour")],
  ["spot7mmOrLarger", mark("A spot is 7 mm across or larger")],
  ["spotInflamed", mark("A spot is inflamed")],
  ["spotBleedingOrOozing", mark("A spot bleeds or oozes")],
  ["spotItchingOrFeelsDifferent", mark("A spot itches or feels different")],
  ["painfulDeepLumps", mark("Painful, deep lumps")],
  ["eyeSymptoms", mark("Sore, gritty or red eyes")],
  ["selfHarmThoughts", mark("Thoughts of harming yourself")],
];
const DISTRESS = [
  ["distressLowMood", mark("My skin makes me feel low")],
  ["distressAvoidingPeople", mark("I avoid people because of my skin")],
  ["distressSelfConscious", mark("I feel self-conscious about my skin")],
  ["distressDailyLife", mark("My skin gets in the way of daily life")],
];
const OFTEN = [["0", mark("Never")], ["1", mark("Sometimes")], ["2", mark("Often")], ["3", mark("Always")]];

/** The directory for this referral: its specialty, in the person's language (the app's, which
 * is the profile's), and the referral itself: the directory reads its urgency and advice. */
function directoryLink(referral) {
  const query = new URLSearchParams({ specialty: referral.specialty.toLowerCase(),
    language: locale().split("-")[0], referral: referral.id, analysis: referral.analysisId });
  return h("a", { class: "button", id: "find-dermatologist", href: `#/dermatologists?${query}` },
    t("Find a dermatologist ({specialty})", { specialty: humanize(referral.specialty) }));
}

function outcomeView(outcome) {
  const { referral } = outcome;
  if (!referral) {
    // The disclaimer says it: nothing suggests seeing one now, and when to see one anyway.
    return [h("h2", {}, t("Dermatologist")), h("p", { id: "no-referral" }, outcome.disclaimer)];
  }
  return [
    h("h2", {}, t("We suggest seeing a dermatologist")),
    h("p", {}, h("span", { class: `badge ${referral.urgency.toLowerCase()}` },
      humanize(referral.urgency)), " ", humanize(referral.specialty)),
    h("p", {}, referral.message),
    h("ul", {}, referral.reasons.map((reason) => h("li", {}, reason.text))),
    h("p", {}, referral.advice),
    h("p", {}, directoryLink(referral)),
    h("div", { class: "referral-articles" }),
    // the disclaimer, unless the message already says it
    outcome.disclaimer !== referral.message ? h("small", { class: "muted" }, outcome.disclaimer)
      : null,
  ];
}

function questionnaire(analysisId, panel) {
  const distress = (name) => h("select", { name }, OFTEN.map(([value, label]) =>
    h("option", { value }, t(label))));
  const form = h("form", { id: "symptoms-form", novalidate: true },
    errorBox(),
    h("fieldset", { class: "checks" }, h("legend", {}, t("Do any of these apply?")),
      YES_NO.map(([name, label]) => h("label", { class: "check" },
        h("input", { type: "checkbox", name }), " ", t(label)))),
    h("div", { class: "grid" },
      field(t("A sore that has not healed for (weeks)"), h("input", { name: "soreNotHealingWeeks",
        type: "number", min: 0 })),
      field(t("Your age"), h("input", { name: "ageYears", type: "number", min: 0 })),
      DISTRESS.map(([name, label]) => field(t(label), distress(name)))),
    h("button", { type: "submit" }, t("Send answers")));
  onSubmit(form, async () => {
    const answers = {};
    for (const [name] of YES_NO) answers[name] = form.elements.namedItem(name).checked;
    for (const [name] of DISTRESS) answers[name] = Number(form.elements.namedItem(name).value);
    for (const name of ["soreNotHealingWeeks", "ageYears"]) {
      const text = form.elements.namedItem(name).value;
      answers[name] = text === "" ? null : Number(text);
    }
    const data = await gql(`mutation($id: ID!, $a: SymptomAnswers!) {
      submitSymptoms(analysisId: $id, answers: $a) { ${OUTCOME} } }`, { id: analysisId, a: answers });
    show(panel, analysisId, data.submitSymptoms);
  });
  return h("details", { class: "questionnaire" },
    h("summary", {}, t("Answer a few questions for a better suggestion (optional)")), form);
}

function show(panel, analysisId, outcome) {
  clear(panel, errorBox(), outcomeView(outcome),
    outcome.referral && outcome.referral.answeredQuestionnaire
      ? h("p", { class: "muted" }, t("Thanks: your answers were taken into account."))
      : questionnaire(analysisId, panel));
  const slot = panel.querySelector(".referral-articles");
  if (slot) {
    readMore(forReferral(outcome.referral), { id: "referral-articles" })
      .then((card) => card && slot.append(card))
      .catch(() => {}); // reading suggestions are optional
  }
}

export async function renderReferral(panel, analysisId) {
  append(panel, [h("p", { class: "muted" }, t("Checking whether to suggest a dermatologist…"))]);
  const data = await gql(`query($id: ID!) { referral(analysisId: $id) { ${OUTCOME} } }`,
    { id: analysisId });
  show(panel, analysisId, data.referral);
}
