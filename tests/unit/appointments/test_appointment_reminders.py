"""Reminder plans: which reminders a booking needs, when they are stale, their dedupe keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.unit.builders import appointment

from metskin.domain.appointments import Appointment
from metskin.domain.appointments.reminders import (
    Reminder,
    ReminderKind,
    plan_reminders,
)

START = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # the day after the clocks go forward in London


def booked(start: datetime = START) -> Appointment:
    return appointment("a1", "doc", "pat", start, booked_at=start - timedelta(days=5))


@pytest.mark.parametrize(
    ("booked_before", "kinds"),
    [
        (timedelta(days=3), ["24h", "1h"]),
        (timedelta(hours=31), ["24h", "1h"]),
        (timedelta(hours=30), ["1h"]),  # the 24 h one 6 hours after the confirmation: skipped
        (timedelta(hours=24), ["1h"]),  # the 24 h reminder would be due right now: skipped
        (timedelta(hours=5), ["1h"]),
        (timedelta(minutes=59), []),
    ],
)
def test_plan_has_only_reminders_still_ahead(booked_before: timedelta, kinds: list[str]) -> None:
    planned = plan_reminders(booked(), START - booked_before)
    assert [r.kind.value for r in planned] == kinds
    for reminder in planned:
        assert reminder.due_at == START - reminder.kind.before  # elapsed time, not wall clock
        assert reminder.start_at == START


def test_a_reminder_is_stale_once_it_no_longer_helps() -> None:
    day, hour = (Reminder("a1", kind, START - kind.before, START) for kind in ReminderKind)
    assert not day.is_stale(START - timedelta(hours=23))
    assert day.is_stale(START - timedelta(minutes=59))  # the 1 h reminder says it better
    assert not hour.is_stale(START - timedelta(minutes=5))
    assert hour.is_stale(START)


def test_dedupe_keys_change_with_the_start_so_a_moved_appointment_is_reminded_again() -> None:
    before = Reminder("a1", ReminderKind.HOUR_BEFORE, START, START)
    moved = Reminder("a1", ReminderKind.HOUR_BEFORE, START, START + timedelta(hours=2))
    assert before.dedupe_key("email") != moved.dedupe_key("email")
    assert before.dedupe_key("email") != before.dedupe_key("sms")
    assert before.dedupe_key("sms") == Reminder(
        "a1", ReminderKind.HOUR_BEFORE, START, START
    ).dedupe_key("sms")


@pytest.mark.parametrize(
    ("before", "hours"),
    [
        (timedelta(hours=24), 24),
        (timedelta(hours=23, minutes=40), 24),  # a scan a little late still says a day
        (timedelta(hours=3, minutes=20), 3),
        (timedelta(hours=2, minutes=40), 3),
        (timedelta(minutes=20), 1),  # never "in 0 hours"
    ],
)
def test_a_reminder_announces_the_time_really_left(before: timedelta, hours: int) -> None:
    day = Reminder("a1", ReminderKind.DAY_BEFORE, START - timedelta(hours=24), START)
    assert day.hours_left(START - before) == hours
