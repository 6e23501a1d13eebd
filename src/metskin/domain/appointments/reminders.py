"""Appointment reminders: rows written with the booking, claimed by a scanner when due.

Each appointment has at most one reminder per kind (24 h and 1 h before). Booking creates them
in the same transaction as the appointment, a reschedule moves them, a cancellation cancels
them, so a crash can neither lose nor duplicate one. The dedupe key holds the start time, so a
moved appointment gets fresh reminders while a resent one is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from metskin.domain.appointments.model import Appointment
from metskin.domain.daytime import daytime_from

ON_TIME = timedelta(minutes=10)  # the scanner's lease: a job's retries fit in it
# A day-before reminder due this soon after the booking or the move is not planned: the
# confirmation (or the move's message) has just said the time. Moving a visit by 30 minutes
# after its day-before reminder sent another "in 24 hours" ten minutes after "has moved to".
JUST_TOLD = timedelta(hours=6)


class ReminderKind(Enum):
    DAY_BEFORE = "24h"
    HOUR_BEFORE = "1h"

    @property
    def before(self) -> timedelta:
        return timedelta(hours=self.hours)

    @property
    def hours(self) -> int:
        return 24 if self is ReminderKind.DAY_BEFORE else 1

    @property
    def just_told(self) -> timedelta:
        """How long after a message that gave the time this reminder would add nothing. The
        1 h reminder ("it starts soon") goes however recent the booking."""
        return JUST_TOLD if self is ReminderKind.DAY_BEFORE else timedelta(0)


class ReminderStatus(Enum):
    PENDING = "PENDING"  # waiting for due_at
    QUEUED = "QUEUED"  # claimed by a scanner, a send job is on its way (until the lease ends)
    SENT = "SENT"
    CANCELLED = "CANCELLED"  # the appointment was cancelled
    SKIPPED = "SKIPPED"  # too late to be useful, or the person opted out of every channel
    FAILED = "FAILED"  # the provider refused it, or retries ran out


@dataclass
class Reminder:
    appointment_id: str
    kind: ReminderKind
    due_at: datetime  # UTC
    start_at: datetime  # the appointment start it reminds of (UTC)
    status: ReminderStatus = ReminderStatus.PENDING
    attempts: int = 0
    claimed_until: datetime | None = None
    sent_at: datetime | None = None
    detail: str = ""

    @property
    def key(self) -> str:
        """What the reminder's messages are sent once under (`dedupe_key` per channel)."""
        return f"appt:{self.appointment_id}:reminder:{self.kind.value}:{self.start_at.isoformat()}"

    def dedupe_key(self, channel: str) -> str:
        return f"{self.key}:{channel}"

    def is_stale(self, now: datetime) -> bool:
        """Useless now: the appointment has started, or a 24 h reminder is inside the last hour
        (the 1 h reminder says it better)."""
        if now >= self.start_at:
            return True
        return self.kind is ReminderKind.DAY_BEFORE and now >= self.start_at - timedelta(hours=1)

    def is_late(self, now: datetime) -> bool:
        """Sent past its time by more than `ON_TIME` (a backlog, a worker or queue down, a job
        retried for long)."""
        return now > self.due_at + ON_TIME

    def hours_left(self, now: datetime) -> int:
        """The time the message announces: the real time left, in whole hours (at least 1).

        A reminder sent late (a scan or worker backlog) says so truthfully, "in 3 hours"
        rather than "in 24 hours". We still send a late 24 h reminder while it is more than
        an hour ahead (see `is_stale`): a few hours' notice still lets the patient plan or
        free the slot, and the 1 h reminder alone would come too late for that.
        """
        return max(1, round((self.start_at - now) / timedelta(hours=1)))


def plan_reminders(
    appointment: Appointment, now: datetime, time_zone: str | None = None
) -> list[Reminder]:
    """The reminders an appointment needs from `now` (when it is booked or moved, and its
    message gives the time): each kind whose time is still ahead, a day-before one only when
    more than `JUST_TOLD` ahead. The day-before one is due in the daytime of the patient's
    zone (`time_zone`, `daytime.daytime_from`): 24 hours before, or the next 09:00 when that
    is their evening or night (a New York patient of a 09:00 London video call was texted at
    04:00 the day before; it now goes at 09:00 there, 19 hours ahead). The 1 h reminder goes
    whatever the hour."""
    start = appointment.start
    return [
        Reminder(appointment.id, kind, due_at(kind, start, time_zone), start)
        for kind in ReminderKind
        if appointment.start - kind.before > now + kind.just_told
    ]


def due_at(kind: ReminderKind, start: datetime, time_zone: str | None) -> datetime:
    """When a reminder of `kind` for a visit at `start` goes: `kind.before` it, the day-before
    one moved into the daytime of the patient's `time_zone` (at most 13 hours later: still 11
    hours ahead)."""
    due = start - kind.before
    if kind is ReminderKind.DAY_BEFORE and time_zone is not None:
        return daytime_from(due, time_zone)
    return due
