// A dermatologist's free slots, day by day of their practice, to book or to move an appointment
// to. The days are the practice's and so are the times, labelled with its zone: "1 day" is one
// whole working day of the practice, wherever the browser is (from the browser's midnight, a
// practice far from it showed the end of one of its days and the start of the next). The
// booking form says it at the person's own time too, when their clock reads another hour.

import { addDays, browserZone, dateIn, midnightIn } from "../dates.js";
import { gql } from "../graphql.js";
import {
  busy, choice, clear, dateHeading, errorBox, field, h, humanize, time, uid, when, zoneName,
} from "../dom.js";
import { mark, money, number, t } from "../i18n.js";

const SLOTS = `query($id: ID!, $from: DateTime!, $to: DateTime!, $type: ConsultationType,
  $zone: String) {
  availableSlots(dermatologistId: $id, from: $from, to: $to, consultationType: $type,
    timeZone: $zone) {
    start end startLocal endLocal timeZone consultationTypes cancellableUntil freeCancellation } }`;
const SPANS = [1, 7, 14, 31]; // days
export const CONSULTATION_TYPES = [["", mark("In person or video")], ["IN_PERSON", mark("In person")],
  ["VIDEO", mark("Video")]];

/** The `days` calendar days from `date` in `zone` (the practice's), midnight to midnight:
 * across a daylight-saving change a day is 23 or 25 hours, and `days` x 24 hours missed the
 * last hour of the day the clocks go back (or reached into the next day when they go forward). */
export function practiceSpan(date, days, zone) {
  return { from: midnightIn(zone, date), to: midnightIn(zone, addDays(date, days)) };
}

export function isoDate(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

/** The person's own zone, as their appointments and inbox show times: their profile's, else
 * (not signed in, or no answer) the browser's. */
export async function yourZone() {
  try {
    const { me } = await gql("{ me { profile { timeZone } } }");
    return (me && me.profile && me.profile.timeZone) || browserZone();
  } catch {
    return browserZone();
  }
}

/** A slot's start on `personZone`'s clock when it reads another time than the practice's:
 * { time, zone } ("09:00", with its date when that is another day there; the zone's name);
 * null when the clocks agree or the zone is unknown. */
function personTime(slot, personZone) {
  if (!personZone || when(slot.start, personZone) === when(slot.start, slot.timeZone)) {
    return null;
  }
  const start = new Date(slot.start);
  const sameDay = dateIn(personZone, start) === dateIn(slot.timeZone, start);
  return { time: sameDay ? time(slot.start, personZone) : when(slot.start, personZone),
    zone: zoneName(personZone, start) };
}

/** A slot's start at the practice, labelled with its zone: "8 Dec 2026, 10:00 (Central European
 * Time)"; then, when the clock of `personZone` reads another time then, the same start there:
 * "09:00 your time (Greenwich Mean Time)", with its date when that is another day. */
export function slotWhen(slot, personZone = undefined) {
  const there = `${when(slot.start, slot.timeZone)} (${zoneName(slot.timeZone,
    new Date(slot.start))})`;
  const yours = personTime(slot, personZone);
  return yours ? [there, t("{time} your time ({zone})", yours)] : [there];
}

/** Under a list of times at the practice, what its first reads on `personZone`'s clock when
 * that is another time: "10:00 at the practice is 04:00 for you (Eastern Time)." (with the
 * date when it is another day there); null where the clocks agree or the zone is unknown. */
export function clockNote(slot, personZone) {
  const yours = personTime(slot, personZone);
  return yours ? t("{practice} at the practice is {yours} for you ({zone}).", {
    practice: time(slot.start, slot.timeZone), yours: yours.time, zone: yours.zone }) : null;
}

/** What a visit in `slot` is: its length in minutes and the dermatologist's `fee`. */
export function visitTerms(slot, fee) {
  const minutes = Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000);
  return [t("Length: {minutes} min", { minutes: number(minutes) }),
    fee ? t("Fee: {fee}", { fee: money(fee.amount, fee.currency) }) : null].filter(Boolean);
}

function slotButton(slot, results, onPick) {
  return h("button", {
    type: "button", class: slot.freeCancellation ? "slot" : "slot late",
    "data-start": slot.start,
    title: slot.consultationTypes.map(humanize).join(", ")
      + (slot.freeCancellation ? "" : ` · ${t("cannot be cancelled once booked")}`),
    onclick: (event) => {
      for (const other of results.querySelectorAll("button.slot[aria-pressed]")) {
        other.removeAttribute("aria-pressed");
      }
      event.currentTarget.setAttribute("aria-pressed", "true");
      onPick(slot);
    },
  }, slot.startLocal.slice(11, 16), slot.freeCancellation ? "" : [
    h("span", { "aria-hidden": "true" }, " !"),
    h("span", { class: "visually-hidden" }, `, ${t("cannot be cancelled once booked")}`),
  ]);
}

// How far a key moves along a day's times (Home and End: to its first and last).
const MOVES = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity,
  End: Infinity };

/**
 * A day's times as one group under its heading: one Tab stop a day (a week has up to 32 times
 * a day), the arrow keys move between its times, Home and End to its first and last.
 */
function dayOfTimes(title, level, buttons) {
  const heading = h(`h${level}`, { id: uid("day") }, title);
  const group = h("div", { class: "slot-buttons", role: "group", "aria-labelledby": heading.id },
    buttons);
  const stopAt = (chosen) => buttons.forEach((button) => {
    button.tabIndex = button === chosen ? 0 : -1;
  });
  stopAt(buttons[0]);
  group.addEventListener("focusin", (event) => stopAt(event.target.closest("button.slot")));
  group.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(event.target.closest("button.slot"));
    const to = at + (MOVES[event.key] || NaN);
    if (at < 0 || Number.isNaN(to)) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus();
  });
  return h("div", { class: "slot-day" }, heading, group);
}

/** Free times for one dermatologist; `onPick(slot, personZone)` when one is chosen, with the
 * person's own zone (yourZone) when `withPersonZone` (a booking form says both clocks; a move
 * does not ask). `level`: the days' heading level, one below the heading the picker sits
 * under; `timeZone`: their practice's (the days and times shown are its; the browser's when
 * not known). */
export function slotPicker(doctorId, onPick, { consultationType = "", level = 4,
  timeZone = undefined, withPersonZone = false } = {}) {
  const zone = timeZone || browserZone();
  const personZone = withPersonZone ? yourZone() : undefined; // asked once, with the first times
  const results = h("div", { class: "slot-results" });
  const form = h("form", { class: "slot-form", novalidate: true },
    errorBox(),
    h("div", { class: "grid" },
      field(t("From"), h("input", { name: "from", type: "date", value: dateIn(zone) })),
      field(t("For"), choice("span", SPANS.map((n) => [String(n),
        n === 1 ? t("1 day") : t("{n} days", { n })]), "7")),
      field(t("Type"), choice("type", CONSULTATION_TYPES, consultationType))),
    h("button", { type: "submit" }, t("Show free times")));

  const load = async () => {
    const chosen = form.elements.from.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(chosen) || Number.isNaN(Date.parse(chosen))) {
      const error = new Error(t("Choose a start date."));
      Object.assign(error, { code: "VALIDATION_FAILED", field: "from" });
      throw error;
    }
    const span = practiceSpan(chosen, Number(form.elements.span.value), zone);
    const [{ availableSlots }, yours] = await Promise.all([gql(SLOTS, { id: doctorId,
      from: span.from.toISOString(), to: span.to.toISOString(),
      type: form.elements.type.value || null, zone }), personZone]);
    const days = new Map();
    for (const slot of availableSlots) {
      const localDate = slot.startLocal.slice(0, 10);
      if (!days.has(localDate)) days.set(localDate, []);
      days.get(localDate).push(slot);
    }
    if (!days.size) {
      clear(results, h("p", { class: "muted no-slots" }, t("No free times in this period.")));
      return;
    }
    const late = availableSlots.some((slot) => !slot.freeCancellation);
    const note = yours ? clockNote(availableSlots[0], yours) : null;
    clear(results, h("p", { class: "muted zone-note" }, t("Times in {zone}.",
      { zone: zoneName(availableSlots[0].timeZone, new Date(availableSlots[0].start)) }),
      note ? [" ", note] : null, " ", t("The arrow keys move between the times of a day.")),
      late ? h("p", { class: "muted late-note" }, t("Times marked ! start soon: once booked, "
        + "they can no longer be cancelled or moved.")) : null,
    [...days].map(([localDate, slots]) => dayOfTimes(dateHeading(localDate), level,
      slots.map((slot) => slotButton(slot, results, (picked) => onPick(picked, yours))))));
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, load);
  });
  busy(form, load);
  return h("div", { class: "slot-picker" }, form, results);
}
