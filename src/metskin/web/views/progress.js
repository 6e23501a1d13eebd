// Live analysis progress: the analysisProgress subscription, with polling as a fallback, and
// the panel that shows it.

import { GraphQLError, gql } from "../graphql.js";
import { h, humanize } from "../dom.js";
import { percent, t } from "../i18n.js";
import { subscribeAsUser } from "../live.js";

const PROGRESS = `subscription($id: ID!) { analysisProgress(analysisId: $id) {
  analysisId stage status progress seq failureCode failureReason } }`;
const POLL = `query($id: ID!) { analysis(id: $id) {
  stage status progress failureCode failureReason } }`;
const POLL_MS = 2000;
export const FINAL = new Set(["DONE", "FAILED"]);
const STAGES = ["QUEUED", "DECODING", "FACE_MESH", "MEASURING", "RECOMMENDING", "DONE"];

/**
 * Follow an analysis: `onEvent(progress)` for each step, then `onEnd(error | null)` once.
 * A transport failure (no socket, dropped connection) falls back to polling, with
 * `onFallback()` so the page can say so. `onConnection(online)` when the device goes offline
 * and comes back: the stage shown stops moving meanwhile, and the page says why. Back online,
 * the stream is opened again (it starts with the latest state), since a socket that died with
 * the phone's connection says nothing more, and may not even close. Returns a function that
 * stops following.
 */
export function followProgress(analysisId, { onEvent, onEnd, onFallback, onConnection }) {
  let stopped = false;
  let unsubscribe = null;
  let timer = null;
  let polling = false;

  const offline = () => { if (!stopped && onConnection) onConnection(false); };
  const online = () => {
    if (stopped) return;
    if (onConnection) onConnection(true);
    if (polling) return; // the next read is at most POLL_MS away
    if (unsubscribe) unsubscribe();
    unsubscribe = follow();
  };
  window.addEventListener("offline", offline);
  window.addEventListener("online", online);
  const forget = () => {
    window.removeEventListener("offline", offline);
    window.removeEventListener("online", online);
  };

  const end = (error) => {
    if (stopped) return;
    stopped = true;
    forget();
    onEnd(error);
  };

  const poll = async () => {
    if (stopped) return;
    try {
      const { analysis } = await gql(POLL, { id: analysisId });
      if (stopped) return;
      onEvent({ analysisId, ...analysis });
      if (FINAL.has(analysis.stage)) {
        end(null);
        return;
      }
    } catch (error) {
      if (error instanceof GraphQLError && error.status === 200) {
        end(error);
        return;
      }
    }
    timer = setTimeout(poll, POLL_MS);
  };

  const fallBack = () => {
    if (stopped || polling) return;
    polling = true;
    if (onFallback) onFallback();
    poll();
  };

  const follow = () => subscribeAsUser({
    query: PROGRESS,
    variables: { id: analysisId },
    onNext: (data) => { if (!stopped) onEvent(data.analysisProgress); },
    onComplete: () => end(null),
    onError: end,
    onTransportError: fallBack,
  });
  unsubscribe = follow();
  return () => {
    stopped = true;
    forget();
    if (unsubscribe) unsubscribe();
    clearTimeout(timer);
  };
}

/** The panel of a running analysis. A screen reader hears it through one polite live region
 * that speaks once per stage (the bar and its percent change many times a stage, silently). */
export function progressPanel() {
  const steps = STAGES.map((stage) => h("li", { "data-stage": stage }, humanize(stage)));
  const heading = h("h2", { id: "progress-heading" }, t("Analysing…"));
  const bar = h("progress", { max: 1, value: 0, "aria-labelledby": "progress-heading" });
  const stageText = h("span", { id: "progress-stage", "data-stage": "QUEUED" }, humanize("QUEUED"));
  const note = h("p", { class: "muted", id: "progress-note", role: "status" });
  const said = h("p", { class: "visually-hidden", id: "progress-said", "aria-live": "polite" });
  const panel = h("div", { id: "progress", class: "card" },
    heading, bar,
    h("p", {}, t("Stage: "), stageText, " ", h("span", { id: "progress-percent" }, percent(0))),
    h("ol", { class: "stages" }, steps), note, said);
  let spoken = null;
  return {
    panel,
    /** Say `text` in the live region once (a stage, or the end). */
    announce(text) {
      if (text !== spoken) said.textContent = text;
      spoken = text;
    },
    update(event) {
      if (!FINAL.has(event.stage)) {
        this.announce(t("Stage: {stage}", { stage: humanize(event.stage) }));
      }
      bar.value = event.progress;
      stageText.textContent = humanize(event.stage);
      stageText.dataset.stage = event.stage;
      panel.querySelector("#progress-percent").textContent = percent(event.progress);
      const reached = STAGES.indexOf(event.stage);
      steps.forEach((step, index) => {
        step.classList.toggle("done", index < reached || event.stage === "DONE");
        step.classList.toggle("current", index === reached && event.stage !== "DONE");
        if (index === reached && event.stage !== "DONE") step.setAttribute("aria-current", "step");
        else step.removeAttribute("aria-current");
      });
      if (event.stage === "FAILED") panel.classList.add("failed");
    },
    /** The photo gave no measurement (no face, too dark, ...): the steps after finding the
     * face did not run, and the panel says so rather than showing every step done. */
    measuredNothing() {
      steps.slice(STAGES.indexOf("MEASURING"), STAGES.indexOf("DONE")).forEach((step) => {
        step.classList.remove("done");
        step.classList.add("skipped");
        step.append(h("span", { class: "visually-hidden" }, ` (${t("not done")})`));
      });
      heading.textContent = t("No result: please retake your photo");
      this.announce(t("No result from this photo: the reason and what to do are below."));
    },
    say(text) {
      note.textContent = text;
    },
  };
}
