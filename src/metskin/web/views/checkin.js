// The check-in cadence on the progress page: how many weeks between check-in photos, and when
// the next one is due (counted from the newest routine).

import { gql } from "../graphql.js";
import { choice, clear, day, errorBox, field, formValue, h, onSubmit, time } from "../dom.js";
import { t } from "../i18n.js";

const SCHEDULE = "cadenceWeeks nextCheckIn reminded reminder reminderAt";
const READ = `query { checkIn { ${SCHEDULE} } me { profile { timeZone } } }`;
const SET = `mutation($weeks: Int!) { setCheckInCadence(weeks: $weeks) { ${SCHEDULE} } }`;
const MOST_WEEKS = 12;

/** The cadences to choose from, in the reader's language (so made when shown). */
function weeks() {
  return Array.from({ length: MOST_WEEKS }, (_, i) => [String(i + 1),
    i ? t("{n} weeks", { n: i + 1 }) : t("1 week")]);
}

/** What the progress page says of the next check-in. Its dates are read where the person lives
 * (their profile's `timeZone`, the reminders' clock, as the reminder's hour is): the browser's
 * zone gave a due day of another zone than the hour of its reminder. */
export function nextText(schedule, timeZone, now = new Date()) {
  if (!schedule.nextCheckIn) return t("Your first check-in is counted from your first routine.");
  const due = new Date(schedule.nextCheckIn);
  const when = day(schedule.nextCheckIn, timeZone);
  const text = due <= now ? t("Your check-in photo is due (since {when}).", { when })
    : t("Next check-in photo: {when}.", { when });
  // Due in the evening or night: the reminder waits for the morning where the person lives
  // (their profile's zone: the reminders' clock), the next day's when due before midnight.
  if (schedule.reminder !== "HELD") return text;
  const at = time(schedule.reminderAt, timeZone);
  const on = day(schedule.reminderAt, timeZone);
  return `${text} ${on === when ? t("We'll remind you at {time}.", { time: at })
    : t("We'll remind you on {day} at {time}.", { day: on, time: at })}`;
}

export async function checkInPanel() {
  const { checkIn, me } = await gql(READ);
  const zone = me.profile.timeZone;
  const next = h("p", { id: "next-check-in" }, nextText(checkIn, zone));
  const form = h("form", { id: "check-in-form" },
    field(t("Remind me every"), choice("weeks", weeks(), String(checkIn.cadenceWeeks))),
    h("button", { type: "submit" }, t("Save")), errorBox());
  onSubmit(form, async () => {
    const { setCheckInCadence } = await gql(SET, { weeks: Number(formValue(form, "weeks")) });
    clear(next, nextText(setCheckInCadence, zone));
  });
  return h("section", { class: "check-in", id: "check-in" }, h("h2", {}, t("Check-ins")), next, form);
}
