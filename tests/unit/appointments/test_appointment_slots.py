"""Availability → bookable slots, including daylight-saving days in London and New York."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.builders import appointment, utc

from metskin.domain.appointments import (
    Availability,
    ConsultationType,
    ExtraHours,
    Hours,
    WeeklyRule,
    bookable_slots,
    in_time_zone,
)
from metskin.domain.appointments.errors import InvalidAvailability
from metskin.domain.appointments.slots import BOOKING_HORIZON, local_instant
from metskin.domain.errors import ValidationFailed

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
SUNDAY = 6
EARLIER = datetime(2024, 12, 1, tzinfo=UTC)  # the dates below are within a year (the horizon)


def hours(
    start: str,
    end: str,
    minutes: int = 30,
    types: frozenset[ConsultationType] = frozenset(ConsultationType),
) -> Hours:
    return Hours(time.fromisoformat(start), time.fromisoformat(end), minutes, types)


def every_day(tz: str, start: str, end: str, minutes: int = 30) -> Availability:
    rules = tuple(WeeklyRule(day, hours(start, end, minutes)) for day in range(7))
    return Availability("doc-1", tz, rules)


def half_hours(first: datetime, count: int) -> list[datetime]:
    """`count` back-to-back 30-minute slot starts in UTC, from `first`."""
    return [first + timedelta(minutes=30 * i) for i in range(count)]


def day_slots(availability: Availability, day: date) -> list[datetime]:
    """Slot starts (UTC) for one local day of the doctor."""
    tz = ZoneInfo(availability.time_zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return [
        s.start for s in bookable_slots(availability, start, end, now=start - timedelta(days=1))
    ]


def test_london_morning_moves_one_hour_in_utc_after_spring_forward() -> None:
    clinic = Availability("doc-1", LONDON, (WeeklyRule(SUNDAY, hours("09:00", "12:00")),))
    before = day_slots(clinic, date(2025, 3, 23))
    after = day_slots(clinic, date(2025, 3, 30))
    assert before[0] == utc(2025, 3, 23, 9, 0) and len(before) == 6
    assert after[0] == utc(2025, 3, 30, 8, 0) and len(after) == 6


def test_london_spring_forward_night_window_loses_the_skipped_hour() -> None:
    slots = day_slots(every_day(LONDON, "00:00", "03:00"), date(2025, 3, 30))
    assert slots == half_hours(utc(2025, 3, 30, 0, 0), 4)
    local = [s.strftime("%H:%M") for s in (t.astimezone(ZoneInfo(LONDON)) for t in slots)]
    assert local == ["00:00", "00:30", "02:00", "02:30"]


def test_london_fall_back_night_window_gains_the_repeated_hour() -> None:
    slots = day_slots(every_day(LONDON, "00:00", "03:00"), date(2025, 10, 26))
    assert len(slots) == 8
    assert slots[0] == utc(2025, 10, 25, 23, 0)  # 00:00 BST
    assert slots[-1] == utc(2025, 10, 26, 2, 30)  # 02:30 GMT
    local = [t.astimezone(ZoneInfo(LONDON)).strftime("%H:%M %Z") for t in slots]
    assert local[2:6] == ["01:00 BST", "01:30 BST", "01:00 GMT", "01:30 GMT"]


def test_new_york_spring_forward() -> None:
    slots = day_slots(every_day(NEW_YORK, "01:00", "04:00"), date(2025, 3, 9))
    assert slots == half_hours(utc(2025, 3, 9, 6, 0), 4)


def test_new_york_hours_starting_inside_the_gap_start_when_clocks_jump() -> None:
    assert local_instant(date(2025, 3, 9), time(2, 30), ZoneInfo(NEW_YORK)) == utc(2025, 3, 9, 7)
    slots = day_slots(every_day(NEW_YORK, "02:30", "04:00"), date(2025, 3, 9))
    assert slots == [utc(2025, 3, 9, 7, 0), utc(2025, 3, 9, 7, 30)]


def test_new_york_fall_back() -> None:
    slots = day_slots(every_day(NEW_YORK, "00:00", "03:00"), date(2025, 11, 2))
    assert len(slots) == 8
    assert slots[0] == utc(2025, 11, 2, 4, 0)  # 00:00 EDT
    assert slots[-1] == utc(2025, 11, 2, 7, 30)  # 02:30 EST
    normal = day_slots(every_day(NEW_YORK, "09:00", "10:00"), date(2025, 11, 2))
    assert normal == [utc(2025, 11, 2, 14, 0), utc(2025, 11, 2, 14, 30)]


def test_new_york_slots_in_a_london_patients_zone_across_the_dst_mismatch() -> None:
    clinic = every_day(NEW_YORK, "09:00", "09:30")
    shown = {}
    for day in (date(2025, 3, 7), date(2025, 3, 10), date(2025, 3, 31)):
        (slot,) = day_slots(clinic, day)
        (local,) = in_time_zone(
            [bookable_slots(clinic, slot, slot + timedelta(minutes=1), now=EARLIER)[0]], LONDON
        )
        shown[day] = local.start.strftime("%H:%M")
    # The US changes clocks three weeks before the UK: the gap is 4 hours in between.
    assert shown == {
        date(2025, 3, 7): "14:00",
        date(2025, 3, 10): "13:00",
        date(2025, 3, 31): "14:00",
    }


def test_past_and_booked_slots_are_excluded() -> None:
    clinic = every_day(LONDON, "09:00", "11:00")
    booked = appointment("a1", "doc-1", "p1", utc(2025, 1, 6, 10, 0), booked_at=EARLIER)
    cancelled = appointment("a2", "doc-1", "p2", utc(2025, 1, 6, 10, 30), booked_at=EARLIER)
    cancelled.cancel(EARLIER)
    slots = bookable_slots(
        clinic,
        utc(2025, 1, 6),
        utc(2025, 1, 7),
        now=utc(2025, 1, 6, 9, 15),
        booked=[booked, cancelled],
    )
    assert [s.start.strftime("%H:%M") for s in slots] == ["09:30", "10:30"]


def test_slots_are_listed_up_to_the_booking_horizon() -> None:
    clinic = every_day(LONDON, "09:00", "11:00")
    now = utc(2025, 1, 6, 9, 45) - BOOKING_HORIZON  # 09:45 a year before that day
    slots = bookable_slots(clinic, utc(2025, 1, 5), utc(2025, 1, 8), now=now)
    assert slots[-1].start == utc(2025, 1, 6, 9, 30)  # 10:00 is past the horizon
    assert bookable_slots(clinic, utc(2025, 2, 1), utc(2025, 2, 2), now=now) == []


def test_day_off_and_extra_hours() -> None:
    clinic = Availability(
        "doc-1",
        LONDON,
        (WeeklyRule(0, hours("09:00", "10:00")),),
        days_off=frozenset({date(2025, 1, 6)}),
        extra=(ExtraHours(date(2025, 1, 11), hours("14:00", "15:00", 20)),),
    )
    slots = bookable_slots(clinic, utc(2025, 1, 6), utc(2025, 1, 14), now=EARLIER)
    assert [s.start for s in slots] == [
        utc(2025, 1, 11, 14, 0),
        utc(2025, 1, 11, 14, 20),
        utc(2025, 1, 11, 14, 40),
        utc(2025, 1, 13, 9, 0),
        utc(2025, 1, 13, 9, 30),
    ]


def test_consultation_type_filter_and_merging_of_overlapping_rules() -> None:
    video = frozenset({ConsultationType.VIDEO})
    clinic_only = frozenset({ConsultationType.IN_PERSON})
    clinic = Availability(
        "doc-1",
        LONDON,
        (
            WeeklyRule(0, hours("09:00", "10:00", types=clinic_only)),
            WeeklyRule(0, hours("09:30", "11:00", types=video)),
        ),
    )
    day = (utc(2025, 1, 6), utc(2025, 1, 7))
    everything = bookable_slots(clinic, *day, now=EARLIER)
    assert [(s.start.hour, s.start.minute, len(s.consultation_types)) for s in everything] == [
        (9, 0, 1),
        (9, 30, 2),
        (10, 0, 1),
        (10, 30, 1),
    ]
    in_person = bookable_slots(
        clinic, *day, now=EARLIER, consultation_type=ConsultationType.IN_PERSON
    )
    assert [s.start.strftime("%H:%M") for s in in_person] == ["09:00", "09:30"]


def test_hours_offering_fewer_types_keep_the_shared_ones_and_drop_empty_windows() -> None:
    video, in_person = frozenset({ConsultationType.VIDEO}), frozenset({ConsultationType.IN_PERSON})
    clinic = Availability(
        "doc-1",
        LONDON,
        (WeeklyRule(0, hours("09:00", "12:00")), WeeklyRule(0, hours("13:00", "15:00", 30, video))),
        extra=(ExtraHours(date(2025, 1, 11), hours("09:00", "10:00", 30, video)),),
    )
    limited = clinic.offering(in_person)
    assert limited.weekly == (WeeklyRule(0, hours("09:00", "12:00", 30, in_person)),)
    assert limited.extra == () and limited.time_zone == LONDON
    assert clinic.offering(frozenset(ConsultationType)) == clinic


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(InvalidAvailability):
        Availability("doc-1", "Mars/Olympus_Mons")
    with pytest.raises(InvalidAvailability):
        hours("10:00", "09:00")
    with pytest.raises(ValidationFailed):
        bookable_slots(
            every_day(LONDON, "09:00", "10:00"), datetime(2025, 1, 1), utc(2025, 1, 2), now=EARLIER
        )
    with pytest.raises(ValidationFailed):
        bookable_slots(
            every_day(LONDON, "09:00", "10:00"), utc(2025, 1, 1), utc(2025, 6, 1), now=EARLIER
        )


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    tz=st.sampled_from(
        [
            LONDON,
            NEW_YORK,
            "America/Chicago",
            "America/Los_Angeles",
            "Europe/Berlin",
            "Australia/Lord_Howe",
        ]
    ),
    start_hour=st.integers(min_value=0, max_value=20),
    length=st.sampled_from([15, 20, 30, 45, 60]),
)
def test_slots_never_overlap_and_last_exactly_their_length(
    day: date, tz: str, start_hour: int, length: int
) -> None:
    clinic = every_day(tz, f"{start_hour:02d}:00", f"{start_hour + 3:02d}:00", length)
    starts = day_slots(clinic, day)
    assert starts, "a three-hour window always has a slot"
    assert all(b - a >= timedelta(minutes=length) for a, b in pairwise(starts))
    window = (
        local_instant(day, time(start_hour), ZoneInfo(tz)),
        local_instant(day, time(start_hour + 3), ZoneInfo(tz)),
    )
    assert all(window[0] <= s and s + timedelta(minutes=length) <= window[1] for s in starts)
