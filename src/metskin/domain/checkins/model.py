"""A person's check-in cadence, the next date a new photo is due, and the daytime hours of
their zone in which they are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from metskin.domain.appointments.model import zone
from metskin.domain.appointments.slots import local_instant
from metskin.domain.errors import ValidationFailed

DEFAULT_WEEKS = 4
MIN_WEEKS = 1
MAX_WEEKS = 12
DAY_STARTS = time(9)  # a reminder is told from 09:00 ...
EVENING_STARTS = time(20)  # ... until 20:00 on the wall clock of the person's zone


def checked_cadence(weeks: int) -> int:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValidationFailed(
            f"A check-in comes every {MIN_WEEKS} to {MAX_WEEKS} weeks.", field="weeks"
        )
    return weeks


@dataclass
class CheckIn:
    """`anchor_at`: when the newest routine was made (None: no routine yet, nothing due).
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

    def change_cadence(self, weeks: int, time_zone: str) -> None:
        self.cadence_weeks = checked_cadence(weeks)
        self._recount(time_zone)

    def _recount(self, time_zone: str) -> None:
        self.notify_at = None
        if self.anchor_at is not None:
            self.due_at = due_after(self.anchor_at, self.cadence_weeks, time_zone)

    def told(self) -> bool:
        return self.due_at is not None and self.told_due_at == self.due_at


def due_after(anchor: datetime, weeks: int, time_zone: str) -> datetime:
    """The wall-clock time of `anchor` in `time_zone`, on the same weekday `weeks` later: whole
    calendar days there, not 24-hour ones, so a routine saved near midnight is due on the
    same local day of the week whatever daylight-saving change lies between (a time the
    clocks skip that day means the moment they jump; one they repeat, its first time)."""
    tz = _zone_or_utc(time_zone)
    local = anchor.astimezone(tz)
    return local_instant(local.date() + timedelta(weeks=weeks), local.time(), tz)


def daytime_from(moment: datetime, time_zone: str) -> datetime:
    """The first instant from `moment` on that is daytime (09:00 to 20:00) in `time_zone`:
    `moment` itself in the daytime, else 09:00 that morning (before 09:00) or the next morning
    (from 20:00). Wall-clock days, so right across daylight-saving changes."""
    tz = _zone_or_utc(time_zone)
    local = moment.astimezone(tz)
    if DAY_STARTS <= local.time() < EVENING_STARTS:
        return moment
    day = local.date() + timedelta(days=0 if local.time() < DAY_STARTS else 1)
    return local_instant(day, DAY_STARTS, tz)


def _zone_or_utc(name: str) -> ZoneInfo:
    """The profile's zone (checked when saved); UTC for one this machine does not know, so a
    single odd profile cannot stop the scan of everyone's reminders."""
    try:
        return zone(name)
    except ValidationFailed:
        return zone("UTC")
