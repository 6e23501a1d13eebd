"""The booking steps inside an open unit of work: find a free slot, book, cancel, move.

The caller (`AppointmentService`) opens the unit of work and commits it with the reminders,
the dashboard event and the messages of the same change."""

from __future__ import annotations

import uuid
from datetime import datetime

from metskin.domain.appointments.errors import (
    AppointmentNotFound,
    ConsultationTypeNotOffered,
    SlotUnavailable,
    TooManyAppointments,
)
from metskin.domain.appointments.model import (
    DEFAULT_POLICY,
    MAX_REASON,
    Appointment,
    CancellationPolicy,
    ConsultationType,
    PracticeHours,
    Slot,
    require_utc,
)
from metskin.domain.appointments.ports import AppointmentsUnitOfWork
from metskin.domain.appointments.slots import BOOKING_HORIZON, bookable_slots, find_slot
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.errors import Forbidden
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said

TOO_FAR_AHEAD = _("Appointments can be booked at most {days} days ahead; choose an earlier time.")
# Upcoming (booked, not ended) appointments one person may hold: without a limit one new
# account booked every free slot of a dermatologist (100 in two weeks), or of all of them.
MAX_UPCOMING_WITH_ONE = 2  # a consultation and a follow-up
MAX_UPCOMING = 5
TOO_MANY_WITH_ONE = _(
    "You already have {count} upcoming appointments with this dermatologist. Cancel one, or "
    "wait until one has taken place, to book another."
)
TOO_MANY_UPCOMING = _(
    "You already have {count} upcoming appointments. Cancel one, or wait until one has taken "
    "place, to book another."
)


def booked_already(
    uow: AppointmentsUnitOfWork, patient_id: str, doctor_id: str, start: datetime, now: datetime
) -> Appointment | None:
    """The patient's own booking of this time with this dermatologist, if they hold one: a
    booking sent again (its answer lost on a weak connection, then the button pressed again;
    a double tap) is that booking. It was refused as "Someone has just booked this time. Pick
    another slot.", and the person, who had booked it, booked another time too. The patient's
    account row is locked first, as `check_upcoming` does, so two sends count one after the
    other."""
    uow.users.get(patient_id, for_update=True)
    return next(
        (
            item
            for item in uow.appointments.upcoming_for_patient(patient_id, now)
            if item.doctor_id == doctor_id and item.start == start
        ),
        None,
    )


def check_upcoming(
    uow: AppointmentsUnitOfWork, patient_id: str, doctor_id: str, now: datetime
) -> None:
    """TOO_MANY_APPOINTMENTS when the patient may book no more (MAX_UPCOMING_WITH_ONE with
    this dermatologist, MAX_UPCOMING in all).

    The patient's account row is locked first, to the booking's commit: two bookings of one
    patient at once (two tabs, a script) count one after the other. Before, both counted the
    same appointments and both booked (the slot gate is per slot, not per patient)."""
    uow.users.get(patient_id, for_update=True)
    upcoming = uow.appointments.upcoming_for_patient(patient_id, now)
    with_one = sum(1 for item in upcoming if item.doctor_id == doctor_id)
    if with_one >= MAX_UPCOMING_WITH_ONE:
        raise TooManyAppointments.translatable(TOO_MANY_WITH_ONE, "slotStart", count=with_one)
    if len(upcoming) >= MAX_UPCOMING:
        raise TooManyAppointments.translatable(TOO_MANY_UPCOMING, "slotStart", count=len(upcoming))


def list_slots(
    uow: AppointmentsUnitOfWork,
    doctor_id: str,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    consultation_type: ConsultationType | None = None,
) -> list[Slot]:
    with uow:
        hours = _practice_hours(uow, doctor_id)
        booked = uow.appointments.active_for_doctors([doctor_id], start, end)
        return bookable_slots(
            hours.bookable, start, end, now=now, booked=booked, consultation_type=consultation_type
        )


def book_in(
    uow: AppointmentsUnitOfWork,
    *,
    doctor_id: str,
    patient_id: str,
    start: datetime,
    consultation_type: ConsultationType,
    now: datetime,
    appointment_id: str | None = None,
    reason: str = "",
    referral_id: str | None = None,
) -> Appointment:
    """Book inside an open unit of work; the caller commits."""
    slot = _free_slot(uow, doctor_id, start, consultation_type, now)
    appointment = Appointment(
        id=appointment_id or str(uuid.uuid4()),
        doctor_id=doctor_id,
        patient_id=patient_id,
        start=slot.start,
        end=slot.end,
        consultation_type=consultation_type,
        booked_at=now,
        reason=reason.strip()[:MAX_REASON],
        referral_id=referral_id,
    )
    uow.appointments.add(appointment)
    return appointment


def owned(
    uow: AppointmentsUnitOfWork, appointment_id: str, patient_id: str, *, either_party: bool = False
) -> Appointment:
    """The patient's appointment (or, `either_party`, the dermatologist's), locked for a change."""
    appointment = uow.appointments.get(appointment_id, for_update=True)
    if appointment is None:
        raise AppointmentNotFound(_("appointment not found"), field="id")
    parties = (appointment.patient_id, appointment.doctor_id if either_party else None)
    if patient_id not in parties:
        raise Forbidden(_("this appointment belongs to someone else"))
    return appointment


def move_in(
    uow: AppointmentsUnitOfWork,
    appointment: Appointment,
    new_start: datetime,
    now: datetime,
    policy: CancellationPolicy = DEFAULT_POLICY,
) -> None:
    """Move the appointment to a free slot at `new_start` (the caller saves and commits)."""
    appointment.ensure_changeable(now, policy)
    slot = _free_slot(
        uow,
        appointment.doctor_id,
        new_start,
        appointment.consultation_type,
        now,
        ignore=appointment.id,
        type_field="slotStart",  # the type is the appointment's own: the new time is at fault
    )
    if slot.start == appointment.start:
        raise SlotUnavailable(_("the appointment is already at that time"), field="slotStart")
    appointment.move_to(slot, now, policy)


def _free_slot(
    uow: AppointmentsUnitOfWork,
    doctor_id: str,
    start: datetime,
    consultation_type: ConsultationType,
    now: datetime,
    ignore: str | None = None,
    type_field: str = "consultationType",
) -> Slot:
    hours = _practice_hours(uow, doctor_id)
    if consultation_type not in hours.offered:  # the profile no longer offers it
        raise ConsultationTypeNotOffered.translatable(
            _("This dermatologist offers only {types} consultations."),
            type_field,
            types=_type_names(hours.offered),
        )
    if require_utc(start, "slotStart") > now + BOOKING_HORIZON:
        raise SlotUnavailable.translatable(TOO_FAR_AHEAD, "slotStart", days=BOOKING_HORIZON.days)
    slot = find_slot(hours.bookable, start, now=now)
    if slot is None or any(
        a.id != ignore
        for a in uow.appointments.active_for_doctors([doctor_id], slot.start, slot.end)
    ):
        raise SlotUnavailable(_("that time is no longer available"), field="slotStart")
    if consultation_type not in slot.consultation_types:
        offered = _type_names(slot.consultation_types)
        raise ConsultationTypeNotOffered.translatable(
            _("At that time this dermatologist offers only {types} consultations."),
            type_field,
            types=offered,
        )
    return slot


def _practice_hours(uow: AppointmentsUnitOfWork, doctor_id: str) -> PracticeHours:
    found = uow.availability.get(doctor_id)
    if found is None:
        raise DermatologistNotFound(_("dermatologist not found"), field="dermatologistId")
    return found


TYPE_NAMES = {ConsultationType.IN_PERSON: _("in-person"), ConsultationType.VIDEO: _("video")}


def _type_names(types: frozenset[ConsultationType]) -> Said:
    """ "in-person", "video", or "in-person or video", each word in the reader's language."""
    names = [Said(TYPE_NAMES[t]) for t in sorted(types, key=lambda t: TYPE_NAMES[t])]
    said = names[0] if names else Said("")
    for name in names[1:]:
        said = Said(_("{first} or {second}"), first=said, second=name)
    return said
