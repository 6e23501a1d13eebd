"""A person's check-in cadence and the next date a new photo is due (told in the daytime of
their zone: `domain/daytime.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from metskin.domain.appointments.slots import local_instant
from metskin.domain.daytime import zone_or_utc
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

DEFAULT_WEEKS = 4
MIN_WEEKS = 1
MAX_WEEKS = 12


def checked_cadence(weeks: int) -> int:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        cadence = _("A check-in comes every {least} to {most} weeks.")
        raise ValidationFailed.translatable(cadence, "weeks", least=MIN_WEEKS, most=MAX_WEEKS)
    return weeks


class ReminderState(Enum):
    """Where the reminder of the current due date stands."""

    NONE = "NONE"  # nothing is due: no routine yet (or none left: its photo deleted)
    SCHEDULED = "SCHEDULED"  # the due date is ahead
    DUE = "DUE"  # due: the next scan tells it (within a minute), in the person's daytime
    HELD = "HELD"  # due in the person's evening or night: held until `notify_at`, 09:00
    SENT = "SENT"  # told: the inbox entry, and the email and SMS the profile allows


@dataclass
class CheckIn:
    """`anchor_at`: when the routine followed was made theirs (None: no routine yet, or none
    left, nothing due).
    `due_at`: the next check-in, one cadence after the anchor in calendar days of the person's
    zone (`due_after`; counted by `restart` and `change_cadence`, which know the zone; one made
    without them counts in UTC).
    `told_due_at`: the due date the person was last told about (once per due date).
    `notify_at`: the daytime moment the scan (or the send job) put the due date off to,
    because it found it in the person's evening or night (None: not put off; a new routine or
    cadence clears it)."""

    user_id: str
    cadence_weeks: int = DEFAULT_WEEKS
    anchor_at: datetime | None = None
    told_due_at: datetime | None = None
    notify_at: datetime | None = None
    due_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.due_at is None and self.anchor_at is not None:
            self.due_at = due_after(self.anchor_at, self.cadence_weeks, "UTC")

    def restart(self, at: datetime, time_zone: str) -> None:
        """A routine made at `at`: the next check-in is one cadence after it."""
        self.anchor_at = at
        self._recount(time_zone)

    def stop(self) -> None:
        """No routine left to follow (its photo deleted): nothing is due until a new one."""
        self.anchor_at = self.due_at = self.notify_at = None

    def change_cadence(self, weeks: int, time_zone: str) -> None:
        self.cadence_weeks = checked_cadence(weeks)
        self._recount(time_zone)

    def _recount(self, time_zone: str) -> None:
        self.notify_at = None
        if self.anchor_at is not None:
            self.due_at = due_after(self.anchor_at, self.cadence_weeks, time_zone)

    def told(self) -> bool:
        return self.due_at is not None and self.told_due_at == self.due_at

    def reminder(self, now: datetime) -> tuple[ReminderState, datetime | None]:
        """The reminder's state, and the moment it is held until (HELD only): a due date the
        scan found in the person's night, or whose send job was handed back at night, is not
        told (`told()` is False) until the morning, although it is due."""
        if self.due_at is None:
            return ReminderState.NONE, None
        if self.told():
            return ReminderState.SENT, None
        if self.notify_at is not None and self.notify_at > now:
            return ReminderState.HELD, self.notify_at
        return (ReminderState.DUE if self.due_at <= now else ReminderState.SCHEDULED), None


def due_after(anchor: datetime, weeks: int, time_zone: str) -> datetime:
    """The wall-clock time of `anchor` in `time_zone`, on the same weekday `weeks` later: whole
    calendar days there, not 24-hour ones, so a routine saved near midnight is due on the
    same local day of the week whatever daylight-saving change lies between (a time the
    clocks skip that day means the moment they jump; one they repeat, its first time)."""
    tz = zone_or_utc(time_zone)
    local = anchor.astimezone(tz)
    return local_instant(local.date() + timedelta(weeks=weeks), local.time(), tz)
