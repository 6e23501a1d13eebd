"""Read the directory's JSON (the packaged demo directory, admin edits) into domain objects."""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from metskin.domain.appointments.errors import InvalidAvailability
from metskin.domain.appointments.model import (
    Availability,
    ConsultationType,
    ExtraHours,
    Hours,
    WeeklyRule,
)
from metskin.domain.directory.geo import GeoPoint
from metskin.domain.directory.model import Dermatologist, Fee, Practice
from metskin.domain.i18n.marks import _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def load_dermatologists(path: Path | None = None) -> list[Dermatologist]:
    """Parse the directory file (the packaged demo data by default)."""
    if path is None:
        text = resources.files("metskin").joinpath("data/dermatologists.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return [parse_dermatologist(row) for row in json.loads(text)["dermatologists"]]


def parse_dermatologist(row: dict[str, Any]) -> Dermatologist:
    practice = row["practice"]
    return Dermatologist(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        specialties=frozenset(s.lower() for s in row["specialties"]),
        languages=frozenset(lang.lower() for lang in row["languages"]),
        practice=Practice(
            practice["name"],
            practice["address"],
            practice["city"],
            practice["country"],
            GeoPoint(practice["lat"], practice["lon"]),
            practice.get("phone"),
        ),
        time_zone=row["time_zone"],
        consultation_types=_types(row["consultation_types"]),
        fee=Fee(Decimal(row["fee"]["amount"]), row["fee"]["currency"]),
        bio=row["bio"],
        bio_translations=dict(row.get("bio_translations", {})),
        availability=parse_availability(row["id"], row),
    )


def parse_availability(doctor_id: str, row: dict[str, Any]) -> Availability:
    weekly = tuple(
        WeeklyRule(_weekday(rule["weekday"]), _hours(rule))
        for rule in row.get("weekly_availability", [])
    )
    days_off = frozenset(date.fromisoformat(day) for day in row.get("days_off", []))
    extra = tuple(
        ExtraHours(date.fromisoformat(e["date"]), _hours(e)) for e in row.get("extra_hours", [])
    )
    return Availability(doctor_id, row["time_zone"], weekly, days_off, extra)


def _hours(rule: dict[str, Any]) -> Hours:
    return Hours(
        time.fromisoformat(rule["start"]),
        time.fromisoformat(rule["end"]),
        int(rule["slot_minutes"]),
        _types(rule["consultation_types"]),
    )


def _weekday(name: str) -> int:
    if name not in WEEKDAYS:
        raise InvalidAvailability.translatable(
            _("unknown weekday {name}"), "weekday", name=repr(name)
        )
    return WEEKDAYS.index(name)


def _types(names: list[str]) -> frozenset[ConsultationType]:
    return frozenset(ConsultationType(name) for name in names)


def availability_to_dict(availability: Availability) -> dict[str, Any]:
    """The stored form of availability: the same shape `parse_availability` reads."""
    return {
        "time_zone": availability.time_zone,
        "weekly_availability": [
            {"weekday": WEEKDAYS[rule.weekday], **_hours_dict(rule.hours)}
            for rule in availability.weekly
        ],
        "days_off": sorted(day.isoformat() for day in availability.days_off),
        "extra_hours": [
            {"date": extra.day.isoformat(), **_hours_dict(extra.hours)}
            for extra in availability.extra
        ],
    }


def _hours_dict(hours: Hours) -> dict[str, Any]:
    return {
        "start": hours.start.strftime("%H:%M"),
        "end": hours.end.strftime("%H:%M"),
        "slot_minutes": hours.slot_minutes,
        "consultation_types": sorted(t.value for t in hours.consultation_types),
    }
