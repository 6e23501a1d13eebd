// The dermatologist's live events: the dermatologistEvents subscription, resumed with afterId
// after a dropped connection, with polling as a fallback while websockets fail.

import { NO_SOCKET, subscribeAsUser } from "../live.js";

const EVENTS = `subscription($after: Int) { dermatologistEvents(afterId: $after) {
  id kind at patientId appointmentId analysisId referralId shareId start details } }`;
const FAILURES_BEFORE_POLLING = 3; // about 7 seconds of failed reconnects
const MAX_RETRY_MS = 30_000;
export const POLL_MS = 5000;

/**
 * Follow the dashboard events after `afterId` (null: the latest one first, then new ones),
 * `onEvent(event)` for each, once. `onState(state)` with "connecting", "live", "reconnecting",
 * "polling" or "stopped" (with the error). While websockets fail, `poll()` is called every
 * POLL_MS, and reconnecting goes on in the background. Returns a function that stops it all.
 */
export function followDashboard({ afterId = null, onEvent, onState, poll }) {
  let stopped = false;
  let lastId = afterId;
  let connectedOnce = afterId !== null;
  let unsubscribe = null;
  let retryTimer = null;
  let pollTimer = null;
  let failures = 0;

  const polling = () => pollTimer !== null;
  const setState = (state, error = null) => {
    if (!stopped) onState(state, error);
  };

  const pollLoop = async () => {
    if (stopped || !polling()) return;
    try {
      await poll();
    } catch {
      // The next round tries again; a lasting failure shows on the page that polls.
    }
    if (!stopped && polling()) pollTimer = setTimeout(pollLoop, POLL_MS);
  };
  const startPolling = () => {
    if (polling() || stopped) return;
    pollTimer = setTimeout(pollLoop, 0);
  };
  const stopPolling = () => {
    clearTimeout(pollTimer);
    pollTimer = null;
  };

  const halt = () => {
    stopped = true;
    stopPolling();
    clearTimeout(retryTimer);
    if (unsubscribe) unsubscribe();
  };
  const stop = (error) => {
    setState("stopped", error);
    halt();
  };

  const retry = () => {
    if (stopped) return;
    unsubscribe = null;
    failures += 1;
    if (failures >= FAILURES_BEFORE_POLLING) startPolling();
    setState(polling() ? "polling" : "reconnecting");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1)));
  };

  function connect() {
    if (stopped) return;
    // Resume after the last event seen. A connection that saw none yet asks for the latest
    // first; a later one, everything since the first connection (there was nothing then).
    const after = lastId !== null ? lastId : connectedOnce ? 0 : null;
    unsubscribe = subscribeAsUser({
      query: EVENTS,
      variables: { after },
      onConnected: () => {
        connectedOnce = true;
        failures = 0;
        stopPolling();
        setState("live");
      },
      onNext: (data) => {
        const event = data.dermatologistEvents;
        if (lastId !== null && event.id <= lastId) return;
        lastId = event.id;
        onEvent(event);
      },
      onComplete: retry,
      onError: stop,
      onTransportError: (error) => {
        if (error.code === NO_SOCKET) { // the browser refuses sockets: poll at once
          failures = Math.max(failures, FAILURES_BEFORE_POLLING - 1);
        }
        retry();
      },
    });
  }

  setState("connecting");
  connect();
  return halt;
}
