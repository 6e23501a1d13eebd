"""GraphQL types and inputs for a dermatologist's working hours: weekly hours, days off, extras."""

from __future__ import annotations

from datetime import date, time
from enum import Enum

import strawberry

from metskin.domain.appointments.model import Availability as DomainAvailability
from metskin.domain.appointments.model import ConsultationType as DomainConsultationType
from metskin.domain.appointments.model import ExtraHours as DomainExtraHours
from metskin.domain.appointments.model import Hours as DomainHours
from metskin.domain.appointments.model import WeeklyRule
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.graphql.appointments.types import Appointment
from metskin.graphql.directory.types import ConsultationType
from metskin.graphql.mapping import copy_fields

MAX_WINDOWS = 400  # weekly hours + extra days in one request
MAX_DAYS_OFF = 400


@strawberry.enum(description="Monday first, as in ISO 8601.")
class Weekday(Enum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@strawberry.type
class HoursWindow:
    start: time
    end: time
    slot_minutes: int
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]


@strawberry.type(description="Hours on a weekday, in the practice's time zone.")
class WeeklyHours(HoursWindow):
    weekday: Weekday


@strawberry.type(description="Hours on one date on top of (or instead of) the weekly ones.")
class ExtraHours(HoursWindow):
    date: date


@strawberry.type
class WorkingHours:
    time_zone: str
    weekly: list[WeeklyHours]
    days_off: list[date]
    extra_hours: list[ExtraHours]

    @classmethod
    def from_domain(cls, availability: DomainAvailability) -> WorkingHours:
        weekly = sorted(availability.weekly, key=lambda r: (r.weekday, r.hours.start))
        extra = sorted(availability.extra, key=lambda e: (e.day, e.hours.start))
        return cls(
            time_zone=availability.time_zone,
            weekly=[
                copy_fields(
                    WeeklyHours,
                    r.hours,
                    weekday=Weekday(r.weekday),
                    consultation_types=_types(r.hours),
                )
                for r in weekly
            ],
            days_off=sorted(availability.days_off),
            extra_hours=[
                copy_fields(ExtraHours, e.hours, date=e.day, consultation_types=_types(e.hours))
                for e in extra
            ],
        )


def _types(hours: DomainHours) -> list[DomainConsultationType]:
    return sorted(hours.consultation_types, key=lambda t: t.value)


@strawberry.input
class HoursWindowInput:
    start: time
    end: time
    slot_minutes: int = 30
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]


@strawberry.input
class WeeklyHoursInput(HoursWindowInput):
    weekday: Weekday


@strawberry.input
class ExtraHoursInput(HoursWindowInput):
    date: date


@strawberry.input(description="The whole pattern; it replaces the previous one.")
class WorkingHoursInput:
    time_zone: str
    weekly: list[WeeklyHoursInput]
    days_off: list[date] = strawberry.field(default_factory=list)
    extra_hours: list[ExtraHoursInput] = strawberry.field(default_factory=list)

    def to_domain(self, doctor_id: str) -> DomainAvailability:
        if len(self.weekly) + len(self.extra_hours) > MAX_WINDOWS:
            windows = _("At most {most} working-hour windows.")
            raise ValidationFailed.translatable(windows, "weekly", most=MAX_WINDOWS)
        if len(self.days_off) > MAX_DAYS_OFF:
            days_off = _("At most {most} days off.")
            raise ValidationFailed.translatable(days_off, "daysOff", most=MAX_DAYS_OFF)
        return DomainAvailability(
            doctor_id,
            self.time_zone.strip(),
            tuple(
                WeeklyRule(w.weekday.value, _hours(w, f"weekly.{i}"))
                for i, w in enumerate(self.weekly)
            ),
            frozenset(self.days_off),
            tuple(
                DomainExtraHours(e.date, _hours(e, f"extraHours.{i}"))
                for i, e in enumerate(self.extra_hours)
            ),
        )


def _hours(window: HoursWindowInput, where: str) -> DomainHours:
    """One window; an error names the row, e.g. `weekly.2`."""
    if window.start.tzinfo is not None or window.end.tzinfo is not None:
        raise ValidationFailed(
            _("Give local times without an offset; the time zone applies."), field=f"{where}.start"
        )
    try:
        return DomainHours(
            window.start.replace(second=0, microsecond=0),
            window.end.replace(second=0, microsecond=0),
            window.slot_minutes,
            frozenset(window.consultation_types),
        )
    except ValidationFailed as error:  # the same words (and their translation), of the row
        raise ValidationFailed(
            error.message, field=where, template=error.template, values=error.values
        ) from error


@strawberry.type
class WorkingHoursUpdate:
    working_hours: WorkingHours
    outside_hours: list[Appointment] = strawberry.field(
        description="Booked appointments that the new hours no longer cover. They stay booked."
    )
