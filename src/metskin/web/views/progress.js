// Live analysis progress: the analysisProgress subscription, with polling as a fallback.

import { GraphQLError, freshAccessToken, gql, refreshTokens } from "../graphql.js";
import { subscribe } from "../ws.js";

const PROGRESS = `subscription($id: ID!) { analysisProgress(analysisId: $id) {
  analysisId stage status progress seq failureCode failureReason } }`;
const POLL = `query($id: ID!) { analysis(id: $id) {
  stage status progress failureCode failureReason } }`;
const POLL_MS = 2000;
const AUTH_CODES = new Set(["UNAUTHENTICATED", "TOKEN_EXPIRED"]);
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
  let refreshed = false;

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

  const connect = async () => {
    let token;
    try {
      token = await freshAccessToken();
    } catch (error) {
      end(error);
      return;
    }
    if (stopped) return;
    try {
      unsubscribe = subscribe({
        query: PROGRESS,
        variables: { id: analysisId },
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        onNext: (data) => { if (!stopped) onEvent(data.analysisProgress); },
        onComplete: () => end(null),
        onError: (error) => {
          if (stopped) return;
          if (AUTH_CODES.has(error.code) && !refreshed) {
            refreshed = true;
            refreshTokens().then(connect, end);
          } else if (error.status === 0) {
            fallBack();
          } else {
            end(error);
          }
        },
      });
    } catch {
      fallBack(); // the browser refused the socket
    }
  };

  connect();
  return () => {
    stopped = true;
    if (unsubscribe) unsubscribe();
    clearTimeout(timer);
  };
}
