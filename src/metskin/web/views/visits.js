// What a dermatologist does with one booking, wherever it is listed (the dashboard's week, a
// patient's visits): cancel an upcoming one saying why, record a begun one's outcome (seen, or
// did not attend), correct a recorded outcome. `redraw(id)` reads the list again after a change.

import { gql } from "../graphql.js";
import { append, busy, errorBox, field, h, onSubmit } from "../dom.js";
import { t } from "../i18n.js";

const CANCEL = `mutation($id: ID!, $reason: String!) {
  cancelPatientAppointment(id: $id, reason: $reason) { id status } }`;
const OUTCOME = `mutation($id: ID!, $attended: Boolean!) {
  completePatientAppointment(id: $id, attended: $attended) { id status } }`;
const OUTCOMES = new Set(["COMPLETED", "NO_SHOW"]); // recorded by the dermatologist, correctable

/**
 * Cancel a booking that has not started, saying why (the API asks for it): the patient gets the
 * cancellation with the reason, and may book again.
 */
function cancelForm(appointment, redraw) {
  const reason = h("textarea", { name: "reason", rows: 2, maxlength: 500 });
  const form = h("form", { class: "cancel-form", novalidate: true }, errorBox(),
    field(t("Why (your patient reads it)"), reason),
    h("button", { type: "submit", class: "danger" }, t("Cancel and tell the patient")));
  onSubmit(form, async () => {
    await gql(CANCEL, { id: appointment.id, reason: reason.value.trim() });
    await redraw(appointment.id);
  });
  return h("details", { class: "cancel-appointment" },
    h("summary", {}, t("Cancel this appointment")), form);
}

/** The buttons that record a visit's outcome: "Mark as seen" (COMPLETED), "Did not attend"
 * (NO_SHOW), each but the outcome it has. */
function outcomeButtons(appointment, redraw) {
  const box = h("p", { class: "outcome" }, errorBox());
  const record = (attended) => () => busy(box, async () => {
    await gql(OUTCOME, { id: appointment.id, attended });
    await redraw(appointment.id);
  });
  return append(box, [
    appointment.status !== "COMPLETED" ? h("button", { type: "button",
      class: "secondary mark-seen", onclick: record(true) }, t("Mark as seen")) : null,
    appointment.status === "BOOKED" ? " " : null,
    appointment.status !== "NO_SHOW" ? h("button", { type: "button",
      class: "secondary mark-no-show", onclick: record(false) }, t("Did not attend")) : null,
  ]);
}

/** A visit that has begun: its outcome to record while it is BOOKED; once recorded, a way to
 * correct it (a mis-click), folded away as cancelling is. */
function outcomeBox(appointment, redraw) {
  if (appointment.status === "BOOKED") return outcomeButtons(appointment, redraw);
  return h("details", { class: "change-outcome" },
    h("summary", {}, t("Change the outcome")), outcomeButtons(appointment, redraw));
}

/** "Cancelled: <the reason>" under a cancelled booking; nothing under another. */
export function cancelledNote(appointment) {
  return appointment.status === "CANCELLED" ? h("p", { class: "muted cancelled-note" },
    t("Cancelled"), appointment.cancelReason ? `: ${appointment.cancelReason}` : "") : null;
}

/** The dermatologist's action on a booking (needs its id, status and start): cancel before it
 * starts; once begun, its outcome to record or correct; a cancelled one has none. */
export function visitActions(appointment, redraw, now = Date.now()) {
  const booked = appointment.status === "BOOKED";
  if (booked && Date.parse(appointment.start) > now) return cancelForm(appointment, redraw);
  return booked || OUTCOMES.has(appointment.status) ? outcomeBox(appointment, redraw) : null;
}
