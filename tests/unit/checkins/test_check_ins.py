"""Check-ins on the fakes: the cadence (1 to 12 weeks, coded errors on `weeks`), the next date
counted from the newest routine, the scan that tells each due date once (inbox and a send
job), and the reminder on the person's channels, sent once per channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.links import PublicLinks
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
        with self.uow:
            restart(self.uow, user_id, at)
            self.uow.commit()

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
        CheckInMessenger(uow, notifications, renderer, links),
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
