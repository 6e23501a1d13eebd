"""Turn availability rules into bookable slots, correctly across daylight-saving changes.

Working hours are wall-clock times in the doctor's zone. Each day's window is turned into two
UTC instants and cut into slots by elapsed time, so every slot lasts exactly its length: on the
spring-forward day a window loses the skipped hour, on the fall-back day it gains the repeated one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from metskin.domain.appointments.model import (
    Appointment,
    Availability,
    ConsultationType,
    Hours,
    LocalSlot,
    Slot,
    require_utc,
    zone,
)
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

MAX_RANGE = timedelta(days=92)
PERIOD_TOO_LONG = _("The period must end after it starts and last at most {days} days.")
BOOKING_HORIZON = timedelta(days=365)  # how far ahead a slot is listed and can be booked


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant when the wall clock in `tz` shows `at` on `day`.

    A time that happens twice (clocks go back) means its first occurrence. A time that never
    happens (clocks go forward) means the moment the clocks jump over it.
    """
    wall = datetime.combine(day, at, tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    return _jump_instant(wall, tz)


def _jump_instant(wall: datetime, tz: ZoneInfo) -> datetime:
    """Binary search for the transition inside a gap, to the second."""
    before = int(wall.replace(fold=1).astimezone(UTC).timestamp())
    after = int(wall.astimezone(UTC).timestamp())
    new_offset = datetime.fromtimestamp(after, tz).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def window_slots(doctor_id: str, day: date, hours: Hours, tz: ZoneInfo) -> Iterator[Slot]:
    """Slots of one working window, stepped by elapsed time from its start."""
    start = local_instant(day, hours.start, tz)
    end = local_instant(day, hours.end, tz)
    length = timedelta(minutes=hours.slot_minutes)
    while start + length <= end:
        yield Slot(doctor_id, start, start + length, hours.consultation_types)
        start += length


def bookable_slots(
    availability: Availability,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    booked: Iterable[Appointment] = (),
    consultation_type: ConsultationType | None = None,
) -> list[Slot]:
    """Slots starting in [start, end) that are in the future, within the booking horizon, free
    and offer the type."""
    start, end, now = require_utc(start, "from"), require_utc(end, "to"), require_utc(now, "now")
    if end <= start or end - start > MAX_RANGE:
        raise ValidationFailed.translatable(PERIOD_TOO_LONG, "to", days=MAX_RANGE.days)
    busy = [
        (a.start, a.end) for a in booked if a.is_active and a.doctor_id == availability.doctor_id
    ]
    earliest, horizon = max(start, now), now + BOOKING_HORIZON
    return [
        slot
        for slot in _all_slots(availability, earliest, min(end, horizon))
        if earliest <= slot.start < end
        and slot.start <= horizon
        and not any(slot.overlaps(b_start, b_end) for b_start, b_end in busy)
        and (consultation_type is None or consultation_type in slot.consultation_types)
    ]


def _all_slots(availability: Availability, start: datetime, end: datetime) -> list[Slot]:
    """Every slot on the local days touching the range; same-start slots merge their types."""
    tz = availability.tz
    by_start: dict[datetime, Slot] = {}
    for day in _days(start.astimezone(tz).date(), end.astimezone(tz).date()):
        for hours in availability.hours_on(day):
            for slot in window_slots(availability.doctor_id, day, hours, tz):
                by_start[slot.start] = _merge(by_start.get(slot.start), slot)
    return sorted(by_start.values(), key=lambda s: s.start)


def _merge(existing: Slot | None, slot: Slot) -> Slot:
    if existing is None:
        return slot
    types = existing.consultation_types | slot.consultation_types
    return Slot(slot.doctor_id, slot.start, min(existing.end, slot.end), types)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def find_slot(
    availability: Availability,
    start: datetime,
    *,
    now: datetime,
    booked: Iterable[Appointment] = (),
    consultation_type: ConsultationType | None = None,
) -> Slot | None:
    """The bookable slot starting exactly at `start`, if there is one."""
    start = require_utc(start, "slotStart")
    slots = bookable_slots(
        availability,
        start,
        start + timedelta(seconds=1),
        now=now,
        booked=booked,
        consultation_type=consultation_type,
    )
    return next((slot for slot in slots if slot.start == start), None)


def covers(availability: Availability, appointment: Appointment) -> bool:
    """Whether the hours hold the whole appointment: [start, end) inside one window of its
    local day that offers its consultation type. Judged on the hours alone, not on the time
    now, so an appointment under way is covered like any other."""
    tz = availability.tz
    day = appointment.start.astimezone(tz).date()
    return any(
        appointment.consultation_type in hours.consultation_types
        and local_instant(day, hours.start, tz) <= appointment.start
        and appointment.end <= local_instant(day, hours.end, tz)
        for hours in availability.hours_on(day)
    )


def in_time_zone(slots: Iterable[Slot], time_zone: str) -> list[LocalSlot]:
    """Render slots in the patient's zone for display."""
    tz = zone(time_zone)
    return [LocalSlot(s, s.start.astimezone(tz), s.end.astimezone(tz), time_zone) for s in slots]
