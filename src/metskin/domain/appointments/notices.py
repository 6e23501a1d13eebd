"""Sending appointment messages (confirmation, reschedule, cancellation, reminders).

Each message goes by email and by SMS as the patient's profile allows (opt-in per channel,
SMS only with a phone number). Every send has a dedupe key, so a retried or redelivered job
never sends twice. Reminders are claimed from their table by a periodic scan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import User
from metskin.domain.appointments.messages import (
    AppointmentMessage,
    AppointmentNotice,
    calendar_attachment,
    email_context,
    sms_text,
)
from metskin.domain.appointments.model import Appointment, AppointmentStatus, ConsultationType
from metskin.domain.appointments.reminders import Reminder, ReminderKind, ReminderStatus
from metskin.domain.daytime import daytime_from
from metskin.domain.directory.model import Dermatologist
from metskin.domain.errors import DomainError
from metskin.domain.i18n.ports import Translations
from metskin.domain.i18n.said import spoken
from metskin.domain.i18n.source import SourceTexts
from metskin.domain.inbox import entries
from metskin.domain.inbox.model import InboxEntry
from metskin.domain.inbox.service import tell
from metskin.domain.links import PublicLinks
from metskin.domain.messages import Job, OutgoingSms

if TYPE_CHECKING:
    from metskin.domain.appointments.ports import AppointmentsUowFactory
    from metskin.domain.notifications.ports import MailRenderer
    from metskin.domain.notifications.service import Delivery, NotificationService
    from metskin.domain.ports import Clock

log = logging.getLogger(__name__)
SEND_REMINDER_ACTOR = "send_appointment_reminder"


@dataclass(frozen=True)
class MessengerSettings:
    public_base_url: str
    organizer_email: str
    product_name: str = "MetSkin"

    def manage_url(self, appointment_id: str) -> str:
        return PublicLinks(self.public_base_url).appointment(appointment_id)


@dataclass(frozen=True)
class _Parties:
    appointment: Appointment
    patient: User
    doctor: Dermatologist


@dataclass(eq=False)
class AppointmentMessenger:
    uow_factory: AppointmentsUowFactory
    notifications: NotificationService
    renderer: MailRenderer
    clock: Clock
    settings: MessengerSettings
    translations: Translations = field(default_factory=SourceTexts)

    # --- confirmation, reschedule, cancellation --------------------------------------------

    def send_change(self, appointment_id: str, kind: str, sequence: int) -> int:
        """Send the message for one change; a stale one (the appointment moved on) is dropped.

        Returns how many messages left (0 when already sent, stale or opted out).
        """
        message = AppointmentMessage[kind]
        parties = self._parties(appointment_id)
        if parties is None:
            return 0
        appointment = parties.appointment
        if message is AppointmentMessage.CANCELLED:
            if appointment.status is not AppointmentStatus.CANCELLED:
                return 0
        elif not appointment.is_active or appointment.sequence != sequence:
            return 0
        previous = None
        if message is AppointmentMessage.RESCHEDULED:
            previous = appointment.history[sequence - 1][0]
        # As written by whoever cancelled, in the patient's language when it is one of ours.
        reason = appointment.cancel_reason if message is AppointmentMessage.CANCELLED else ""
        key = f"appt:{appointment.id}:{message.name.lower()}:{sequence}"
        return self._send(parties, message, key, reason=reason, previous_start=previous).sent

    # --- reminders -----------------------------------------------------------------------------

    def send_reminder(
        self, appointment_id: str, kind: str, start: str | None = None
    ) -> ReminderStatus | None:
        """Send one claimed reminder and record the outcome. Idempotent.

        `start` is the appointment start (ISO) the scan claimed the job for. The job sends
        only a row that is claimed (QUEUED), due, and still for that start; otherwise it is
        dropped and the row left to its own scan (a job still queued or retrying when the
        appointment moved must not remind of the new time early). A job queued before jobs
        carried `start` is judged by the row alone.

        What it finds is judged when it runs, not when it was queued: a retry after the start
        (or in the last hour, for the day-before one) is skipped, and a late day-before reminder
        in the patient's evening or night waits for their 09:00 (`_put_off`). On time (within
        `ON_TIME` of its due moment) it goes at its hour, the appointment's own the day before.
        """
        reminder_kind = ReminderKind(kind)
        now = self.clock()
        with self.uow_factory() as uow:
            reminder = uow.reminders.get(appointment_id, reminder_kind)
        if reminder is None or not _job_may_send(reminder, start, now):
            return reminder.status if reminder else None
        parties = self._parties(appointment_id)
        if parties is None or not parties.appointment.is_active:
            return self._finish(reminder, ReminderStatus.CANCELLED, "appointment not active")
        if parties.appointment.start != reminder.start_at or reminder.is_stale(now):
            return self._finish(reminder, ReminderStatus.SKIPPED, "too late or moved")
        if reminder.kind is ReminderKind.DAY_BEFORE and reminder.is_late(now):
            morning = daytime_from(now, parties.patient.profile.time_zone)
            if morning > now:  # late, and the patient's evening or night
                return self._put_off(reminder, morning)
        told = entries.appointment_reminder(  # in the app, whatever the channels did
            parties.appointment.patient_id,
            appointment_id,
            kind,
            reminder.start_at.isoformat(),
            parties.patient.profile.time_zone,
        )
        try:
            delivery = self._send(
                parties,
                AppointmentMessage.REMINDER,
                reminder.key,
                hours_before=reminder.hours_left(now),
            )
        except DomainError as error:  # refused by the provider for good
            return self._finish(reminder, ReminderStatus.FAILED, error.message, told)
        status = ReminderStatus.SENT if delivery.sent else ReminderStatus.SKIPPED
        detail = "; ".join(delivery.refused) or ("" if delivery.sent else "no channel allowed")
        return self._finish(reminder, status, detail, told)

    def give_up_reminder(
        self, appointment_id: str, kind: str, detail: str, start: str | None = None
    ) -> None:
        with self.uow_factory() as uow:
            reminder = uow.reminders.get(appointment_id, ReminderKind(kind))
        if reminder is not None and _job_may_send(reminder, start, None):
            self._finish(reminder, ReminderStatus.FAILED, detail)

    def _put_off(self, reminder: Reminder, morning: datetime) -> ReminderStatus:
        """A late day-before reminder found in the patient's night: back to the scan from their
        next 09:00 (`morning`), or skipped when that is within the last hour (the 1 h reminder,
        which goes whatever the hour, tells then)."""
        if reminder.is_stale(morning):
            return self._finish(reminder, ReminderStatus.SKIPPED, "late, at night")
        return self._finish(reminder, ReminderStatus.PENDING, "put off to 09:00", due_at=morning)

    def _finish(
        self,
        reminder: Reminder,
        status: ReminderStatus,
        detail: str,
        told: InboxEntry | None = None,
        due_at: datetime | None = None,
    ) -> ReminderStatus:
        """Record the outcome of the job's claim (or give the row back to the scan, PENDING
        at `due_at`), unless the row moved on meanwhile."""
        with self.uow_factory() as uow:
            current = uow.reminders.get(reminder.appointment_id, reminder.kind)
            if (
                current is None
                or current.start_at != reminder.start_at
                or current.status is not ReminderStatus.QUEUED
            ):
                return current.status if current else status  # moved or cancelled meanwhile
            current.status, current.detail = status, detail[:200]
            current.sent_at = self.clock() if status is ReminderStatus.SENT else None
            current.claimed_until = None
            current.due_at = due_at or current.due_at
            uow.reminders.save(current)
            if told is not None:
                tell(uow, told, self.clock())
            uow.commit()
        return status

    # --- shared ------------------------------------------------------------------------------

    def _parties(self, appointment_id: str) -> _Parties | None:
        with self.uow_factory() as uow:
            appointment = uow.appointments.get(appointment_id)
            if appointment is None:
                return None
            patient = uow.users.get(appointment.patient_id)
            doctor = uow.dermatologists.get(appointment.doctor_id)
        if patient is None or doctor is None:
            return None
        return _Parties(appointment, patient, doctor)

    def _in_their_calendar(self, appointment: Appointment, message: AppointmentMessage) -> bool:
        """A move or cancellation of an appointment whose invite went to the person's address:
        its email carries the update (or CANCEL) of the event the invite put in their calendar,
        so it goes even after they turned emails off. Otherwise their calendar keeps the old
        time, or a visit that no longer exists, and its alert reminds them of it."""
        if message not in (AppointmentMessage.RESCHEDULED, AppointmentMessage.CANCELLED):
            return False
        return any(self.notifications.was_sent(key) for key in _invite_keys(appointment))

    def _send(
        self,
        parties: _Parties,
        message: AppointmentMessage,
        key: str,
        *,
        reason: str = "",
        previous_start: datetime | None = None,
        hours_before: int | None = None,
    ) -> Delivery:
        """By email and SMS as the profile allows, each once (`key` and the channel), each
        tried whatever became of the other (`NotificationService.send_each`)."""
        appointment, patient, doctor = parties.appointment, parties.patient, parties.doctor
        profile = patient.profile
        tr = self.translations.translator(profile.locale)
        notice = AppointmentNotice(
            name=profile.display_name or patient.email.split("@")[0],
            doctor_name=doctor.name,
            practice_name=doctor.practice.name,
            address=(
                ""
                if appointment.consultation_type is ConsultationType.VIDEO
                else doctor.practice.address
            ),
            consultation_type=appointment.consultation_type,
            start_utc=appointment.start,
            time_zone=profile.time_zone,
            manage_url=self.settings.manage_url(appointment.id),
            practice_phone=doctor.practice.phone or "",
        )
        email = sms = None
        if profile.email_opt_in or self._in_their_calendar(appointment, message):
            email = self.renderer.render_email(
                message.template,
                patient.email,
                email_context(
                    message,
                    notice,
                    reason=spoken(reason, tr),
                    hours_before=hours_before,
                    previous_start_utc=previous_start,
                    tr=tr,
                    account_open=patient.is_active,
                ),
                profile.locale,
            )
            invite = calendar_attachment(
                message,
                notice,
                uid=f"{appointment.id}@metskin",
                end_utc=appointment.end,
                sequence=appointment.sequence,
                stamp=self.clock(),
                organizer_email=self.settings.organizer_email,
                attendee_email=patient.email,
                tr=tr,
            )
            if invite is not None:
                email = replace(email, attachments=(*email.attachments, invite))
        if (number := profile.sms_number) is not None:
            body = sms_text(
                message,
                notice,
                product_name=self.settings.product_name,
                hours_before=hours_before,
                tr=tr,
            )
            sms = OutgoingSms(number, body)
        return self.notifications.send_each(key, email, sms, owner=patient.id)


def _invite_keys(appointment: Appointment) -> list[str]:
    """The dedupe keys of the emails that carried the appointment's calendar invite: the
    confirmation, and each move's."""
    moves = range(1, len(appointment.history) + 1)
    return [
        f"appt:{appointment.id}:confirmed:0:email",
        *(f"appt:{appointment.id}:rescheduled:{n}:email" for n in moves),
    ]


def _job_may_send(reminder: Reminder, start: str | None, now: datetime | None) -> bool:
    """The job's row is claimed, due by `now` (when given) and for the start it was queued for."""
    if reminder.status is not ReminderStatus.QUEUED:
        return False
    if now is not None and reminder.due_at > now:
        return False
    if start is None:  # queued before jobs carried the start
        return True
    try:
        planned = datetime.fromisoformat(start)
    except ValueError:
        return False
    return planned.tzinfo is not None and planned == reminder.start_at


@dataclass(eq=False)
class ReminderScanner:
    """Claims due reminders and queues one send job each. Safe to run in many processes."""

    uow_factory: AppointmentsUowFactory
    clock: Clock
    lease: timedelta = timedelta(minutes=10)
    batch: int = 100

    def scan_once(self) -> int:
        now = self.clock()
        with self.uow_factory() as uow:
            claimed = uow.reminders.claim_due(now, now + self.lease, self.batch)
            for reminder in claimed:
                uow.defer(
                    Job(
                        SEND_REMINDER_ACTOR,
                        {
                            "appointment_id": reminder.appointment_id,
                            "kind": reminder.kind.value,
                            "start": reminder.start_at.isoformat(),
                        },
                    )
                )
            uow.commit()
        if claimed:
            log.info("reminders claimed", extra={"count": len(claimed)})
        return len(claimed)
