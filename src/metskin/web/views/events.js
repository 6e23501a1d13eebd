// The dermatologist's dashboard events. The history comes from the dashboardEvents query;
// new events from the dermatologistEvents subscription after the last one seen, which is also
// how a dropped connection catches up (afterId). While websockets fail, the page polls
// dashboardEvents after the last one seen instead.

import { gql } from "../graphql.js";
import { NO_SOCKET, subscribeAsUser } from "../live.js";

const EVENT_FIELDS = "id kind at patientId patientName appointmentId analysisId referralId "
  + "shareId start details";
const EVENTS = `subscription($after: Int!) { dermatologistEvents(afterId: $after) {
  ${EVENT_FIELDS} } }`;
const AFTER = `query($after: Int!, $first: Int!) {
  dashboardEvents(afterId: $after, first: $first) { ${EVENT_FIELDS} } }`;
const NEWEST = `query($first: Int!) { dashboardEvents(first: $first) { ${EVENT_FIELDS} } }`;
const OLDER = `query($before: Int!, $first: Int!) {
  dashboardEvents(beforeId: $before, first: $first) { ${EVENT_FIELDS} } }`;
const PAGE = 100; // the API's largest page
const FAILURES_BEFORE_POLLING = 3; // about 7 seconds of failed reconnects
const MAX_RETRY_MS = 30_000;
export const POLL_MS = 5000;
export const SHARE_KINDS = new Set(["SHARED", "SHARE_REVOKED", "SHARE_EXPIRED"]);

/** Up to `first` events after `afterId`, oldest first. */
export async function eventsAfter(afterId, first = PAGE) {
  return (await gql(AFTER, { after: afterId, first })).dashboardEvents;
}

/** The newest `count` events (fewer when there are fewer), oldest first. */
export async function newestEvents(count) {
  return (await gql(NEWEST, { first: count })).dashboardEvents;
}

/** Up to `count` events before `beforeId` (the newest of them), oldest first. */
export async function olderEvents(beforeId, count) {
  return (await gql(OLDER, { before: beforeId, first: count })).dashboardEvents;
}

/**
 * Follow the dashboard events after `afterId`: `onEvent(event)` for each, once, in order.
 * `onState(state, error)` with "connecting", "live", "reconnecting", "polling" or "stopped".
 * A dropped connection is retried with backoff and resumed after the last event seen; while
 * websockets fail, dashboardEvents is polled every POLL_MS (reconnecting goes on meanwhile).
 * Returns a function that stops it all.
 */
export function followDashboard({ afterId, onEvent, onState }) {
  let stopped = false;
  let lastId = afterId;
  let unsubscribe = null;
  let retryTimer = null;
  let pollTimer = null;
  let failures = 0;

  const polling = () => pollTimer !== null;
  const setState = (state, error = null) => {
    if (!stopped) onState(state, error);
  };
  // Polling and a new connection can both bring an event: each is passed on once.
  const deliver = (event) => {
    if (stopped || event.id <= lastId) return;
    lastId = event.id;
    onEvent(event);
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

  async function poll() {
    for (;;) {
      const batch = await eventsAfter(lastId);
      batch.forEach(deliver);
      if (batch.length < PAGE || stopped) return;
    }
  }
  async function pollLoop() {
    if (stopped || !polling()) return;
    try {
      await poll();
    } catch (error) {
      if (error.status === 200) { // refused, not unreachable: asking again will not help
        stop(error);
        return;
      }
    }
    if (!stopped && polling()) pollTimer = setTimeout(pollLoop, POLL_MS);
  }
  function startPolling() {
    if (!polling() && !stopped) pollTimer = setTimeout(pollLoop, 0);
  }
  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

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
    unsubscribe = subscribeAsUser({
      query: EVENTS,
      variables: { after: lastId }, // everything missed meanwhile comes first
      onConnected: () => {
        failures = 0;
        stopPolling();
        setState("live");
      },
      onNext: (data) => deliver(data.dermatologistEvents),
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

/** The id of the newest dashboard event (0 when there is none): where following starts. */
export async function lastEventId() {
  const [newest] = await newestEvents(1);
  return newest ? newest.id : 0;
}

/**
 * Calls `onChange(event)` for each share of `patientId` (of anyone, without one) given,
 * revoked or run out after the event `afterId` (from lastEventId(), read before the page read what is
 * shared): a page showing what they share reads it again, and says so when it is no longer
 * shared. A dropped connection is resumed as on the dashboard. Returns a stop function.
 */
export function followSharesOf(patientId, afterId, onChange) {
  return followPatient(patientId, afterId, SHARE_KINDS, onChange);
}

/** Its bookings made, moved or cancelled (by either side), or a visit's outcome recorded or
 * corrected, for a page listing them. */
export const BOOKING_KINDS = new Set(["BOOKED", "RESCHEDULED", "CANCELLED", "COMPLETED",
  "NO_SHOW"]);

/** As followSharesOf, for the events of the `kinds` given (SHARE_KINDS, BOOKING_KINDS). */
export function followPatient(patientId, afterId, kinds, onChange) {
  return followDashboard({
    afterId,
    onState: () => {},
    onEvent: (event) => {
      if (kinds.has(event.kind) && (!patientId || event.patientId === patientId)) {
        onChange(event);
      }
    },
  });
}
