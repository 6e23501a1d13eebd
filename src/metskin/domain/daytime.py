"""The daytime of a person's zone (09:00 to 20:00 on its wall clock): when reminders that can
wait (a check-in, an appointment's day-before reminder) may reach them, read from the profile
each time so a move takes effect."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from metskin.domain.appointments.model import zone
from metskin.domain.appointments.slots import local_instant
from metskin.domain.errors import ValidationFailed

DAY_STARTS = time(9)  # a reminder is told from 09:00 ...
EVENING_STARTS = time(20)  # ... until 20:00 on the wall clock of the person's zone


def daytime_from(moment: datetime, time_zone: str) -> datetime:
    """The first instant from `moment` on that is daytime (09:00 to 20:00) in `time_zone`:
    `moment` itself in the daytime, else 09:00 that morning (before 09:00) or the next morning
    (from 20:00). Wall-clock days, so right across daylight-saving changes."""
    tz = zone_or_utc(time_zone)
    local = moment.astimezone(tz)
    if DAY_STARTS <= local.time() < EVENING_STARTS:
        return moment
    day = local.date() + timedelta(days=0 if local.time() < DAY_STARTS else 1)
    return local_instant(day, DAY_STARTS, tz)


def zone_or_utc(name: str) -> ZoneInfo:
    """The profile's zone (checked when saved); UTC for one this machine does not know, so a
    single odd profile cannot stop a scan of everyone's reminders."""
    try:
        return zone(name)
    except ValidationFailed:
        return zone("UTC")
