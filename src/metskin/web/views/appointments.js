// My appointments by start time, and one appointment's page (where message links lead):
// cancel or move a booked one; book again with the dermatologist of a missed one.

import { gql } from "../graphql.js";
import {
  append, appointmentStatus, busy, clear, errorBox, field, focusOn, formValue, h, humanize, notice,
  onSubmit, practicePhoneLine, when, withPhone, zoneName,
} from "../dom.js";
import { t } from "../i18n.js";
import { bookingPicker } from "./directory.js";
import { slotPicker } from "./slots.js";

const PAGE = 20;
const FIELDS = `id start end timeZone status consultationType reason cancelReason reschedules
  cancelledAt cancellableUntil dermatologist { id name timeZone fee { amount currency }
    practice { name address city phone phoneInternational } }
  referralId referral { urgency specialty }`;
const MINE = `query($upcoming: Boolean, $first: Int!, $after: String) {
  myAppointments(upcoming: $upcoming, first: $first, after: $after) {
  edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const ONE = `query($id: ID!) { appointment(id: $id) { ${FIELDS} } }`;
const CANCEL = `mutation($id: ID!, $reason: String!) {
  cancelAppointment(id: $id, reason: $reason) { ${FIELDS} } }`;
const RESCHEDULE = `mutation($id: ID!, $s: DateTime!) {
  rescheduleAppointment(id: $id, slotStart: $s) { ${FIELDS} } }`;

function cancelForm(appointment, replace) {
  const form = h("form", { class: "cancel-form", novalidate: true },
    errorBox(),
    field(t("Why are you cancelling? (optional)"), h("input", { name: "reason", maxlength: 500 })),
    h("button", { type: "submit", class: "danger confirm-cancel" }, t("Cancel appointment")));
  onSubmit(form, async () => {
    const { cancelAppointment } = await gql(CANCEL, { id: appointment.id,
      reason: formValue(form, "reason") });
    replace(cancelAppointment, t("Appointment cancelled."));
  });
  return form;
}

function rescheduleBox(appointment, replace) {
  const box = h("div", { class: "reschedule" }, errorBox());
  box.append(slotPicker(appointment.dermatologist.id, (slot) => busy(box, async () => {
    const { rescheduleAppointment } = await gql(RESCHEDULE, { id: appointment.id, s: slot.start });
    replace(rescheduleAppointment, t("Appointment moved."));
  }), { consultationType: appointment.consultationType, level: 3,
    timeZone: appointment.dermatologist.timeZone }));
  return box;
}

// what may be booked again from its card: a visit seen, cancelled or missed
const AGAIN = new Set(["COMPLETED", "CANCELLED", "NO_SHOW"]);

/** A visit over, cancelled or missed: the same dermatologist's free times, to book again (for
 * the same referral, when it was for one). */
function bookAgainBox(appointment) {
  const box = h("div", { class: "book-again" });
  return append(box, bookingPicker(appointment.dermatologist, box, appointment.referralId,
    appointment.consultationType));
}

/** Past the time it can be changed here: the practice's number to call, when it gave one. */
function tooSoon(doctor) {
  return doctor && doctor.practice.phone
    ? withPhone(t("It starts too soon to be cancelled or moved here; please call the practice "
      + "on {phone}."), doctor.practice.phone, doctor.practice.phoneInternational)
    : t("It starts too soon to be cancelled or moved here; please call the practice.");
}

function item(appointment) {
  const li = h("li", { class: `card appointment ${appointment.status.toLowerCase()}`,
    "data-appointment-id": appointment.id, "data-level": "3" });
  fill(li, appointment);
  return li;
}

function fill(li, appointment, message = null) {
  const doctor = appointment.dermatologist;
  const panel = h("div", { class: "panel" });
  const replace = (updated, text) => {
    li.className = `card appointment ${updated.status.toLowerCase()}`;
    fill(li, updated, text);
    focusOn(li.querySelector(".notice")); // what had the focus was redrawn: say what changed
  };
  // Reschedule and Cancel each open their panel below them, and say whether it is open.
  const toggle = (key, make) => (event) => {
    const closing = panel.dataset.open === key;
    clear(panel, closing ? null : make(appointment, replace));
    panel.dataset.open = closing ? "" : key;
    for (const button of li.querySelectorAll("[aria-expanded]")) {
      button.setAttribute("aria-expanded", String(button === event.currentTarget && !closing));
    }
  };
  const [status, statusWords] = appointmentStatus(appointment);
  const booked = appointment.status === "BOOKED";
  const changeable = booked && new Date(appointment.cancellableUntil) > new Date();
  li.dataset.start = appointment.start;
  clear(li,
    h(li.dataset.level === "3" ? "h3" : "h2", {}, h("a", { href: `#/appointments/${encodeURIComponent(appointment.id)}` },
      when(appointment.start, appointment.timeZone)),
      h("span", { class: "muted" },
        ` (${zoneName(appointment.timeZone, new Date(appointment.start))})`)),
    h("p", {}, h("span", { class: `badge status ${status}` }, statusWords), " ",
      humanize(appointment.consultationType), " ", t("with"),
    " ", h("strong", {}, doctor ? doctor.name : t("a dermatologist")),
    // the street address, as the directory shows it: where to go for a visit in person
    doctor ? h("span", { class: "practice" }, ` · ${doctor.practice.name}, `
      + `${doctor.practice.address || doctor.practice.city}`) : ""),
    practicePhoneLine(doctor?.practice),
    appointment.reason ? h("p", {}, t("Reason: {reason}", { reason: appointment.reason })) : null,
    appointment.referral ? h("p", { class: "muted" },
      t("For your referral ({urgency}, {specialty})", {
        urgency: humanize(appointment.referral.urgency),
        specialty: humanize(appointment.referral.specialty) })) : null,
    appointment.reschedules ? h("p", { class: "muted" },
      appointment.reschedules === 1 ? t("Moved 1 time")
        : t("Moved {count} times", { count: appointment.reschedules })) : null,
    appointment.status === "CANCELLED" ? h("p", { class: "muted" },
      t("Cancelled {time}", { time: when(appointment.cancelledAt) }),
      appointment.cancelReason ? `: ${appointment.cancelReason}` : "") : null,
    message ? notice(message) : null,
    booked && status !== "past" ? h("p", { class: "muted cancellation-terms" }, changeable
      ? t("You can cancel or move it until {time}.",
        { time: when(appointment.cancellableUntil, appointment.timeZone) })
      : tooSoon(doctor)) : null,
    appointment.status === "NO_SHOW" ? h("p", { class: "missed" },
      t("Missed: your dermatologist recorded that you did not attend.")) : null,
    // Over, cancelled or missed: the same dermatologist's free times here (a cancelled one
    // led to the whole directory), or another dermatologist
    AGAIN.has(appointment.status) && doctor ? h("div", { class: "actions" },
      h("button", { type: "button", class: "book-again-open", "aria-expanded": "false",
        onclick: toggle("again", bookAgainBox) }, appointment.status === "COMPLETED"
        ? t("Book a follow-up with {name}", { name: doctor.name })
        : t("Book again with {name}", { name: doctor.name })), " ",
      h("a", { href: `#/dermatologists?type=${appointment.consultationType}`,
        class: "book-another" }, t("or another dermatologist"))) : null,
    changeable ? h("div", { class: "actions" },
      h("button", { type: "button", class: "reschedule-open", "aria-expanded": "false",
        onclick: toggle("reschedule", rescheduleBox) }, t("Reschedule")), " ",
      h("button", { type: "button", class: "cancel-open", "aria-expanded": "false",
        onclick: toggle("cancel", cancelForm) }, t("Cancel")))
      : null,
    panel);
}

/** One appointment, at `/appointments/<id>` (the link in every appointment message). */
export async function renderAppointment(view, { match: [id] }) {
  const found = await gql(ONE, { id }).catch((error) => {
    if (error.code !== "NOT_FOUND") throw error;
    return null;
  });
  // Gone: its dermatologist left MetSkin (the cancellation email links here), or a wrong link.
  if (!found) {
    append(view, [h("h1", {}, t("Your appointment")), h("p", { id: "appointment-gone" },
      t("This appointment is no longer on file: it may have been cancelled when its "
        + "dermatologist left MetSkin. "),
      h("a", { href: "#/dermatologists" }, t("Find a dermatologist")), "."),
    h("p", {}, h("a", { href: "#/appointments" }, t("All your appointments")))]);
    return;
  }
  const { appointment } = found;
  const card = h("div", { class: "card appointment", id: "appointment",
    "data-appointment-id": appointment.id });
  fill(card, appointment);
  append(view, [h("h1", {}, t("Your appointment")), card,
    h("p", {}, h("a", { href: "#/appointments" }, t("All your appointments")))]);
}

/** One section of the list: what is ahead (soonest first) or what is over (the most recent
 * first), a page at a time; null when it has none. */
async function section(upcoming) {
  const key = upcoming ? "upcoming" : "past";
  const list = h("ul", { class: "appointments", id: `${key}-appointments` });
  const more = h("button", { type: "button", hidden: true },
    upcoming ? t("Later appointments") : t("Earlier appointments"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;
  const load = async () => {
    const { myAppointments } = await gql(MINE, { upcoming, first: PAGE, after });
    append(list, [myAppointments.edges.map((edge) => item(edge.node))]);
    after = myAppointments.pageInfo.endCursor;
    more.hidden = !myAppointments.pageInfo.hasNextPage;
  };
  more.addEventListener("click", () => busy(pager, load));
  await load();
  const title = upcoming ? t("Upcoming appointments") : t("Past and cancelled");
  return list.firstChild ? h("section", { id: `${key}-section`, "aria-labelledby": `${key}-title` },
    h("h2", { id: `${key}-title` }, title), list, pager) : null;
}

/** What is ahead first, then what is over: before, one list by start put every past visit
 * above the next one (after 20, on a later page). */
export async function renderAppointments(view) {
  const [ahead, over] = await Promise.all([section(true), section(false)]);
  const find = h("a", { href: "#/dermatologists" }, t("Find a dermatologist"));
  append(view, [h("h1", {}, t("Your appointments")),
    h("div", { id: "appointments" },
      ahead || (over ? h("p", { id: "nothing-ahead" }, t("Nothing booked ahead. "), find, ".")
        : h("p", { id: "no-appointments" }, t("No appointments yet. "), find, ".")),
      over)]);
}
