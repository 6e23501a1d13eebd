// Calendar dates (YYYY-MM-DD, in no zone) and the days of a named time zone: a practice's days
// are its own, wherever the browser is.

/** The IANA zone the browser is in ("UTC" when it says none). */
export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** `isoDate` plus `days` calendar days. */
export function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function partsIn(zone, moment) {
  return Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(moment).map((part) => [part.type, part.value]));
}

/** The date at `moment` in `zone`, as YYYY-MM-DD. */
export function dateIn(zone, moment = new Date()) {
  const parts = partsIn(zone, moment);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** How far `zone`'s clocks are ahead of UTC at `ms` (an instant), in milliseconds. */
function offsetAt(zone, ms) {
  const p = partsIn(zone, new Date(ms));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour),
    Number(p.minute), Number(p.second));
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The first instant of the day `isoDate` in `zone`: its midnight, the first of two where the
 * clocks go back over it, or the first time the day has where they skip it (Santiago, Cairo).
 * Tried with the zone's offsets a day either side: a zone changes its offset at most once a day.
 */
export function midnightIn(zone, isoDate) {
  const wall = Date.parse(`${isoDate}T00:00:00Z`);
  const starts = [-1, 1].map((side) => wall - offsetAt(zone, wall + side * 86_400_000))
    .filter((ms) => dateIn(zone, new Date(ms)) === isoDate);
  return new Date(starts.length ? Math.min(...starts) : wall - offsetAt(zone, wall));
}
