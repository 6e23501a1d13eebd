// The dermatologist's dashboard: the recent and live events, newest first, beside a week of
// appointments in the practice's time zone. An event about an appointment refreshes the week.
// Patients are named from the appointments and events read (patientName), never looked up on
// their own.

import { addDays, dateIn } from "../dates.js";
import { gql, session } from "../graphql.js";
import {
  append, appointmentStatus, busy, clear, dateHeading, errorBox, h, humanize, showError, when,
} from "../dom.js";
import { mark, t } from "../i18n.js";
import { POLL_MS, followDashboard, newestEvents, olderEvents } from "./events.js";
import { auditNote, patientLink, rememberNames } from "./patients.js";
import { fillZoneSentence, practiceZone } from "./practice.js";
import { urgentPanel } from "./urgent.js";
import { cancelledNote, visitActions } from "./visits.js";

const APPOINTMENT_FIELDS = `id start end startLocal endLocal timeZone status consultationType
  reason cancelReason reschedules patientId patientName referral { urgency specialty }`;
const WEEK = `query($range: DateRange!, $zone: String) {
  appointments(range: $range, timeZone: $zone) { ${APPOINTMENT_FIELDS} } }`;
const FEED_SIZE = 100;
const HISTORY_SIZE = 50; // shown on opening the dashboard
const REFRESH_DELAY_MS = 250; // one read for a burst of events
const SAY_DELAY_MS = 1500; // one sentence for a burst of events (a poll may bring several)
const KINDS = {
  BOOKED: mark("New booking"),
  RESCHEDULED: mark("Rescheduled"),
  CANCELLED: mark("Cancelled"),
  COMPLETED: mark("Completed"),
  NO_SHOW: mark("Did not attend"),
  SHARED: mark("Shared"),
  SHARE_REVOKED: mark("Share revoked"),
  SHARE_EXPIRED: mark("Sharing ended"),
  REFERRAL: mark("Referral"),
};
// A visit's outcome, recorded or corrected on another screen (the desk, a second tab), is an
// event too: the week shows it without a reload.
const OUTCOME_KINDS = new Set(["COMPLETED", "NO_SHOW"]);
const APPOINTMENT_KINDS = new Set(["BOOKED", "RESCHEDULED", "CANCELLED", ...OUTCOME_KINDS]);
const ENDED_KINDS = new Set(["SHARE_REVOKED", "SHARE_EXPIRED"]);

const STATES = {
  connecting: mark("Connecting…"),
  live: mark("Live"),
  reconnecting: mark("Reconnecting…"),
  polling: mark("Live updates unavailable: checking every {seconds} s"),
  stopped: mark("Stopped"),
};

// The feed outlives the page: coming back to it resumes after the last event seen. Until
// its history is read, lastId is null. It keeps `limit` events (more once older ones are
// asked for); `older`: events before the oldest kept may exist.
const feed = { owner: null, lastId: null, items: [], limit: FEED_SIZE, older: false };

function feedFor(userId) {
  if (feed.owner !== userId) {
    Object.assign(feed, { owner: userId, lastId: null, items: [], limit: FEED_SIZE,
      older: false });
  }
  return feed;
}

/** Add events (oldest first, as they come) but those already in; newest first in the feed. */
function addToFeed(events) {
  const fresh = events.filter((event) => feed.lastId === null || event.id > feed.lastId);
  if (!fresh.length) return;
  rememberNames(fresh); // events name their patient too (patientId, patientName)
  const items = [...[...fresh].reverse(), ...feed.items];
  feed.older ||= items.length > feed.limit; // the oldest leave the feed
  feed.items = items.slice(0, feed.limit);
  feed.lastId = fresh[fresh.length - 1].id;
}

/** The page of events before the oldest in the feed, added at its end. */
async function addOlder() {
  const oldest = feed.items[feed.items.length - 1];
  const events = oldest ? await olderEvents(oldest.id, HISTORY_SIZE) : [];
  rememberNames(events);
  feed.items.push(...events.reverse());
  feed.limit = Math.max(feed.limit, feed.items.length);
  feed.older = events.length === HISTORY_SIZE;
}

// --- dates, as YYYY-MM-DD in the practice's zone ---------------------------------------------

function mondayOf(isoDate) {
  const weekday = (new Date(`${isoDate}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(isoDate, -weekday);
}

// --- the feed --------------------------------------------------------------------------------

/**
 * `ended`: the ids of the shares the feed shows revoked or run out since, and how (no link
 * leads to them).
 */
function eventItem(event, zone, showWeekOf, ended) {
  const details = event.details || {};
  const open = event.kind === "SHARED" && !ended.has(event.shareId);
  const facts = [
    event.start ? when(event.start, zone) : null,
    details.consultation_type ? humanize(details.consultation_type) : null,
    details.scope ? (details.scope === "ALL" ? t("All analyses") : t("One analysis")) : null,
    details.urgency ? t("Referral: {urgency}", { urgency: humanize(details.urgency) }) : null,
    OUTCOME_KINDS.has(event.kind) && OUTCOME_KINDS.has(details.previous)
      ? t("Corrected (was: {outcome})", { outcome: humanize(details.previous) }) : null,
    event.kind === "SHARED" && !open ? (ended.get(event.shareId) === "SHARE_EXPIRED"
      ? t("Ended since") : t("Revoked since")) : null,
  ].filter(Boolean);
  const patientQuery = event.patientId ? `?patient=${encodeURIComponent(event.patientId)}` : "";
  const actions = [
    open && event.analysisId ? h("a", { class: "open-analysis",
      href: `#/shared/${encodeURIComponent(event.analysisId)}${patientQuery}` },
    t("Open the analysis")) : null,
    open && !event.analysisId && event.patientId ? h("a", {
      href: `#/patients/${encodeURIComponent(event.patientId)}` }, t("See the shared analyses"))
      : null,
    APPOINTMENT_KINDS.has(event.kind) && event.start ? h("button", {
      type: "button", class: "link show-in-week",
      onclick: () => showWeekOf(dateIn(zone, new Date(event.start)), event.appointmentId),
    }, t("Show in the week")) : null,
  ];
  return h("li", {
    class: `event ${event.kind.toLowerCase()}`, "data-kind": event.kind,
    "data-event-id": event.id, "data-patient-id": event.patientId,
    "data-appointment-id": event.appointmentId,
    "data-start": event.start,
  },
  h("p", { class: "what" }, h("span", { class: `badge ${event.kind.toLowerCase()}` },
    KINDS[event.kind] ? t(KINDS[event.kind]) : humanize(event.kind)), " ",
    patientLink(event.patientId)),
  facts.length ? h("p", { class: "facts" }, facts.join(" · ")) : null,
  h("small", { class: "muted" }, when(event.at, zone)),
  actions.some(Boolean) ? h("p", { class: "event-actions" }, actions) : null);
}

// --- the week --------------------------------------------------------------------------------

function appointmentItem(appointment, changed, redraw) {
  const [status, statusWords] = appointmentStatus(appointment);
  return h("li", {
    class: `appointment ${status}${changed ? " changed" : ""}`,
    "data-appointment-id": appointment.id, "data-start": appointment.start,
  },
  h("span", { class: "time" }, `${appointment.startLocal.slice(11, 16)}–`
    + `${appointment.endLocal.slice(11, 16)}`),
  h("div", {},
    h("p", { class: "what" }, patientLink(appointment.patientId), " ",
      h("span", { class: `badge status ${status}` }, statusWords), " ",
      humanize(appointment.consultationType),
      appointment.referral ? [" ", h("span", {
        class: `badge ${appointment.referral.urgency.toLowerCase()}` },
      t("Referral: {urgency}, {specialty}", { urgency: humanize(appointment.referral.urgency),
        specialty: humanize(appointment.referral.specialty) }))] : null),
    appointment.reason ? h("p", { class: "reason" }, t("Reason: {reason}", { reason: appointment.reason })) : null,
    appointment.reschedules ? h("p", { class: "muted" }, appointment.reschedules === 1
      ? t("Moved 1 time") : t("Moved {count} times", { count: appointment.reschedules })) : null,
    cancelledNote(appointment),
    visitActions(appointment, redraw)));
}

function weekList(monday, appointments, changed, redraw) {
  const byDay = new Map(Array.from({ length: 7 }, (_, index) => [addDays(monday, index), []]));
  for (const appointment of appointments) {
    byDay.get(appointment.startLocal.slice(0, 10))?.push(appointment);
  }
  return [...byDay].map(([isoDate, items]) => h("li", { class: "day", "data-date": isoDate },
    h("h3", {}, dateHeading(isoDate)),
    items.length ? h("ul", { class: "day-appointments" },
      items.sort((a, b) => a.start.localeCompare(b.start))
        .map((appointment) => appointmentItem(appointment, changed.has(appointment.id),
          redraw)))
      : h("p", { class: "muted none" }, t("No appointments."))));
}

// --- the page --------------------------------------------------------------------------------

export async function renderDashboard(view) {
  feedFor(session.user.id);
  const status = h("span", { class: "live-status", id: "live-status", role: "status",
    "data-state": "connecting" }, t(STATES.connecting));
  // Not a live region: it is drawn again whole on each event. New events are said once, in
  // a sentence of their own (`said`).
  const feedList = h("ol", { class: "feed", id: "feed" });
  const said = h("p", { class: "visually-hidden", id: "dashboard-said", "aria-live": "polite" });
  const heard = { count: 0, newest: null, timer: null };
  const announce = (event) => {
    Object.assign(heard, { count: heard.count + 1, newest: event });
    clearTimeout(heard.timer);
    heard.timer = setTimeout(() => {
      const id = CSS.escape(String(heard.newest.id));
      const item = feedList.querySelector(`[data-event-id="${id}"]`);
      const words = item ? [...item.querySelectorAll(".what, .facts")]
        .map((part) => part.textContent.trim()).join(": ") : "";
      said.textContent = heard.count === 1 ? t("New: {event}.", { event: words })
        : t("{count} new events; the newest: {event}.", { count: heard.count, event: words });
      heard.count = 0;
    }, SAY_DELAY_MS);
  };
  const olderButton = h("button", { type: "button", id: "older-events", class: "more",
    hidden: true }, t("Older events"));
  const feedPanel = h("section", { class: "card feed-panel", "aria-labelledby": "feed-title" },
    errorBox(),
    h("h2", { id: "feed-title" }, t("Live events "), status),
    said,
    h("p", { class: "muted" }, t("Bookings, changes, shares and referrals: the recent ones, then "
      + "new ones as they happen, newest first. After a dropped connection the feed picks up "
      + "where it stopped.")),
    feedList, olderButton);
  olderButton.addEventListener("click", () => busy(feedPanel, async () => {
    await addOlder();
    renderFeed();
  }));

  const weekInput = h("input", { type: "date", name: "week", id: "week-of" });
  const zoneNote = h("span", { id: "week-zone" });
  const zoneSentence = h("p", { class: "muted", id: "week-zone-note" });
  const weekForm = h("form", { id: "week-form", class: "week-form", novalidate: true },
    errorBox(),
    h("button", { type: "button", id: "previous-week" }, t("← Previous")), " ",
    h("label", { for: "week-of" }, t("Week of ")), weekInput, " ",
    h("button", { type: "button", id: "this-week" }, t("This week")), " ",
    h("button", { type: "button", id: "next-week" }, t("Next →")));
  const weekBody = h("ol", { class: "week", id: "week" });
  const weekPanel = h("section", { class: "card week-panel", "aria-labelledby": "week-title" },
    h("h2", { id: "week-title" }, t("Appointments")),
    zoneSentence,
    weekForm, weekBody);

  const urgentSlot = h("div", { class: "urgent-slot" });
  append(view, [
    h("h1", {}, t("Dashboard")),
    auditNote(),
    urgentSlot, // urgent referrals first, before the feed and the week
    h("div", { class: "dashboard" }, feedPanel, weekPanel),
  ]);

  const practice = await practiceZone();
  const zone = practice.name;
  fillZoneSentence(zoneSentence, practice, zoneNote);
  const urgent = urgentPanel(zone);
  urgentSlot.replaceWith(urgent.panel);
  // `monday`: the week on screen (Previous and Next step from it), set once it has loaded;
  // `wanted`: the week asked for last, the one a load still counts for.
  const thisWeek = mondayOf(dateIn(zone));
  const week = { monday: thisWeek, wanted: thisWeek, byId: new Map(),
    changed: new Set(), timer: null };
  const range = (monday) => ({ from: `${addDays(monday, -1)}T00:00:00Z`,
    to: `${addDays(monday, 8)}T00:00:00Z` }); // wide enough for any zone; filtered by local day

  const renderFeed = () => {
    olderButton.hidden = !feed.older;
    const ended = new Map(feed.items.filter((item) => ENDED_KINDS.has(item.kind))
      .map((item) => [item.shareId, item.kind]));
    clear(feedList, feed.items.length
      ? feed.items.map((item) => eventItem(item, zone, showWeekOf, ended))
      : h("li", { class: "muted none", id: "feed-empty" }, feed.lastId === null
        ? t("Reading the recent events…") : t("Nothing yet. New events appear here as they happen.")));
  };

  /**
   * The recent events, once per session of the page: coming back resumes after them. When
   * another visit to this page (one it replaced while both were loading) read them meanwhile,
   * they are kept, and this page still shows them.
   */
  const loadHistory = async () => {
    const events = await newestEvents(HISTORY_SIZE);
    if (feed.lastId === null) {
      addToFeed(events);
      feed.older = events.length === HISTORY_SIZE;
      feed.lastId ??= 0; // none yet: follow from the start
    }
    renderFeed();
  };

  const loadWeek = async (monday = week.wanted) => {
    week.wanted = monday;
    let appointments;
    try {
      ({ appointments } = await gql(WEEK, { range: range(monday), zone }));
    } catch (error) {
      if (monday === week.wanted) { // the week on screen stays the one asked for
        week.wanted = week.monday;
        weekInput.value = week.monday;
      }
      throw error;
    }
    if (monday !== week.wanted) return; // another week was asked for meanwhile
    const days = new Set(Array.from({ length: 7 }, (_, index) => addDays(monday, index)));
    const shown = appointments.filter((a) => days.has(a.startLocal.slice(0, 10)));
    rememberNames(shown);
    renderFeed(); // events about these patients can now name them
    Object.assign(week, { monday,
      byId: new Map(shown.map((a) => [a.id, { status: a.status, start: a.start }])) });
    weekInput.value = monday;
    clear(weekBody, weekList(monday, shown, week.changed, (id) => {
      week.changed.add(id);
      return loadWeek();
    }));
    week.changed = new Set();
  };

  function showWeekOf(isoDate, appointmentId = null) {
    if (appointmentId) week.changed.add(appointmentId);
    return busy(weekForm, () => loadWeek(mondayOf(isoDate))).then(() => {
      const item = appointmentId && weekBody.querySelector(
        `[data-appointment-id="${CSS.escape(appointmentId)}"]`);
      if (item) item.scrollIntoView({ block: "nearest" });
    });
  }

  /**
   * Whether the week on screen already shows what an event says: then it is not read again
   * (each read is audited). Events replayed when coming back to the page, or that came while
   * the history and the week were read, are mostly shown already.
   */
  const shownAlready = (event) => {
    const known = week.byId.get(event.appointmentId);
    const day = event.start ? dateIn(zone, new Date(event.start)) : null;
    const inWeek = day !== null && day >= week.monday && day <= addDays(week.monday, 6);
    if (!known) return !inWeek;
    if (event.kind === "CANCELLED") return known.status === "CANCELLED";
    if (event.kind === "RESCHEDULED") return Date.parse(known.start) === Date.parse(event.start);
    if (OUTCOME_KINDS.has(event.kind)) return known.status === event.kind;
    return true;
  };

  const refreshSoon = (appointmentId) => {
    if (appointmentId) week.changed.add(appointmentId);
    clearTimeout(week.timer);
    week.timer = setTimeout(() => {
      busy(weekForm, () => loadWeek());
    }, REFRESH_DELAY_MS);
  };

  weekInput.addEventListener("change", () => {
    if (weekInput.value) showWeekOf(weekInput.value);
  });
  weekForm.querySelector("#previous-week").addEventListener("click",
    () => showWeekOf(addDays(week.monday, -7)));
  weekForm.querySelector("#next-week").addEventListener("click",
    () => showWeekOf(addDays(week.monday, 7)));
  weekForm.querySelector("#this-week").addEventListener("click",
    () => showWeekOf(dateIn(zone)));
  weekForm.addEventListener("submit", (event) => event.preventDefault());

  renderFeed();
  await Promise.all([feed.lastId === null ? loadHistory() : null, loadWeek(), urgent.load()]);

  const stop = followDashboard({
    afterId: feed.lastId,
    onState: (state, error) => {
      status.dataset.state = state;
      status.textContent = STATES[state] ? t(STATES[state], { seconds: POLL_MS / 1000 }) : state;
      if (error) showError(feedPanel, error);
    },
    onEvent: (event) => {
      addToFeed([event]);
      renderFeed();
      announce(event);
      urgent.onEvent(event);
      if (APPOINTMENT_KINDS.has(event.kind) && !shownAlready(event)) {
        refreshSoon(event.appointmentId);
      }
    },
  });
  return () => {
    stop();
    clearTimeout(week.timer);
    clearTimeout(heard.timer);
  };
}
