"""Appointment messages and reminders on the real database and worker: sent once, moved with
the appointment, cancelled with it, reclaimed after a lost job, per-channel opt-outs, and the
real SendGrid v3 and Twilio-style requests against a loopback capture server."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import User
from metskin.domain.appointments import ConsultationType
from metskin.domain.appointments.reminders import ReminderStatus
from metskin.domain.daytime import daytime_from
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.fakes.infra import FakeClock, FakeNotifier
from tests.integration.test_care_booking import day_slots, make_doctor, make_patient
from tests.integration.test_notify_adapters import CaptureServer, capture  # noqa: F401

VIDEO = ConsultationType.VIDEO
IN_PERSON = ConsultationType.IN_PERSON
PHONE = "+447700900123"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def care(settings: Settings, clock: FakeClock, notifier: FakeNotifier) -> Iterator[Container]:
    container = bootstrap(
        settings.model_copy(update={"reminder_scan_seconds": 3600}), notifier=notifier, clock=clock
    )
    container.start_embedded_worker()
    yield container
    container.close()


def drain(container: Container) -> None:
    container.broker.join("default", fail_fast=True)  # type: ignore[attr-defined]


def reminder_status(container: Container, appointment_id: str) -> dict[str, ReminderStatus]:
    with container.new_uow() as uow:
        return {r.kind.value: r.status for r in uow.reminders.for_appointments([appointment_id])}


def scan(container: Container) -> int:
    claimed = container.reminder_scanner.scan_once()
    drain(container)
    return claimed


def patient_with_sms(container: Container, email: str = "pat@example.com") -> User:
    return make_patient(
        container, email, phone=PHONE, sms_opt_in=True, time_zone="America/New_York"
    )


def test_messages_and_reminders_are_sent_once_and_follow_a_reschedule(
    care: Container, clock: FakeClock, notifier: FakeNotifier
) -> None:
    doctor = make_doctor(care)
    patient = patient_with_sms(care)
    slots = day_slots(now=clock.now)
    appointment = care.appointments.book(patient.id, doctor.id, slots[0], IN_PERSON)
    drain(care)
    # The welcome email from registering may land before or after it: pick by subject.
    confirmations = [e for e in notifier.emails if "confirmed" in e.subject]
    assert len(confirmations) == 1
    confirmation = confirmations[0]
    assert confirmation.to == "pat@example.com"
    invite = confirmation.attachments[0]
    assert invite.content_type.endswith("method=REQUEST")
    assert b"SEQUENCE:0" in invite.content and b"BEGIN:VCALENDAR" in invite.content
    assert "EST" in confirmation.text or "EDT" in confirmation.text  # the patient's zone
    assert [s.to for s in notifier.sms] == [PHONE]
    notifier.emails.clear()
    notifier.sms.clear()

    assert scan(care) == 0
    # 24 hours before the 09:00 London slot is 04:00 in New York: due at 09:00 there
    clock.now = daytime_from(slots[0] - timedelta(hours=24), "America/New_York")
    assert scan(care) == 1
    left = round((slots[0] - clock.now) / timedelta(hours=1))
    assert left in (19, 20)  # New York is 5 hours behind London, 4 for a week or two a year
    assert [e.subject for e in notifier.emails] == [
        f"Reminder: your appointment with {doctor.name} is in {left} hours"
    ]
    assert notifier.emails[0].attachments == () and len(notifier.sms) == 1
    assert scan(care) == 0
    assert care.messenger.send_reminder(appointment.id, "24h") is ReminderStatus.SENT
    assert len(notifier.emails) == 1  # nothing sent twice
    assert reminder_status(care, appointment.id) == {
        "24h": ReminderStatus.SENT,
        "1h": ReminderStatus.PENDING,
    }

    moved = care.appointments.reschedule(patient.id, appointment.id, slots[2])
    drain(care)
    assert "has moved to" in notifier.emails[-1].subject
    assert b"SEQUENCE:1" in notifier.emails[-1].attachments[0].content
    # moved an hour later just after its day-before reminder: the move's message gave the
    # time, so no second day-before reminder (it would come an hour after the first)
    assert reminder_status(care, moved.id) == {
        "24h": ReminderStatus.CANCELLED,
        "1h": ReminderStatus.PENDING,
    }
    notifier.emails.clear()
    clock.now = slots[2] - timedelta(minutes=59)
    assert scan(care) == 1
    subjects = [e.subject for e in notifier.emails]
    assert subjects == [f"Reminder: your appointment with {doctor.name} is in 1 hour"]
    assert reminder_status(care, moved.id) == {
        "24h": ReminderStatus.CANCELLED,
        "1h": ReminderStatus.SENT,
    }


def test_cancelling_cancels_reminders_and_a_lost_job_is_reclaimed_once(
    care: Container, clock: FakeClock, notifier: FakeNotifier
) -> None:
    doctor = make_doctor(care)
    patient = patient_with_sms(care)
    other = make_patient(care, "other@example.com", email_opt_in=False)
    slots = day_slots(now=clock.now)
    cancelled = care.appointments.book(patient.id, doctor.id, slots[0], VIDEO)
    kept = care.appointments.book(other.id, doctor.id, slots[1], VIDEO)
    care.appointments.cancel(patient.id, cancelled.id, reason="I feel better")
    drain(care)
    cancellations = [
        e
        for e in notifier.emails
        if e.attachments and e.attachments[0].content_type.endswith("method=CANCEL")
    ]
    assert len(cancellations) == 1  # jobs finish in any order: pick by content
    cancellation = cancellations[0]
    assert cancellation.attachments[0].content_type.endswith("method=CANCEL")
    assert "I feel better" in cancellation.text
    assert not [
        e
        for e in notifier.emails  # email opt-out (the welcome email is older)
        if e.to == "other@example.com" and "appointment" in e.subject
    ]
    assert reminder_status(care, cancelled.id) == {
        "24h": ReminderStatus.CANCELLED,
        "1h": ReminderStatus.CANCELLED,
    }

    # A worker dies after claiming: the send job is gone with it. The claim is the scanner's,
    # without its job: queuing the job and flushing it raced the running worker, which could
    # take the job first (then it ran, the reminder was SKIPPED and nothing was left to reclaim)
    clock.now = slots[1] - timedelta(hours=23)
    scanner = care.reminder_scanner
    with care.new_uow() as uow:
        assert len(uow.reminders.claim_due(clock.now, clock.now + scanner.lease, 100)) == 1
        uow.commit()
    assert reminder_status(care, kept.id)["24h"] is ReminderStatus.QUEUED
    assert scan(care) == 0  # the lease still holds
    clock.now += timedelta(minutes=11)
    assert scan(care) == 1  # reclaimed after the lease
    # The patient opted out of email and has no SMS: nothing to send, and it is not retried.
    assert reminder_status(care, kept.id)["24h"] is ReminderStatus.SKIPPED


@pytest.fixture
def provider_settings(
    tmp_path: Path,
    database_url: str,
    capture: CaptureServer,  # noqa: F811
) -> Settings:
    return make_settings(
        tmp_path,
        database_url=database_url,
        sendgrid_api_key=SecretStr("SG.test-key"),
        sendgrid_host=capture.url,
        sms_base_url=capture.url,
        sms_account_sid="AC123",
        sms_auth_token=SecretStr("sms-token"),
        sms_from="+15005550006",
        public_url="https://care.example",
        reminder_scan_seconds=3600,
    )


def test_a_day_before_reminder_is_due_in_the_patients_morning(
    care: Container, clock: FakeClock, notifier: FakeNotifier
) -> None:
    """24 hours before a 09:00 London slot is 04:00 in New York: the reminder is planned for
    09:00 there (the row due then), not texted in the patient's night."""
    doctor = make_doctor(care)
    patient = patient_with_sms(care)  # in New York: the 09:00 London slot is 04:00 there
    start = day_slots(now=clock.now)[0]
    appointment = care.appointments.book(patient.id, doctor.id, start, VIDEO)
    drain(care)
    notifier.sms.clear()
    new_york = ZoneInfo("America/New_York")
    night = start - timedelta(hours=24)
    morning = datetime.combine(night.astimezone(new_york).date(), time(9), new_york)
    with care.new_uow() as uow:
        (due,) = [r.due_at for r in uow.reminders.for_appointments([appointment.id])
                  if r.kind.value == "24h"]  # fmt: skip
    assert due == morning.astimezone(UTC)
    clock.now = night + timedelta(minutes=1)
    assert scan(care) == 0
    clock.now = morning - timedelta(minutes=1)
    assert scan(care) == 0
    clock.now = morning.astimezone(UTC)
    assert scan(care) == 1
    assert reminder_status(care, appointment.id)["24h"] is ReminderStatus.SENT
    (sms,) = notifier.sms
    assert f"{round((start - morning) / timedelta(hours=1))} hours" in sms.body


def test_sendgrid_v3_and_sms_requests_carry_the_real_payloads(
    provider_settings: Settings,
    capture: CaptureServer,  # noqa: F811
) -> None:
    container = bootstrap(provider_settings)
    container.start_embedded_worker()
    try:
        doctor = make_doctor(container)
        patient = patient_with_sms(container)
        start = day_slots()[0]
        appointment = container.appointments.book(patient.id, doctor.id, start, IN_PERSON)
        drain(container)
    finally:
        container.close()
    sent = [r for r in capture.requests if r.path == "/v3/mail/send"]
    assert {r.headers["authorization"] for r in sent} == {"Bearer SG.test-key"}
    mails = [json.loads(r.body) for r in sent]
    confirmations = [m for m in mails if "confirmed" in m["subject"]]
    assert len(confirmations) == 1 and len(mails) == 3  # and two welcome emails
    mail = confirmations[0]
    assert mail["personalizations"][0]["to"] == [{"email": "pat@example.com"}]
    assert mail["subject"].startswith(f"Your appointment with {doctor.name} is confirmed")
    html = next(c["value"] for c in mail["content"] if c["type"] == "text/html")
    assert doctor.practice.address in html
    assert f"https://care.example/appointments/{appointment.id}" in html
    attachment = mail["attachments"][0]
    assert attachment["filename"] == "invite.ics"
    ics = base64.b64decode(attachment["content"])
    assert ics.startswith(b"BEGIN:VCALENDAR") and b"METHOD:REQUEST" in ics
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}".encode() in ics

    # the patient's confirmed address was taken off SendGrid's suppression lists
    cleared = [(r.method, r.path) for r in capture.requests if "/suppression/" in r.path]
    lists = ("bounces", "spam_reports", "blocks", "invalid_emails")
    assert cleared == [("DELETE", f"/v3/suppression/{n}/pat@example.com") for n in lists]
    texts = [r for r in capture.requests if r.path.startswith("/2010-04-01/")]
    assert [r.path for r in texts] == ["/2010-04-01/Accounts/AC123/Messages.json"]
    form = parse_qs(texts[0].body.decode())
    assert form["To"] == [PHONE] and form["From"] == ["+15005550006"]
    assert form["Body"][0].startswith("MetSkin: your appointment")


class StoppedSms(FakeNotifier):
    """The patient replied STOP: the SMS provider refuses their number for good."""

    def send_sms(self, sms: OutgoingSms) -> None:
        raise DeliveryRefused("SMS provider answered HTTP 400", status=400, recipient=True)


def test_a_number_that_replied_stop_is_told_once_in_the_inbox(
    settings: Settings, clock: FakeClock
) -> None:
    """The turning off and its inbox entry are one transaction on each database (the user's
    row locked); two refused messages write one entry."""
    container = bootstrap(settings, notifier=StoppedSms(), clock=clock)
    try:
        patient = patient_with_sms(container)
        for key in ("reminder:a", "reminder:b"):
            email = OutgoingEmail(patient.email, "Reminder", "<p>Soon</p>", "Soon")
            delivery = container.notifications.send_each(
                key, email, OutgoingSms(PHONE, "Soon"), owner=patient.id
            )
            assert delivery.sent == 1
        (told,) = container.inbox.newest(patient.id, None, 10)
        assert told.kind is NotificationKind.SMS_STOPPED
        assert told.payload == {"phone": "+44 7700 900123"}
        user = container.accounts.get_user(patient.id)
        assert not user.profile.sms_opt_in
    finally:
        container.close()
