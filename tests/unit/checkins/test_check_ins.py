"""Check-ins on the fakes: the cadence (1 to 12 weeks, coded errors on `weeks`), the next date
counted from the newest routine, the scan that tells each due date once (inbox and a send
job), and the reminder on the person's channels, sent once per channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metskin.domain.checkins.model import DEFAULT_WEEKS, CheckIn
from metskin.domain.checkins.service import (
    SEND_CHECK_IN_ACTOR,
    CheckInMessenger,
    CheckInScanner,
    CheckInService,
    restart,
)
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.links import PublicLinks
from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.service import NotificationService
from tests.fakes.checkins import FakeCheckInsUnitOfWork
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.builders import user

ROUTINE_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PHONE = "+447700900123"


@dataclass
class World:
    uow: FakeCheckInsUnitOfWork
    clock: FakeClock
    notifier: FakeNotifier
    renderer: FakeMailRenderer
    service: CheckInService
    scanner: CheckInScanner
    messenger: CheckInMessenger

    def routine(self, user_id: str, at: datetime) -> None:
        """A routine saved at `at`, as the routine's save does: in the person's zone."""
        person = self.uow.users.get(user_id)
        assert person is not None
        with self.uow:
            restart(self.uow, user_id, at, person.profile.time_zone)
            self.uow.commit()

    def messenger_day(self, due: datetime, time_zone: str) -> str:
        return ENGLISH.format_date(due.astimezone(ZoneInfo(time_zone)).date())

    def check_in_entries(self, user_id: str) -> list[str]:
        return [
            n.key
            for n in self.uow.inbox.newest(user_id, None, 100)
            if n.kind is NotificationKind.CHECK_IN_DUE
        ]


@pytest.fixture
def world() -> World:
    uow = FakeCheckInsUnitOfWork()
    with uow:
        uow.users.add(user("p1", display_name="Maya", phone=PHONE, sms_opt_in=True))
        uow.users.add(user("p2"))
        uow.commit()
    clock = FakeClock(ROUTINE_AT)
    notifier, renderer = FakeNotifier(), FakeMailRenderer()
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, notifier, renderer, clock)
    links = PublicLinks("https://metskin.test")
    return World(
        uow,
        clock,
        notifier,
        renderer,
        CheckInService(uow, clock),
        CheckInScanner(uow, clock),
        CheckInMessenger(uow, notifications, renderer, links, clock),
    )


@pytest.mark.parametrize("weeks", [0, -1, 13, 52])
def test_a_cadence_outside_1_to_12_weeks_is_refused_naming_weeks(world: World, weeks: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        world.service.set_cadence("p1", weeks)
    assert (raised.value.code, raised.value.field) == ("VALIDATION_FAILED", "weeks")
    assert world.service.schedule("p1").cadence_weeks == DEFAULT_WEEKS  # nothing saved


def test_the_next_check_in_is_the_newest_routine_plus_the_cadence(world: World) -> None:
    assert world.service.schedule("p1") == CheckIn("p1")  # no routine: nothing due
    assert world.service.schedule("p1").due_at is None
    world.routine("p1", ROUTINE_AT)
    assert world.service.schedule("p1").due_at == ROUTINE_AT + timedelta(weeks=4)
    for weeks in (1, 12, 6):
        assert world.service.set_cadence("p1", weeks).due_at == ROUTINE_AT + timedelta(weeks=weeks)
    later = ROUTINE_AT + timedelta(days=10)
    world.routine("p1", later)  # a new routine restarts the count, keeping the cadence
    assert world.service.schedule("p1").due_at == later + timedelta(weeks=6)


def test_a_due_check_in_is_told_once_however_often_the_scan_runs(world: World) -> None:
    world.routine("p1", ROUTINE_AT)
    world.routine("p2", ROUTINE_AT + timedelta(days=1))
    world.clock.advance(days=27)
    assert world.scanner.scan_once() == 0  # not due yet
    world.clock.advance(days=1)
    assert world.scanner.scan_once() == 1  # p1 only: p2 is due a day later
    assert world.scanner.scan_once() == 0
    due = (ROUTINE_AT + timedelta(weeks=4)).isoformat()
    assert world.check_in_entries("p1") == [f"check-in:{due}"] and not world.check_in_entries("p2")
    jobs = [j for j in world.uow.jobs if j.actor == SEND_CHECK_IN_ACTOR]
    assert [j.kwargs for j in jobs] == [{"user_id": "p1", "due": due}]
    world.clock.advance(days=5)
    assert world.scanner.scan_once() == 1 and world.scanner.scan_once() == 0  # p2, once
    assert world.service.schedule("p1").told()


def test_no_check_in_sms_goes_to_a_number_not_verified(world: World) -> None:
    """A number typed into the profile gets no SMS before a code texted to it came back: a
    typo would tell a stranger about someone's skin check-ins."""
    with world.uow:
        found = world.uow.users.get("p1")
        assert found is not None
        found.profile = replace(found.profile, phone="+447700900999")  # changed, not proved
        world.uow.users.save(found)
        world.uow.commit()
    world.routine("p1", ROUTINE_AT)
    world.clock.advance(weeks=5)
    assert world.scanner.scan_once() == 1
    (job,) = [j.kwargs for j in world.uow.jobs]
    assert world.messenger.send(**job) == 1  # the email only
    assert world.notifier.sms == []


def test_the_reminder_goes_on_each_allowed_channel_once(world: World) -> None:
    world.routine("p1", ROUTINE_AT)
    world.routine("p2", ROUTINE_AT)
    world.clock.advance(weeks=5)
    assert world.scanner.scan_once() == 2
    jobs = {j.kwargs["user_id"]: j.kwargs for j in world.uow.jobs}
    assert world.messenger.send(**jobs["p1"]) == 2  # email and SMS (opted in, with a phone)
    assert world.messenger.send(**jobs["p1"]) == 0  # a redelivered job sends nothing
    assert world.messenger.send(**jobs["p2"]) == 1  # email only (no SMS opt-in)
    assert [e.to for e in world.notifier.emails] == ["p1@example.com", "p2@example.com"]
    (sms,) = world.notifier.sms
    assert sms.to == PHONE and "https://metskin.test/analyse" in sms.body
    assert "30 November 2026" in sms.body
    template, _, context = world.renderer.rendered[0]
    assert template == "check_in_due"
    assert context == {"name": "Maya", "due_day": "30 November 2026", "weeks": 4}


def test_a_reminder_whose_date_moved_is_not_sent_and_the_new_date_is_told(world: World) -> None:
    world.routine("p1", ROUTINE_AT)
    world.clock.advance(weeks=4)
    assert world.scanner.scan_once() == 1
    (job,) = world.uow.jobs
    world.routine("p1", world.clock())  # a new photo and routine before the job ran
    assert world.messenger.send(**job.kwargs) == 0 and world.notifier.emails == []
    world.clock.advance(weeks=4)
    assert world.scanner.scan_once() == 1  # the new due date, told once more
    assert len(world.check_in_entries("p1")) == 2
    world.uow.users.save(
        user("p1", display_name="Maya", email_opt_in=False, sms_opt_in=False)
    )  # no channel allowed: the inbox entry stands, nothing leaves
    assert world.messenger.send(**world.uow.jobs[-1].kwargs) == 0


def at_local(text: str, time_zone: str) -> datetime:
    """`text` (ISO, no offset) on the wall clock of `time_zone`, as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def person_in(world: World, user_id: str, time_zone: str) -> None:
    world.uow.users.add(user(user_id, time_zone=time_zone))


def told_at(world: World, user_id: str, until: datetime) -> datetime | None:
    """The first of the scans every 5 minutes up to `until` that tells `user_id`."""
    while world.clock() <= until:
        world.scanner.scan_once()
        if world.check_in_entries(user_id):
            return world.clock()
        world.clock.advance(minutes=5)
    return None


@pytest.mark.parametrize(
    ("time_zone", "made", "told"),
    [
        # saved late in the evening: due at the same late hour, told the next morning at 09:00
        ("Europe/Paris", "2026-11-02T23:40", "2026-12-01T09:00"),
        ("America/Los_Angeles", "2026-11-02T22:30", "2026-12-01T09:00"),
        # saved in the small hours: told at 09:00 that same morning
        ("America/Los_Angeles", "2026-11-03T05:00", "2026-12-01T09:00"),
        ("Asia/Tokyo", "2026-11-02T02:15", "2026-11-30T09:00"),
        # saved in the daytime: told when due
        ("Europe/Paris", "2026-11-02T14:00", "2026-11-30T14:00"),
        ("America/Los_Angeles", "2026-11-02T19:55", "2026-11-30T19:55"),
        # 20:00 is the evening already
        ("Europe/Paris", "2026-11-02T20:00", "2026-12-01T09:00"),
        # due on the night the clocks go forward (28 March 2027): 09:00 summer time, 07:00 UTC
        ("Europe/Paris", "2027-02-27T23:00", "2027-03-28T09:00"),
        # and on the night they go back (7 November 2027 in Los Angeles): 09:00 winter time
        ("America/Los_Angeles", "2027-10-09T23:30", "2027-11-07T09:00"),
    ],
)
def test_a_check_in_is_told_in_the_daytime_of_the_persons_zone(
    world: World, time_zone: str, made: str, told: str
) -> None:
    person_in(world, "p3", time_zone)
    routine_at = at_local(made, time_zone)
    world.routine("p3", routine_at)
    due = routine_at + timedelta(weeks=4)
    world.clock.now = due - timedelta(minutes=5)
    expected = at_local(told, time_zone)
    assert told_at(world, "p3", expected + timedelta(days=1)) == expected
    # what the person is told is the due date itself, the day it falls on in their zone
    assert world.check_in_entries("p3") == [f"check-in:{due.isoformat()}"]
    (job,) = [j.kwargs for j in world.uow.jobs if j.kwargs["user_id"] == "p3"]
    assert job == {"user_id": "p3", "due": due.isoformat()}
    assert world.messenger.send(**job) == 1
    _, _, context = world.renderer.rendered[-1]
    assert context["due_day"] == world.messenger_day(due, time_zone)


def test_night_check_ins_put_off_do_not_hold_back_daytime_ones_behind_them(
    world: World,
) -> None:
    world.scanner.batch = 2
    for name in ("la1", "la2", "la3"):
        person_in(world, name, "America/Los_Angeles")
    person_in(world, "paris", "Europe/Paris")
    first_due = at_local("2026-11-30T22:00", "America/Los_Angeles")
    for index, name in enumerate(("la1", "la2", "la3", "paris")):
        world.routine(name, first_due - timedelta(weeks=4) + timedelta(minutes=index))
    world.clock.now = first_due + timedelta(hours=2)  # 00:00 in Los Angeles, 09:00 in Paris
    assert world.scanner.scan_once() == 0  # the batch: la1 and la2, both put off
    assert world.scanner.scan_once() == 1  # la3 put off, Paris told
    assert world.check_in_entries("paris") and world.scanner.scan_once() == 0
    assert not any(world.check_in_entries(n) for n in ("la1", "la2", "la3"))
    world.clock.now = at_local("2026-12-01T08:59", "America/Los_Angeles")
    assert world.scanner.scan_once() == 0
    world.clock.now = at_local("2026-12-01T09:00", "America/Los_Angeles")
    assert world.scanner.scan_once() == 2 and world.scanner.scan_once() == 1
    assert world.scanner.scan_once() == 0


def test_a_person_who_moves_is_told_in_the_daytime_of_the_new_zone(world: World) -> None:
    person_in(world, "p3", "Europe/Paris")
    routine_at = at_local("2026-11-02T23:40", "Europe/Paris")
    world.routine("p3", routine_at)
    world.clock.now = routine_at + timedelta(weeks=4)
    assert world.scanner.scan_once() == 0  # 23:40 in Paris: put off to 09:00 there
    world.uow.users.save(user("p3", time_zone="America/New_York"))  # moved before the morning
    world.clock.now = at_local("2026-12-01T09:00", "Europe/Paris")  # 03:00 in New York
    expected = at_local("2026-12-01T09:00", "America/New_York")
    assert told_at(world, "p3", expected + timedelta(days=1)) == expected


def test_a_new_routine_or_cadence_clears_the_put_off_moment(world: World) -> None:
    person_in(world, "p3", "Europe/Paris")
    routine_at = at_local("2026-11-02T23:40", "Europe/Paris")
    world.routine("p3", routine_at)
    world.clock.now = routine_at + timedelta(weeks=4)
    world.scanner.scan_once()
    morning = at_local("2026-12-01T09:00", "Europe/Paris")
    assert world.service.schedule("p3").notify_at == morning
    assert world.service.set_cadence("p3", 2).notify_at is None
    world.scanner.scan_once()  # the 2-week date is past, and it is night: put off again
    assert world.service.schedule("p3").notify_at == morning
    world.routine("p3", world.clock())
    assert world.service.schedule("p3") == CheckIn("p3", 2, world.clock())


# The daylight-saving changes of 2026: London 29 March and 25 October, New York 8 March and
# 1 November. Each routine is saved two weeks before one, at 23:30 or 00:30 local time.
DST_ROUTINES = [
    (zone, day, hour)
    for zone, days in (
        ("Europe/London", ("2026-03-15", "2026-10-11")),
        ("America/New_York", ("2026-02-22", "2026-10-18")),
    )
    for day in days
    for hour in ("23:30", "00:30")
]


@pytest.mark.parametrize(("time_zone", "day", "hour"), DST_ROUTINES)
def test_a_check_in_is_due_the_same_local_day_weeks_later_across_a_clock_change(
    world: World, time_zone: str, day: str, hour: str
) -> None:
    """Before, the due date was the routine plus 4 x 7 x 24 hours in UTC: across a clock
    change a routine saved within an hour of midnight came due a day early or late there."""
    person_in(world, "p3", time_zone)
    made = at_local(f"{day}T{hour}", time_zone)
    world.routine("p3", made)
    local = made.astimezone(ZoneInfo(time_zone))
    for weeks in (DEFAULT_WEEKS, 6):  # the routine's count, then a new cadence
        due = world.service.schedule("p3").due_at
        assert due is not None
        there = due.astimezone(ZoneInfo(time_zone))
        assert there.date() == local.date() + timedelta(weeks=weeks)
        assert there.time() == local.time()  # the same wall-clock time, the same weekday
        world.service.set_cadence("p3", 6)
    world.clock.now = due + timedelta(days=1, hours=12)
    assert world.scanner.scan_once() == 1
    (job,) = [j.kwargs for j in world.uow.jobs if j.kwargs["user_id"] == "p3"]
    world.clock.now = at_local(f"{there.date()}T12:00", time_zone)  # the send job, in daytime
    assert world.messenger.send(**job) == 1
    _, _, context = world.renderer.rendered[-1]
    assert context["due_day"] == ENGLISH.format_date(local.date() + timedelta(weeks=6))


def sms_down(sms: OutgoingSms) -> None:
    raise ConnectionError("the SMS provider does not answer")


def test_a_send_job_retried_into_the_night_waits_for_the_morning(world: World) -> None:
    """Before, only the scan checked the daytime: a send job retried after a provider failure
    (or run late after a worker restart) texted the person at 20:05 or at 03:00."""
    world.uow.users.add(user("p3", phone=PHONE, sms_opt_in=True, time_zone="Europe/London"))
    made = at_local("2026-11-02T19:50", "Europe/London")
    world.routine("p3", made)
    world.clock.now = made + timedelta(weeks=4, minutes=5)  # 19:55: daytime, told
    assert world.scanner.scan_once() == 1
    (job,) = world.uow.jobs
    world.notifier.send_sms = sms_down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):  # the email left, the SMS did not: retried
        world.messenger.send(**job.kwargs)
    del world.notifier.send_sms
    world.clock.now = at_local("2026-11-30T20:05", "Europe/London")  # the retry
    assert world.messenger.send(**job.kwargs) == 0 and world.notifier.sms == []
    morning = at_local("2026-12-01T09:00", "Europe/London")
    assert world.service.schedule("p3").notify_at == morning
    assert world.scanner.scan_once() == 0  # the night: the scan leaves it too
    world.clock.now = at_local("2026-12-01T03:00", "Europe/London")  # a redelivery at night
    assert world.messenger.send(**job.kwargs) == 0 and world.notifier.sms == []
    world.clock.now = morning
    assert world.scanner.scan_once() == 1  # queued again at 09:00, the inbox told once
    assert len(world.check_in_entries("p3")) == 1
    again = world.uow.jobs[-1]
    assert again.kwargs == job.kwargs and world.messenger.send(**again.kwargs) == 1  # the SMS
    assert len(world.notifier.emails) == 1 and len(world.notifier.sms) == 1
    assert world.service.schedule("p3").told()
    assert world.messenger.send(**job.kwargs) == 0  # a late redelivery: sent, nothing more


def address_refused(email: OutgoingEmail) -> None:
    raise DeliveryRefused("SendGrid answered HTTP 400", status=400, recipient=True)


def test_an_address_the_provider_refuses_does_not_hold_back_the_sms(world: World) -> None:
    """The email goes first; before, its refusal for good ended the job before the SMS."""
    world.routine("p1", ROUTINE_AT)
    world.clock.advance(weeks=5)
    assert world.scanner.scan_once() == 1
    (job,) = world.uow.jobs
    world.notifier.send_email = address_refused  # type: ignore[method-assign]
    assert world.messenger.send(**job.kwargs) == 1
    assert world.notifier.emails == [] and [s.to for s in world.notifier.sms] == [PHONE]
