"""Booking use cases over the whole unit of work: the appointment, its slot, its reminders,
the dermatologist's dashboard event and the patient's messages commit or fail together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from metskin.domain.appointments.booking import (
    book_in,
    booked_already,
    check_upcoming,
    list_slots,
    move_in,
    owned,
)
from metskin.domain.appointments.dashboard import DashboardEvent, DashboardEventKind, wake_up
from metskin.domain.appointments.errors import SLOT_TAKEN, AppointmentNotFound, SlotUnavailable
from metskin.domain.appointments.gate import SlotGate, SlotTaken
from metskin.domain.appointments.model import (
    DEFAULT_POLICY,
    Appointment,
    CancellationPolicy,
    ConsultationType,
    Slot,
    require_utc,
)
from metskin.domain.appointments.reminders import (
    ReminderKind,
    ReminderStatus,
    due_at,
    plan_reminders,
)
from metskin.domain.appointments.slots import MAX_RANGE, PERIOD_TOO_LONG
from metskin.domain.audit.model import Resource
from metskin.domain.audit.service import audit_reads
from metskin.domain.errors import Conflict, Forbidden, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.messages import Job
from metskin.domain.ports import CreatedKey, read
from metskin.domain.referrals.errors import ReferralNotFound

if TYPE_CHECKING:
    from metskin.domain.appointments.gate import NoGate
    from metskin.domain.appointments.ports import AppointmentsUnitOfWork, AppointmentsUowFactory
    from metskin.domain.ports import Clock

SEND_MESSAGE_ACTOR = "send_appointment_message"
ANY_NOTICE = CancellationPolicy(min_notice=timedelta(0))  # an erased account keeps nothing
TOO_MANY = _("More than {limit} appointments start in this range; ask for a shorter range.")


class AppointmentService:
    def __init__(
        self,
        uow_factory: AppointmentsUowFactory,
        clock: Clock,
        policy: CancellationPolicy = DEFAULT_POLICY,
        gate: SlotGate | NoGate | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self.policy = policy
        self._gate = gate or SlotGate()

    def slots(
        self,
        doctor_id: str,
        start: datetime,
        end: datetime,
        consultation_type: ConsultationType | None = None,
    ) -> list[Slot]:
        start, end = checked_range(start, end)
        return list_slots(
            self._uow_factory(),
            doctor_id,
            start,
            end,
            now=self._clock(),
            consultation_type=consultation_type,
        )

    def book(
        self,
        patient_id: str,
        doctor_id: str,
        start: datetime,
        consultation_type: ConsultationType,
        reason: str = "",
        referral_id: str | None = None,
    ) -> Appointment:
        try:
            with self._gate.attempt((doctor_id, require_utc(start, "slotStart"))):
                return self._book(
                    patient_id, doctor_id, start, consultation_type, reason, referral_id
                )
        except SlotTaken as error:
            # The attempt just before booked it; when that was this patient's (a double tap,
            # a retry), this one is the same booking.
            with self._uow_factory() as uow:
                mine = booked_already(uow, patient_id, doctor_id, start, self._clock())
            if mine is not None:
                return mine
            raise SlotUnavailable(SLOT_TAKEN, field="slotStart") from error

    def _book(
        self,
        patient_id: str,
        doctor_id: str,
        start: datetime,
        consultation_type: ConsultationType,
        reason: str,
        referral_id: str | None,
    ) -> Appointment:
        now = self._clock()
        with self._uow_factory() as uow:
            mine = booked_already(uow, patient_id, doctor_id, start, now)
            if mine is not None:
                return mine  # sent again: nothing more is written, told or sent
            # The slot search checks the dermatologist and the consultation type offered.
            check_upcoming(uow, patient_id, doctor_id, now)
            if referral_id is not None:
                self._take_referral(uow, patient_id, referral_id, doctor_id, now)
            appointment = book_in(
                uow,
                doctor_id=doctor_id,
                patient_id=patient_id,
                start=start,
                consultation_type=consultation_type,
                now=now,
                reason=reason,
                referral_id=referral_id,
            )
            uow.reminders.add_many(plan_reminders(appointment, now, _zone_of(uow, patient_id)))
            self._tell(uow, DashboardEventKind.BOOKED, appointment, now)
            self._message(uow, appointment, "CONFIRMED")
            _commit_booking(uow)
        return appointment

    def cancel(self, patient_id: str, appointment_id: str, reason: str = "") -> Appointment:
        def cancel(uow: AppointmentsUnitOfWork, appointment: Appointment, now: datetime) -> None:
            appointment.cancel(now, self.policy, reason)
            uow.reminders.cancel_for(appointment.id)

        return self._change(patient_id, appointment_id, DashboardEventKind.CANCELLED, cancel)

    def cancel_for_erasure(self, party_id: str, appointment_id: str, reason: str) -> Appointment:
        """The patient's or the dermatologist's account is being erased: cancel however near
        the start, with the usual reminders and dashboard event. The caller sends the patient's
        message at once (`AppointmentMessenger.send_change`), while both parties still exist: a
        queued job could run after their rows are gone, or race the caller's send."""

        def cancel(uow: AppointmentsUnitOfWork, appointment: Appointment, now: datetime) -> None:
            appointment.cancel(now, ANY_NOTICE, reason)
            uow.reminders.cancel_for(appointment.id)

        return self._change(
            party_id,
            appointment_id,
            DashboardEventKind.CANCELLED,
            cancel,
            either_party=True,
            message=False,
        )

    def cancel_by_doctor(self, doctor_id: str, appointment_id: str, reason: str) -> Appointment:
        """The dermatologist cancels a booking (illness, the practice closed that day, the
        working hours changed under it), at any time before it starts, saying why: the
        patient gets the usual cancellation message with the reason, and may book again."""
        if not reason.strip():
            raise ValidationFailed(_("Say why, so that your patient knows."), field="reason")

        def cancel(uow: AppointmentsUnitOfWork, appointment: Appointment, now: datetime) -> None:
            if appointment.doctor_id != doctor_id:
                raise Forbidden(_("This appointment belongs to someone else."))
            appointment.cancel(now, ANY_NOTICE, reason)
            uow.reminders.cancel_for(appointment.id)

        return self._change(
            doctor_id, appointment_id, DashboardEventKind.CANCELLED, cancel, either_party=True
        )

    def complete_by_doctor(
        self, doctor_id: str, appointment_id: str, attended: bool = True
    ) -> Appointment:
        """The dermatologist records the outcome of a visit that has begun: seen (COMPLETED) or
        not attended (NO_SHOW), where a past booking stayed BOOKED for good; later they may
        correct one outcome to the other (`Appointment.complete`). Its reminders go (none is
        due by then); nothing is sent to the patient (a wrong "did not attend" could not be
        taken back). The dashboard is told (COMPLETED or NO_SHOW, with the outcome it
        replaces as `previous`): the practice's other screens (the desk, a second tab) show
        the outcome without a reload; the patient's inbox is not."""
        now = self._clock()
        with self._uow_factory() as uow:
            appointment = owned(uow, appointment_id, doctor_id, either_party=True)
            if appointment.doctor_id != doctor_id:
                raise Forbidden(_("This appointment belongs to someone else."))
            previous = appointment.status
            appointment.complete(now, attended)
            uow.reminders.cancel_for(appointment.id)
            uow.appointments.save(appointment)
            kind = DashboardEventKind(appointment.status.value)
            payload = {**appointment_payload(appointment), "previous": previous.value}
            self._tell_dashboard(uow, kind, appointment.doctor_id, payload, now)
            uow.commit()
        return appointment

    def patient_moved(self, patient_id: str) -> int:
        """The patient's zone changed (a trip, a move): each day-before reminder still waiting
        is due again in the daytime of their new zone (`plan_reminders`), as at a booking;
        how many moved. The 1 h reminder and those claimed or sent stay as they are."""
        now = self._clock()
        moved = 0
        with self._uow_factory() as uow:
            time_zone = _zone_of(uow, patient_id)
            booked = uow.appointments.upcoming_for_patient(patient_id, now)
            waiting = {
                r.appointment_id: r
                for r in uow.reminders.for_appointments([a.id for a in booked])
                if r.kind is ReminderKind.DAY_BEFORE and r.status is ReminderStatus.PENDING
            }
            for appointment in booked:
                reminder = waiting.get(appointment.id)
                if reminder is None or reminder.start_at != appointment.start:
                    continue
                if appointment.start - ReminderKind.DAY_BEFORE.before <= now:
                    continue  # its time came (put off to a morning, or claimed soon)
                due = due_at(ReminderKind.DAY_BEFORE, appointment.start, time_zone)
                if due != reminder.due_at:
                    reminder.due_at = due
                    uow.reminders.save(reminder)
                    moved += 1
            uow.commit()
        return moved

    def reschedule(self, patient_id: str, appointment_id: str, new_start: datetime) -> Appointment:
        def move(uow: AppointmentsUnitOfWork, appointment: Appointment, now: datetime) -> None:
            move_in(uow, appointment, new_start, now, self.policy)
            zone = _zone_of(uow, appointment.patient_id)
            uow.reminders.replace_for(appointment.id, plan_reminders(appointment, now, zone))

        return self._change(patient_id, appointment_id, DashboardEventKind.RESCHEDULED, move)

    def _change(
        self,
        patient_id: str,
        appointment_id: str,
        kind: DashboardEventKind,
        change: Callable[[AppointmentsUnitOfWork, Appointment, datetime], None],
        *,
        either_party: bool = False,
        message: bool = True,
    ) -> Appointment:
        """One change of the appointment, with its reminders, the dermatologist's dashboard
        event and the patient's message, committed together. `either_party`: the dermatologist
        may change it too; `message` False: the caller sends the patient's message."""
        now = self._clock()
        with self._uow_factory() as uow:
            appointment = owned(uow, appointment_id, patient_id, either_party=either_party)
            change(uow, appointment, now)
            uow.appointments.save(appointment)
            self._tell(uow, kind, appointment, now)
            if message:
                self._message(uow, appointment, kind.name)
            _commit_booking(uow)
        return appointment

    def get_for_viewer(self, viewer_id: str, appointment_id: str) -> Appointment:
        """The patient's or (audited) the dermatologist's appointment."""
        with self._uow_factory() as uow:
            appointment = uow.appointments.get(appointment_id, for_update=False)
            if appointment is None:
                raise AppointmentNotFound(_("No such appointment."), field="id")
            if viewer_id not in (appointment.patient_id, appointment.doctor_id):
                raise Forbidden(_("This appointment belongs to someone else."))
            if viewer_id == appointment.doctor_id != appointment.patient_id:
                self._audit(uow, viewer_id, [appointment])
        return appointment

    def for_patient(
        self, patient_id: str, after: CreatedKey | None, limit: int, upcoming: bool | None = None
    ) -> list[Appointment]:
        """All by start; `upcoming`: those booked and not yet over, soonest first; not
        `upcoming`: the others (seen, missed, past, cancelled), the most recent start first."""
        over_at = None if upcoming is None else self._clock()
        return read(
            self._uow_factory,
            lambda uow: uow.appointment_queries.list_for_patient(
                patient_id, after, limit, over_at, over=upcoming is False
            ),
        )

    def for_doctor(
        self, doctor_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Appointment]:
        """Every appointment starting in the range; more than `limit` is a coded error asking
        for a narrower range (none is left out silently)."""
        start, end = checked_range(start, end)
        with self._uow_factory() as uow:
            found = uow.appointment_queries.list_for_doctor(doctor_id, start, end, limit + 1)
            if len(found) > limit:
                raise ValidationFailed.translatable(TOO_MANY, "range", limit=limit)
            self._audit(uow, doctor_id, found)
        return found

    def with_patient(
        self, doctor_id: str, patient_id: str, before: CreatedKey | None, first: int
    ) -> list[Appointment]:
        """The dermatologist's own appointments with this patient (any status), the newest
        start first (first + 1 rows, strictly before the keyset `before`: the extra one only
        tells whether a next page exists). Another's patient, or nobody, has none here. Each
        appointment of the page is audited, as the week's list is (`for_doctor`)."""
        with self._uow_factory() as uow:
            found = uow.appointment_queries.list_with_patient(
                doctor_id, patient_id, before, first + 1
            )
            self._audit(uow, doctor_id, [a for a in found[:first] if a.patient_id != doctor_id])
        return found

    def _audit(self, uow: AppointmentsUnitOfWork, doctor_id: str, read: list[Appointment]) -> None:
        """A dermatologist read these appointments (who booked, why): the patients see it."""
        audit_reads(
            uow.access_log,
            doctor_id,
            [(a.patient_id, Resource.APPOINTMENT, a.id) for a in read],
            self._clock(),
        )
        uow.commit()

    def dashboard_events(
        self, doctor_id: str, after_id: int | None, limit: int, before_id: int | None = None
    ) -> list[DashboardEvent]:
        """Oldest first: the `limit` after `after_id`, else the newest (before `before_id`)."""
        with self._uow_factory() as uow:
            if after_id is not None:
                return uow.dashboard_events.after(doctor_id, after_id, limit)
            return uow.dashboard_events.newest(doctor_id, before_id, limit)

    def last_dashboard_event(self, doctor_id: str) -> DashboardEvent | None:
        newest = self.dashboard_events(doctor_id, None, 1)
        return newest[0] if newest else None

    def _take_referral(
        self,
        uow: AppointmentsUnitOfWork,
        patient_id: str,
        referral_id: str,
        doctor_id: str,
        now: datetime,
    ) -> None:
        record = uow.referrals.get(referral_id)
        if record is None or record.patient_id != patient_id:
            raise ReferralNotFound(_("No such referral of yours."), field="referralId")
        if record.doctor_id != doctor_id:
            record.doctor_id = doctor_id
            record.updated_at = now
            uow.referrals.save(record)
            uow.dashboard_events.append(
                doctor_id,
                DashboardEventKind.REFERRAL.value,
                {
                    "referral_id": record.id,
                    "patient_id": patient_id,
                    "analysis_id": record.analysis_id,
                    "urgency": record.referral.urgency.value,
                },
                now,
            )

    def _tell(
        self,
        uow: AppointmentsUnitOfWork,
        kind: DashboardEventKind,
        appointment: Appointment,
        now: datetime,
    ) -> None:
        payload = appointment_payload(appointment)
        self._tell_dashboard(uow, kind, appointment.doctor_id, payload, now)
        patient = uow.users.get(appointment.patient_id)  # their zone, to show the start in
        told = entries.appointment_changed(
            kind.value,
            appointment.patient_id,
            appointment.sequence,
            payload,
            patient.profile.time_zone if patient else None,
            appointment.cancel_reason,
        )
        if told is not None:
            tell(uow, told, now)

    @staticmethod
    def _tell_dashboard(
        uow: AppointmentsUnitOfWork,
        kind: DashboardEventKind,
        doctor_id: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        """The dermatologist's log row, and the wake-up of their live dashboard after the
        commit (`dermatologistEvents` reads the log on it)."""
        uow.dashboard_events.append(doctor_id, kind.value, payload, now)
        uow.defer(wake_up(doctor_id))

    def _message(self, uow: AppointmentsUnitOfWork, appointment: Appointment, kind: str) -> None:
        uow.defer(
            Job(
                SEND_MESSAGE_ACTOR,
                {"appointment_id": appointment.id, "kind": kind, "sequence": appointment.sequence},
            )
        )


def checked_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """[from, to) in UTC, positive and at most 92 days, named as the API names them."""
    start, end = require_utc(start, "from"), require_utc(end, "to")
    if end <= start or end - start > MAX_RANGE:
        raise ValidationFailed.translatable(PERIOD_TOO_LONG, "to", days=MAX_RANGE.days)
    return start, end


def appointment_payload(appointment: Appointment) -> dict[str, Any]:
    return {
        "appointment_id": appointment.id,
        "patient_id": appointment.patient_id,
        "start": appointment.start.isoformat(),
        "consultation_type": appointment.consultation_type.value,
        "referral_id": appointment.referral_id,
    }


def _commit_booking(uow: AppointmentsUnitOfWork) -> None:
    """The store's unique (dermatologist, slot start) index is the final word on a race."""
    try:
        uow.commit()
    except Conflict as error:
        raise SlotUnavailable(SLOT_TAKEN, field="slotStart") from error


def _zone_of(uow: AppointmentsUnitOfWork, patient_id: str) -> str | None:
    """The patient's zone, whose daytime their day-before reminder is due in."""
    patient = uow.users.get(patient_id)
    return patient.profile.time_zone if patient is not None else None
