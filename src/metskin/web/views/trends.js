// Progress over time: the check-in cadence, a trend chart per concern (SVG drawn by the
// server), what changed between the first and the last analysis beyond the noise band, and the
// two faces aligned, with a slider between them.

import { gql } from "../graphql.js";
import { append, h, humanize, when } from "../dom.js";
import { checkInPanel } from "./checkin.js";
import { mark, number, plural, t } from "../i18n.js";

// what `summary` reads of a comparison (also the result page's "since your last photo")
export const COMPARED = `changedConcerns mirrored
    before { createdAt } after { createdAt }
    comparability { score flagged reasons differentPerson }
    deltas { concern region delta change }`;
const PROGRESS = `query($from: DateTime!, $to: DateTime!) { progress(from: $from, to: $to) {
  analyses { id createdAt }
  trends { concern chartSvg }
  comparison { ${COMPARED}
    pictures { beforeUrl afterUrl sideBySideUrl } } } }`;
const YEARS = 3;

function chart(trend, urls) {
  const url = URL.createObjectURL(new Blob([trend.chartSvg], { type: "image/svg+xml" }));
  urls.push(url);
  return h("figure", { class: "trend", "data-concern": trend.concern },
    h("img", { src: url, alt: t("{concern} over time", { concern: humanize(trend.concern) }) }));
}

function slider(pictures) {
  const after = h("img", { src: pictures.afterUrl, alt: t("Later"), class: "after", id: "after-face" });
  const range = h("input", { type: "range", min: "0", max: "100", value: "50", id: "slider",
    "aria-label": t("Before / after") });
  const show = () => { after.style.clipPath = `inset(0 0 0 ${range.value}%)`; };
  range.addEventListener("input", show);
  show();
  return h("div", { class: "compare", id: "compare-pictures" },
    h("div", { class: "stack" },
      h("img", { src: pictures.beforeUrl, alt: t("Earlier"), class: "before" }), after),
    range);
}

// comparability.reasons, in words (the factors below 0.8)
const REASONS = {
  LIGHT: mark("the light"), POSE: mark("the pose"), DISTANCE: mark("the distance"),
  EXPRESSION: mark("a different expression"), QUALITY: mark("the photo quality"),
};

/** "Skin tone: down 29.5° ITA", "Acne: up 12 points": rounded, with its unit. */
function changeText(delta) {
  const size = Math.round(Math.abs(delta.delta) * 10) / 10;
  const amount = number(size, 1);
  let sized = plural(size, mark("{amount} point"), mark("{amount} points"), { amount });
  if (delta.concern === "tone") sized = t("{amount}° ITA", { amount }); // degrees, not points
  const values = { concern: humanize(delta.concern), size: sized };
  return delta.change === "INCREASED" ? t("{concern}: up {size}", values)
    : t("{concern}: down {size}", values);
}

/** What changed between the comparison's two photos, beyond the noise band, in words. */
export function summary(comparison) {
  const { comparability, changedConcerns } = comparison;
  const changes = comparison.deltas.filter((d) => d.region === "face" && d.change !== "NO_CHANGE");
  return h("div", { id: "changes" },
    h("p", {}, `${when(comparison.before.createdAt)} → ${when(comparison.after.createdAt)}`),
    comparability.differentPerson ? h("p", { class: "warning", id: "different-person" },
      t("These photos may not be of the same person, so no change is shown between them. If "
        + "both are of you, take the next one facing the camera, in the same light, with your "
        + "face at rest.")) : null,
    comparability.flagged && !comparability.differentPerson
      ? h("p", { class: "warning", id: "not-comparable" },
      t("These photos are hard to compare ({reasons}): take the next one in the same light, "
        + "pose and distance, with your face at rest.", { reasons: comparability.reasons
        .map((name) => (REASONS[name] ? t(REASONS[name]) : humanize(name))).join(", ") })) : null,
    comparison.mirrored ? h("p", { class: "hint", id: "mirrored" },
      t("One of these photos is a mirror image of the other, as some front cameras save "
        + "selfies. Your spots showed which side is which, so each side of your face was "
        + "compared with the same side.")) : null,
    changedConcerns.length
      ? h("ul", {}, changes.map((d) => h("li", { "data-concern": d.concern }, changeText(d))))
      : comparability.differentPerson ? null
        : h("p", { id: "no-change" }, t("No change beyond what a retake of the same day moves.")));
}

/** The analyses charted: those of the last three calendar years, from the same day and hour
 * three years before `now` (a 29 February between is one of its days: 3 x 365 x 24 hours
 * left out a day; from a 29 February, the 28th). */
export function progressSpan(now = new Date()) {
  const back = (month, day) => new Date(now.getFullYear() - YEARS, month, day, now.getHours(),
    now.getMinutes(), now.getSeconds(), now.getMilliseconds());
  const from = back(now.getMonth(), now.getDate()); // 29 February: 1 March that year
  return { from: from.getMonth() === now.getMonth() ? from : back(now.getMonth() + 1, 0), to: now };
}

export async function renderTrends(view) {
  const { from, to } = progressSpan();
  const { progress } = await gql(PROGRESS, { from: from.toISOString(), to: to.toISOString() });
  const urls = [];
  append(view, [h("h1", {}, t("Your progress")), await checkInPanel()]);
  if (progress.analyses.length < 2) {
    append(view, [h("p", { id: "progress-empty" }, t("Two analyses are needed to compare. "),
      h("a", { href: "#/analyse" }, t("Analyse a photo")), ".")]);
    return null;
  }
  const { comparison } = progress;
  append(view, [summary(comparison),
    comparison.pictures ? slider(comparison.pictures) : null,
    h("div", { class: "trends", id: "trends" }, progress.trends.map((t) => chart(t, urls)))]);
  return () => urls.forEach((url) => URL.revokeObjectURL(url));
}
