// The dermatologist's dashboard events. The history comes from the dashboardEvents query;
// new events from the dermatologistEvents subscription after the last one seen, which is also
// how a dropped connection catches up (afterId). While websockets fail, the page polls
// dashboardEvents after the last one seen instead.

import { gql } from "../graphql.js";
import { NO_SOCKET, keepSubscribed } from "../live.js";

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
  let pollTimer = null;

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

  setState("connecting");
  unsubscribe = keepSubscribed({
    query: EVENTS,
    variables: () => ({ after: lastId }), // everything missed meanwhile comes first
    onConnected: () => {
      stopPolling();
      setState("live");
    },
    onNext: (data) => deliver(data.dermatologistEvents),
    onError: stop,
    onDropped: (failures, error) => {
      // A browser that refuses sockets polls at once; else after a few failed reconnects.
      if (failures >= FAILURES_BEFORE_POLLING || (error && error.code === NO_SOCKET)) {
        startPolling();
      }
      setState(polling() ? "polling" : "reconnecting");
    },
  });
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
