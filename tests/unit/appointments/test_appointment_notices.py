"""AppointmentMessenger and ReminderScanner on the fakes: opt-in per channel, dedupe keys
(a resent job sends once), stale changes dropped, reminders claimed once and leased."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import dermatologist
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.builders import IN_PERSON, MONDAY_9, MONDAY_MORNINGS, VIDEO, user

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.model import User
from metskin.domain.appointments.model import ConsultationType
from metskin.domain.appointments.notices import (
    SEND_REMINDER_ACTOR,
    AppointmentMessenger,
    MessengerSettings,
    ReminderScanner,
)
from metskin.domain.appointments.reminders import ReminderKind, ReminderStatus
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.errors import DomainError
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.messages import Job, OutgoingEmail, OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.service import NotificationService
from metskin.domain.privacy.service import DERMATOLOGIST_CLOSED, PATIENT_CLOSED

NOW = MONDAY_9 - timedelta(days=3)
SETTINGS = MessengerSettings("https://metskin.test/", "care@metskin.test")
PHONE = "+447700900123"
DAY_BEFORE = ReminderKind.DAY_BEFORE.value
HOUR_BEFORE = ReminderKind.HOUR_BEFORE.value


class RefusingNotifier(FakeNotifier):
    def send_email(self, email: object) -> None:
        raise DomainError("address rejected by the provider")


@dataclass
class Care:
    uow: FakeAppointmentsUnitOfWork
    sent: FakeNotificationsUnitOfWork
    clock: FakeClock
    notifier: FakeNotifier
    renderer: FakeMailRenderer
    appointments: AppointmentService
    messenger: AppointmentMessenger
    scanner: ReminderScanner

    def add_patient(self, patient: User) -> None:
        with self.uow:
            self.uow.users.add(patient)
            self.uow.commit()

    def book(
        self, patient_id: str = "p1", start: datetime = MONDAY_9, kind: ConsultationType = IN_PERSON
    ) -> str:
        return self.appointments.book(patient_id, "doc-1", start, kind).id

    def reminder(self, appointment_id: str, kind: str) -> ReminderStatus:
        found = self.uow.reminders.get(appointment_id, ReminderKind(kind))
        assert found is not None
        return found.status


def build(notifier: FakeNotifier | None = None) -> Care:
    users = FakeUserRepository()
    uow = FakeAppointmentsUnitOfWork(
        dermatologist("doc-1", name="Dr Okafor", weekly=MONDAY_MORNINGS),
        users=users,
    )
    sent = FakeNotificationsUnitOfWork(users=users)
    clock = FakeClock(NOW)
    notifier = notifier or FakeNotifier()
    renderer = FakeMailRenderer()
    notifications = NotificationService(sent, notifier, renderer, clock)
    care = Care(
        uow,
        sent,
        clock,
        notifier,
        renderer,
        AppointmentService(uow, clock),
        AppointmentMessenger(uow, notifications, renderer, clock, SETTINGS),
        ReminderScanner(uow, clock),
    )
    care.add_patient(user("p1", display_name="Maya", phone=PHONE))
    return care


@pytest.fixture
def care() -> Care:
    return build()


def test_a_confirmation_goes_by_email_with_an_invite_and_a_resent_job_sends_once(
    care: Care,
) -> None:
    booked = care.book()
    (job,) = [j for j in care.uow.jobs if j.actor == "send_appointment_message"]
    assert job == Job(
        "send_appointment_message", {"appointment_id": booked, "kind": "CONFIRMED", "sequence": 0}
    )
    assert care.messenger.send_change(**job.kwargs) == 1
    assert care.messenger.send_change(**job.kwargs) == 0  # redelivered: already sent
    (email,) = care.notifier.emails
    assert email.to == "p1@example.com" and care.notifier.sms == []
    assert [a.filename.endswith(".ics") for a in email.attachments] == [True]
    template, _, context = care.renderer.rendered[0]
    assert template == "appointment_confirmed"
    assert (context["name"], context["doctor_name"]) == ("Maya", "Dr Okafor")
    assert context["address"] == "1 High Street"
    assert context["manage_url"] == f"https://metskin.test/appointments/{booked}"
    assert care.sent.sent_notifications.was_sent(f"appt:{booked}:confirmed:0:email")


def test_each_channel_needs_its_opt_in_and_sms_a_verified_phone(care: Care) -> None:
    care.add_patient(user("both", phone=PHONE, sms_opt_in=True))
    care.add_patient(user("sms-only", phone=PHONE, sms_opt_in=True, email_opt_in=False))
    care.add_patient(user("no-phone", sms_opt_in=True, email_opt_in=False))
    care.add_patient(user("nothing", email_opt_in=False))
    # A number never proved, and one changed (a typo?) after the one before was proved.
    unproved = {"phone": PHONE, "sms_opt_in": True, "email_opt_in": False}
    care.add_patient(user("unverified", **unproved, phone_verified=None))
    care.add_patient(user("changed", **unproved, phone_verified="+447700900999"))
    sent = {}
    patients = ("both", "sms-only", "no-phone", "nothing", "unverified", "changed")
    for minutes, patient in enumerate(patients):
        booked = care.book(patient, MONDAY_9 + timedelta(minutes=30 * minutes), VIDEO)
        sent[patient] = care.messenger.send_change(booked, "CONFIRMED", 0)
    assert sent == {
        "both": 2,
        "sms-only": 1,
        "no-phone": 0,
        "nothing": 0,
        "unverified": 0,
        "changed": 0,
    }
    assert [e.to for e in care.notifier.emails] == ["both@example.com"]
    assert [s.to for s in care.notifier.sms] == [PHONE, PHONE]
    assert all(len(s.body) <= 160 for s in care.notifier.sms)
    assert care.renderer.rendered[0][2]["address"] == ""  # a video consultation


def test_a_stale_change_is_dropped_and_the_reschedule_names_the_old_time(care: Care) -> None:
    booked = care.book()
    care.appointments.reschedule("p1", booked, MONDAY_9 + timedelta(hours=1))
    assert care.messenger.send_change(booked, "CONFIRMED", 0) == 0  # moved on since
    assert care.messenger.send_change(booked, "RESCHEDULED", 1) == 1
    template, _, context = care.renderer.rendered[-1]
    assert template == "appointment_rescheduled"
    assert context["previous_start_local"].startswith("Monday 6 January 2025 at 09:00")
    assert care.messenger.send_change(booked, "CANCELLED", 2) == 0  # still booked


def test_a_cancellation_carries_the_reason_once(care: Care) -> None:
    booked = care.book()
    care.appointments.cancel("p1", booked, reason="  feeling better ")
    assert care.messenger.send_change(booked, "RESCHEDULED", 1) == 0
    assert care.messenger.send_change(booked, "CANCELLED", 1) == 1
    assert care.messenger.send_change(booked, "CANCELLED", 1) == 0
    template, _, context = care.renderer.rendered[-1]
    assert (template, context["reason"]) == ("appointment_cancelled", "feeling better")


def test_a_closed_accounts_reason_reaches_the_patient_in_their_language(care: Care) -> None:
    """The erasure's reason was English in every language ('The account was closed.' in a
    French email) and did not say whose account; a doctor's own words stay as written."""
    care.add_patient(user("p2", locale="fr-FR"))
    messenger = replace(care.messenger, translations=BabelTranslations())
    for patient, start, reason, said in (
        ("p2", MONDAY_9, DERMATOLOGIST_CLOSED, "Votre dermatologue a fermé son compte"),
        ("p2", MONDAY_9 + timedelta(hours=1), "Cabinet fermé ce jour-là", "Cabinet fermé"),
    ):
        booked = care.book(patient, start)
        cancelled = care.appointments.cancel_for_erasure("doc-1", booked, reason)

        assert messenger.send_change(booked, "CANCELLED", cancelled.sequence) == 1
        assert care.renderer.rendered[-1][2]["reason"].startswith(said)


def test_the_erasure_s_cancellation_tells_the_renderer_the_account_is_closed(care: Care) -> None:
    booked = care.book()
    patient = care.uow.users.get("p1")
    assert patient is not None and care.messenger.send_change(booked, "CONFIRMED", 0) == 1
    assert care.renderer.rendered[-1][2]["account_open"] is True
    patient.is_active = False  # an erasure closes the account before it cancels
    care.uow.users.save(patient)
    cancelled = care.appointments.cancel_for_erasure("p1", booked, PATIENT_CLOSED)
    assert care.messenger.send_change(booked, "CANCELLED", cancelled.sequence) == 1
    assert care.renderer.rendered[-1][2]["account_open"] is False


def test_nothing_is_sent_for_a_missing_appointment_or_patient(care: Care) -> None:
    assert care.messenger.send_change("missing", "CONFIRMED", 0) == 0
    ghost_booking = care.book("ghost")  # no account behind the patient id
    assert care.messenger.send_change(ghost_booking, "CONFIRMED", 0) == 0
    assert care.notifier.emails == []


def test_due_reminders_are_claimed_once_and_queued(care: Care) -> None:
    booked = care.book()
    assert care.scanner.scan_once() == 0  # nothing due yet
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    released = len(care.uow.released)
    assert care.scanner.scan_once() == 1
    assert care.uow.released[released:] == [
        Job(
            SEND_REMINDER_ACTOR,
            {"appointment_id": booked, "kind": DAY_BEFORE, "start": MONDAY_9.isoformat()},
        )
    ]
    assert care.reminder(booked, DAY_BEFORE) is ReminderStatus.QUEUED
    assert care.reminder(booked, HOUR_BEFORE) is ReminderStatus.PENDING
    assert care.scanner.scan_once() == 0  # leased: a second scanner does not take it
    assert len(care.uow.released) == released + 1


def test_a_lapsed_lease_lets_another_scan_claim_the_reminder_again(care: Care) -> None:
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    care.clock.advance(minutes=10)
    assert care.scanner.scan_once() == 0  # the lease lasts until now
    care.clock.advance(seconds=1)
    assert care.scanner.scan_once() == 1
    reminder = care.uow.reminders.get(booked, ReminderKind.DAY_BEFORE)
    assert reminder is not None and reminder.attempts == 2


def test_the_scanner_claims_at_most_a_batch(care: Care) -> None:
    for slot, patient in enumerate(("p1", "p1", "p2")):  # two each at most (MAX_UPCOMING_WITH_ONE)
        if patient not in care.uow.users.rows:
            care.add_patient(user(patient))
        care.book(patient, start=MONDAY_9 + timedelta(minutes=30 * slot))
    care.clock.now = MONDAY_9  # six reminders due: 24 h and 1 h before each
    scanner = ReminderScanner(care.uow, care.clock, batch=4)
    assert scanner.scan_once() == 4
    assert scanner.scan_once() == 2
    assert scanner.scan_once() == 0


def test_a_claimed_reminder_is_sent_once(care: Care) -> None:
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    assert len(care.notifier.emails) == 1
    template, _, context = care.renderer.rendered[-1]
    assert (template, context["when"]) == ("appointment_reminder", "in 24 hours")
    reminder = care.uow.reminders.get(booked, ReminderKind.DAY_BEFORE)
    assert reminder is not None and reminder.sent_at == care.clock.now
    assert reminder.claimed_until is None
    assert care.notifier.emails[0].attachments == ()  # reminders carry no invite
    inbox = [n.kind for n in care.uow.inbox.newest("p1", None, 10)]  # in the app too, once
    assert inbox == [NotificationKind.APPOINTMENT_REMINDER, NotificationKind.APPOINTMENT_BOOKED]


def test_a_reminder_of_a_cancelled_appointment_is_not_sent(care: Care) -> None:
    booked = care.book()
    care.appointments.cancel("p1", booked)
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.CANCELLED
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    assert care.scanner.scan_once() == 0
    assert care.notifier.emails == []


def test_a_reminder_that_comes_too_late_is_skipped(care: Care) -> None:
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(minutes=30)  # the 24 h one is no help any more
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SKIPPED
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SENT
    assert len(care.notifier.emails) == 1


def test_a_late_day_before_reminder_says_the_time_really_left(care: Care) -> None:
    care.add_patient(user("tokyo", time_zone="Asia/Tokyo"))
    booked = care.book("tokyo")  # a video consultation from the other side of the world
    care.clock.now = MONDAY_9 - timedelta(hours=3, minutes=10)  # the workers were down: 14:50
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    _, _, context = care.renderer.rendered[-1]
    assert (context["when"], context["hours_before"]) == ("in 3 hours", 3)


def test_a_moved_appointment_is_reminded_at_its_new_time(care: Care) -> None:
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    care.messenger.send_reminder(booked, DAY_BEFORE)
    care.clock.now = MONDAY_9 - timedelta(hours=20)
    later = MONDAY_9 + timedelta(days=7)
    care.appointments.reschedule("p1", booked, later)
    assert care.reminder(booked, DAY_BEFORE) is ReminderStatus.PENDING
    care.clock.now = later - timedelta(hours=24)
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    assert len(care.notifier.emails) == 2  # a fresh dedupe key for the new start


def test_a_job_queued_before_a_reschedule_is_dropped_and_the_new_time_is_reminded(
    care: Care,
) -> None:
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    (old_job,) = [
        j for j in care.uow.released if isinstance(j, Job) and j.actor == SEND_REMINDER_ACTOR
    ]
    care.clock.advance(minutes=2)  # the job waits in the queue (or retries) meanwhile
    later = MONDAY_9 + timedelta(days=7)
    care.appointments.reschedule("p1", booked, later)
    assert care.messenger.send_reminder(**old_job.kwargs) is ReminderStatus.PENDING
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.PENDING  # no start
    assert care.notifier.emails == []
    care.clock.now = later - timedelta(hours=24)
    assert care.scanner.scan_once() == 1  # the row is still there for the right time
    (_, new_job) = [
        j for j in care.uow.released if isinstance(j, Job) and j.actor == SEND_REMINDER_ACTOR
    ]
    assert new_job.kwargs["start"] == later.isoformat()
    assert care.messenger.send_reminder(**old_job.kwargs) is ReminderStatus.QUEUED  # not its row
    care.messenger.give_up_reminder(**old_job.kwargs, detail="retries ran out")
    assert care.reminder(booked, DAY_BEFORE) is ReminderStatus.QUEUED
    assert care.notifier.emails == []
    assert care.messenger.send_reminder(**new_job.kwargs) is ReminderStatus.SENT
    assert len(care.notifier.emails) == 1


def test_only_a_claimed_and_due_reminder_is_sent(care: Care) -> None:
    booked = care.book()
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.PENDING
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    care.appointments.reschedule("p1", booked, MONDAY_9 + timedelta(minutes=30))
    moved = MONDAY_9 + timedelta(minutes=30)  # the 1 h row is planned afresh, not yet due
    assert care.messenger.send_reminder(booked, HOUR_BEFORE, moved.isoformat()) is (
        ReminderStatus.PENDING
    )
    # the move's message has just said the time: no day-before reminder again
    assert care.messenger.send_reminder(booked, DAY_BEFORE, moved.isoformat()) is (
        ReminderStatus.CANCELLED
    )
    assert care.notifier.emails == []


def test_a_reminder_with_no_channel_allowed_is_skipped(care: Care) -> None:
    care.add_patient(user("quiet", email_opt_in=False))
    booked = care.book("quiet")
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SKIPPED
    reminder = care.uow.reminders.get(booked, ReminderKind.HOUR_BEFORE)
    assert reminder is not None and reminder.detail == "no channel allowed"


def test_a_refused_reminder_fails_and_one_given_up_fails_with_its_reason() -> None:
    care = build(RefusingNotifier())
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(minutes=30)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.FAILED
    refused = care.uow.reminders.get(booked, ReminderKind.HOUR_BEFORE)
    assert refused is not None and refused.detail == "address rejected by the provider"
    # told in the app all the same (before, a refused reminder left no inbox entry)
    assert NotificationKind.APPOINTMENT_REMINDER.value in care.uow.inbox.kinds("p1")
    care.messenger.give_up_reminder(booked, DAY_BEFORE, "retries ran out")
    given_up = care.uow.reminders.get(booked, ReminderKind.DAY_BEFORE)
    assert given_up is not None
    assert (given_up.status, given_up.detail) == (ReminderStatus.FAILED, "retries ran out")


def test_an_sms_reminder_uses_the_sms_dedupe_key(care: Care) -> None:
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True, email_opt_in=False))
    booked = care.book("texter")
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SENT
    (sms,) = care.notifier.sms
    assert isinstance(sms, OutgoingSms) and sms.to == PHONE
    key = f"appt:{booked}:reminder:1h:{MONDAY_9.isoformat()}:sms"
    assert care.sent.sent_notifications.was_sent(key)


def test_the_messages_give_the_practice_phone_when_it_is_known(care: Care) -> None:
    """The emails had no number to call (the SMS stays one text: its link leads to the
    appointment's page, which gives the number)."""
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True))
    unknown = care.book("texter")
    assert care.messenger.send_change(unknown, "CONFIRMED", 0) == 2
    assert care.renderer.rendered[-1][2]["practice_phone"] == ""
    with care.uow:
        doctor = dermatologist("doc-1", name="Dr Okafor", weekly=MONDAY_MORNINGS)
        care.uow.dermatologists.upsert(
            replace(doctor, practice=replace(doctor.practice, phone="+442079460123")), NOW
        )
        care.uow.commit()
    known = care.book("texter", MONDAY_9 + timedelta(minutes=30))
    assert care.messenger.send_change(known, "CONFIRMED", 0) == 2
    assert care.renderer.rendered[-1][2]["practice_phone"] == "+442079460123"
    assert all(len(sms.body) <= 160 for sms in care.notifier.sms)


class DownOnce(FakeNotifier):
    """The provider does not answer the first email: the job raises and Dramatiq retries it."""

    def send_email(self, email: OutgoingEmail) -> None:
        if not getattr(self, "failed", False):
            self.failed = True
            raise ConnectionError("the provider does not answer")
        super().send_email(email)


def test_a_reminder_retried_after_the_start_is_skipped() -> None:
    care = build(DownOnce())
    booked = care.book()
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    with pytest.raises(ConnectionError):
        care.messenger.send_reminder(booked, HOUR_BEFORE, MONDAY_9.isoformat())
    care.clock.now = MONDAY_9 + timedelta(minutes=2)  # the retry, after the start
    assert care.messenger.send_reminder(booked, HOUR_BEFORE, MONDAY_9.isoformat()) is (
        ReminderStatus.SKIPPED
    )
    assert care.notifier.emails == [] and care.notifier.sms == []


def test_a_late_day_before_reminder_waits_for_the_patients_morning(care: Care) -> None:
    """Before, a day-before reminder sent late (a worker restart, a queue down, a job retried
    for hours) went whatever the hour where the patient is: at 22:00 or 03:00."""
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True))  # in London
    booked = care.book("texter", MONDAY_9 + timedelta(hours=2))  # Monday 11:00
    care.clock.now = MONDAY_9 - timedelta(hours=11)  # Sunday 22:00: 13 hours late
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.PENDING
    assert care.notifier.emails == [] and care.notifier.sms == []
    care.clock.now = MONDAY_9 - timedelta(hours=6)  # 03:00: a redelivered job sends nothing
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.PENDING
    assert care.scanner.scan_once() == 0  # put off to the patient's 09:00
    care.clock.now = MONDAY_9
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    assert len(care.notifier.sms) == 1 and "2 hours" in care.notifier.sms[0].body
    _, _, context = care.renderer.rendered[-1]
    assert context["hours_before"] == 2


def test_a_day_before_reminder_is_due_in_the_patients_daytime(care: Care) -> None:
    """The day-before reminder is planned in the daytime of the patient's zone: 24 hours
    before, or their next 09:00 when that falls in their evening or night, and then says the
    time really left. Before, it went at its hour: the New York patient of a 09:00 London video
    call was texted at 04:00 the day before."""
    care.add_patient(user("ny", time_zone="America/New_York"))
    early = care.book("ny")  # 04:00 in New York
    care.clock.now = MONDAY_9 - timedelta(hours=24, minutes=-1)  # Sunday 04:01 in New York
    assert care.scanner.scan_once() == 0
    care.clock.now = MONDAY_9 - timedelta(hours=19, minutes=1)  # Sunday 08:59 there
    assert care.scanner.scan_once() == 0
    care.clock.now = MONDAY_9 - timedelta(hours=19)  # Sunday 09:00 in New York
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(early, DAY_BEFORE) is ReminderStatus.SENT
    assert [e.to for e in care.notifier.emails] == ["ny@example.com"]
    assert "19 hours" in care.notifier.emails[-1].text


def test_a_late_day_before_reminder_at_night_waits_or_is_skipped(care: Care) -> None:
    """Late (the scan or the workers were down) and found in the patient's night: it waits for
    their morning, or is skipped when that is within the last hour (the 1 h reminder, which
    goes whatever the hour, tells then)."""
    late = care.book("p1", MONDAY_9 + timedelta(minutes=30))  # 09:30 in London
    care.clock.now = MONDAY_9 - timedelta(hours=2)  # 07:00 in London: 21.5 hours late
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(late, DAY_BEFORE) is ReminderStatus.SKIPPED
    care.clock.now = MONDAY_9 - timedelta(minutes=30)
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(late, HOUR_BEFORE) is ReminderStatus.SENT  # at 08:30
    assert [e.to for e in care.notifier.emails] == ["p1@example.com"]


class StoppedSms(FakeNotifier):
    """The patient replied STOP to our number: the SMS provider refuses every text to it for
    good (Twilio 21610); emails still go."""

    def send_sms(self, sms: OutgoingSms) -> None:
        raise DeliveryRefused("SMS provider answered HTTP 400", status=400, recipient=True)


class BouncingEmail(FakeNotifier):
    """The email provider refuses the address for good; the SMS still goes."""

    def send_email(self, email: OutgoingEmail) -> None:
        raise DeliveryRefused("SendGrid answered HTTP 400", status=400, recipient=True)


@pytest.mark.parametrize(("notifier", "left"), [(StoppedSms(), "emails"), (BouncingEmail(), "sms")])
def test_a_channel_refused_for_good_does_not_stop_the_other(
    notifier: FakeNotifier, left: str
) -> None:
    """A patient who replied STOP still gets their emails, and one whose address is refused
    still gets their texts: the confirmation and each reminder go by the channel that works,
    the reminder is SENT (with the refusal in its detail) and told in the app. Before, the
    refused SMS made the reminder FAILED with no inbox entry, and a refused email (tried
    first) stopped the SMS."""
    care = build(notifier)
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True))
    booked = care.book("texter")
    assert care.messenger.send_change(booked, "CONFIRMED", 0) == 1
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SENT
    assert len(getattr(care.notifier, left)) == 2
    reminder = care.uow.reminders.get(booked, ReminderKind.HOUR_BEFORE)
    assert NotificationKind.APPOINTMENT_REMINDER.value in care.uow.inbox.kinds("texter")
    texter = care.uow.users.get("texter")
    assert texter is not None
    if left == "emails":  # the number refused: SMS off on the profile, no text tried again
        assert not texter.profile.sms_opt_in and reminder is not None
        assert "refused" not in reminder.detail
    else:  # the address refused: said in the reminder's detail; the texts go on
        assert texter.profile.sms_opt_in and texter.profile.email_opt_in
        assert reminder is not None and "refused" in reminder.detail


class CountingStoppedSms(StoppedSms):
    def __init__(self) -> None:
        super().__init__()
        self.tried = 0

    def send_sms(self, sms: OutgoingSms) -> None:
        self.tried += 1
        super().send_sms(sms)


def test_a_number_that_replied_stop_turns_sms_off_on_the_profile() -> None:
    """Before, the profile still said "SMS on" after the patient replied STOP, and every
    message tried the text again (the provider refused each). Now the first refusal of the
    number turns SMS off, as their checkbox does; a number changed since is left alone."""
    notifier = CountingStoppedSms()
    care = build(notifier)
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True))
    booked = care.book("texter")
    assert care.messenger.send_change(booked, "CONFIRMED", 0) == 1  # the email
    texter = care.uow.users.get("texter")
    assert texter is not None and not texter.profile.sms_opt_in and notifier.tried == 1
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SENT
    assert notifier.tried == 1  # not tried again
    assert [e.to for e in notifier.emails] == ["texter@example.com"] * 2


def test_a_visit_moved_after_its_day_before_reminder_is_not_reminded_a_day_before_again(
    care: Care,
) -> None:
    """The day-before reminder went at 09:00; at 09:20 the patient moves the visit by half an
    hour. They get "has moved to 09:30" and, before the visit, the 1 h reminder. Before, a
    second "in 24 hours" came at 09:30, ten minutes after the move's message."""
    care.add_patient(user("texter", phone=PHONE, sms_opt_in=True))
    booked = care.book("texter")
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, DAY_BEFORE) is ReminderStatus.SENT
    care.clock.now += timedelta(minutes=20)
    care.appointments.reschedule("texter", booked, MONDAY_9 + timedelta(minutes=30))
    assert care.messenger.send_change(booked, "RESCHEDULED", 1) == 2
    assert care.reminder(booked, DAY_BEFORE) is ReminderStatus.CANCELLED
    care.clock.now = MONDAY_9 - timedelta(minutes=30)
    assert care.scanner.scan_once() == 1
    assert care.messenger.send_reminder(booked, HOUR_BEFORE) is ReminderStatus.SENT
    bodies = [sms.body for sms in care.notifier.sms]
    assert ["in 24 hours" in body for body in bodies] == [True, False, False]
    assert ["has moved to" in body for body in bodies] == [False, True, False]
    assert ["in 1 hour," in body for body in bodies] == [False, False, True]


def test_a_refused_number_leaves_a_changed_phone_s_sms_on() -> None:
    """The refusal names the number texted: when the profile's phone is another one by then
    (changed and verified meanwhile), its SMS stay on."""
    care = build(CountingStoppedSms())
    care.add_patient(user("texter", phone="+447700900999", sms_opt_in=True))
    with pytest.raises(DeliveryRefused):  # nothing left by any channel
        care.messenger.notifications.send_each("k", sms=OutgoingSms(PHONE, "hello"), owner="texter")
    texter = care.uow.users.get("texter")
    assert texter is not None and texter.profile.sms_opt_in


def test_a_patient_who_moves_zone_is_reminded_in_their_new_daytime(care: Care) -> None:
    """Booked from London, then off to New York: the day-before reminder of a 09:00 London
    visit was still due at 09:00 London, 04:00 where they are. It is planned again in the new
    zone's daytime when the zone is saved; one whose time has come stays as it is."""
    care.add_patient(user("traveller", time_zone="Europe/London"))
    booked = care.book("traveller")
    soon = care.book("p1", MONDAY_9 + timedelta(hours=1))
    found = care.uow.reminders.get(booked, ReminderKind.DAY_BEFORE)
    assert found is not None and found.due_at == MONDAY_9 - timedelta(hours=24)
    traveller = care.uow.users.get("traveller")
    assert traveller is not None
    traveller.profile = replace(traveller.profile, time_zone="America/New_York")
    care.uow.users.save(traveller)
    assert care.appointments.patient_moved("traveller") == 1
    moved = care.uow.reminders.get(booked, ReminderKind.DAY_BEFORE)
    assert moved is not None and moved.due_at == MONDAY_9 - timedelta(hours=19)  # 09:00 there
    assert care.appointments.patient_moved("traveller") == 0  # again: nothing moves
    hour = care.uow.reminders.get(booked, ReminderKind.HOUR_BEFORE)
    assert hour is not None and hour.due_at == MONDAY_9 - timedelta(hours=1)
    care.clock.now = MONDAY_9 - timedelta(hours=23)  # the other patient's time has come
    assert care.appointments.patient_moved("p1") == 0
    other = care.uow.reminders.get(soon, ReminderKind.DAY_BEFORE)
    assert other is not None and other.due_at == MONDAY_9 - timedelta(hours=23)
