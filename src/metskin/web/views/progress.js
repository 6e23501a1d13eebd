// Live analysis progress: the analysisProgress subscription, with polling as a fallback.

import { GraphQLError, gql } from "../graphql.js";
import { subscribeAsUser } from "../live.js";

const PROGRESS = `subscription($id: ID!) { analysisProgress(analysisId: $id) {
  analysisId stage status progress seq failureCode failureReason } }`;
const POLL = `query($id: ID!) { analysis(id: $id) {
  stage status progress failureCode failureReason } }`;
const POLL_MS = 2000;
export const FINAL = new Set(["DONE", "FAILED"]);

/**
 * Follow an analysis: `onEvent(progress)` for each step, then `onEnd(error | null)` once.
 * A transport failure (no socket, dropped connection) falls back to polling, with
 * `onFallback()` so the page can say so. Returns a function that stops following.
 */
export function followProgress(analysisId, { onEvent, onEnd, onFallback }) {
  let stopped = false;
  let unsubscribe = null;
  let timer = null;

  const end = (error) => {
    if (stopped) return;
    stopped = true;
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
    if (stopped) return;
    if (onFallback) onFallback();
    poll();
  };

  unsubscribe = subscribeAsUser({
    query: PROGRESS,
    variables: { id: analysisId },
    onNext: (data) => { if (!stopped) onEvent(data.analysisProgress); },
    onComplete: () => end(null),
    onError: end,
    onTransportError: fallBack,
  });
  return () => {
    stopped = true;
    if (unsubscribe) unsubscribe();
    clearTimeout(timer);
  };
}
