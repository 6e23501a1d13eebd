"""Availability rules, slots and the Appointment entity. Instants are UTC-aware datetimes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metskin.domain.appointments.errors import (
    InvalidAvailability,
    NotActive,
    TooLateToCancel,
)
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import number


class ConsultationType(Enum):
    IN_PERSON = "in_person"
    VIDEO = "video"


class AppointmentStatus(Enum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"  # the dermatologist recorded the visit as seen
    NO_SHOW = "NO_SHOW"  # the dermatologist recorded that the patient did not attend


# A visit's outcome, as its dermatologist records it once it has begun (and may correct).
OUTCOMES = {True: AppointmentStatus.COMPLETED, False: AppointmentStatus.NO_SHOW}
# Why an appointment cannot change (NotActive): it is no longer booked, or already has the
# outcome recorded again.
NOT_ACTIVE = {
    AppointmentStatus.BOOKED: _("appointment is booked"),
    AppointmentStatus.CANCELLED: _("appointment is cancelled"),
    AppointmentStatus.COMPLETED: _("appointment is completed"),
    AppointmentStatus.NO_SHOW: _("appointment is recorded as not attended"),
}
ALREADY = {
    AppointmentStatus.BOOKED: _("appointment is booked already"),
    AppointmentStatus.CANCELLED: _("appointment is cancelled already"),
    AppointmentStatus.COMPLETED: _("appointment is completed already"),
    AppointmentStatus.NO_SHOW: _("appointment is recorded as not attended already"),
}


ALL_TYPES = frozenset(ConsultationType)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Hours:
    """Working hours on one local day, cut into slots of `slot_minutes`."""

    start: time
    end: time
    slot_minutes: int = 30
    consultation_types: frozenset[ConsultationType] = ALL_TYPES

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidAvailability.translatable(_("Hours must end after they start."))
        if not 5 <= self.slot_minutes <= 240:
            length = _("A slot lasts {least} to {most} minutes.")
            raise InvalidAvailability.translatable(length, least=5, most=240)
        if not self.consultation_types:
            types = _("Hours need at least one consultation type: in person or video.")
            raise InvalidAvailability.translatable(types)


@dataclass(frozen=True)
class WeeklyRule:
    weekday: int  # Monday is 0, as in date.weekday()
    hours: Hours

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidAvailability(_("weekday must be 0 (Monday) to 6 (Sunday)"))


@dataclass(frozen=True)
class ExtraHours:
    day: date
    hours: Hours


@dataclass(frozen=True)
class Availability:
    """One dermatologist's working pattern in their own time zone."""

    doctor_id: str
    time_zone: str
    weekly: tuple[WeeklyRule, ...] = ()
    days_off: frozenset[date] = frozenset()
    extra: tuple[ExtraHours, ...] = ()

    def __post_init__(self) -> None:
        zone(self.time_zone)
        for weekday in range(7):
            _no_overlap(
                [r.hours for r in self.weekly if r.weekday == weekday], WEEKDAY_NAMES[weekday]
            )
        for day in {e.day for e in self.extra}:
            _no_overlap(self.hours_on(day), day.isoformat())

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)

    def hours_on(self, day: date) -> list[Hours]:
        """Working hours on a local date: the weekly rules unless the day is off, plus extras."""
        weekly = (
            []
            if day in self.days_off
            else [rule.hours for rule in self.weekly if rule.weekday == day.weekday()]
        )
        return weekly + [e.hours for e in self.extra if e.day == day]

    def offering(self, types: frozenset[ConsultationType]) -> Availability:
        """These hours limited to `types`: each window keeps the types it shares with them, and
        a window left with none goes (the stored hours stay as the dermatologist set them)."""

        def keep(hours: Hours) -> Hours:
            return replace(hours, consultation_types=hours.consultation_types & types)

        return replace(
            self,
            weekly=tuple(
                WeeklyRule(r.weekday, keep(r.hours))
                for r in self.weekly
                if r.hours.consultation_types & types
            ),
            extra=tuple(
                ExtraHours(e.day, keep(e.hours))
                for e in self.extra
                if e.hours.consultation_types & types
            ),
        )


@dataclass(frozen=True)
class PracticeHours:
    """A practice's working hours and the consultation types its profile offers. An
    administrator may drop a type from the profile while the hours still name it: patients
    can book only what both offer (`bookable`)."""

    availability: Availability
    offered: frozenset[ConsultationType]

    @property
    def bookable(self) -> Availability:
        return self.availability.offering(self.offered)


def _no_overlap(windows: list[Hours], label: str) -> None:
    """Overlapping windows of one day must share one slot grid (same length, aligned starts).

    Then two slots either start together or do not overlap at all, so a unique
    (dermatologist, slot start) index in the store is enough to stop double booking.
    """
    ordered = sorted(windows, key=lambda h: h.start)
    for index, before in enumerate(ordered):
        for after in ordered[index + 1 :]:
            if after.start >= before.end:
                break
            gap = _minutes(after.start) - _minutes(before.start)
            if after.slot_minutes != before.slot_minutes or gap % before.slot_minutes:
                raise InvalidAvailability.translatable(
                    _("overlapping working hours on {day} must use the same slot grid"),
                    "availability",
                    day=label,
                )


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        unknown = _("Unknown time zone: {value}.")
        raise InvalidAvailability.translatable(unknown, "timeZone", value=str(name)[:64]) from exc


def require_utc(moment: datetime, name: str) -> datetime:
    """Reject naive datetimes and normalise aware ones to UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        naive = _("{name} must be timezone-aware")
        raise ValidationFailed.translatable(naive, name, name=name)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    doctor_id: str
    start: datetime  # UTC
    end: datetime  # UTC
    consultation_types: frozenset[ConsultationType]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class LocalSlot:
    """A slot as a patient sees it in their own time zone."""

    slot: Slot
    start: datetime  # aware, in the patient's zone
    end: datetime
    time_zone: str


@dataclass(frozen=True)
class CancellationPolicy:
    min_notice: timedelta = timedelta(hours=2)

    def deadline(self, start: datetime) -> datetime:
        """The last moment an appointment starting at `start` can be cancelled or moved."""
        return start - self.min_notice

    def allows(self, start: datetime, now: datetime) -> bool:
        return now <= self.deadline(start)

    def check(self, start: datetime, now: datetime) -> None:
        """Raise TooLateToCancel when less than `min_notice` is left before `start`."""
        if not self.allows(start, now):
            hours = self.min_notice.total_seconds() / 3600
            raise TooLateToCancel.translatable(
                _("appointments cannot be changed less than {hours} hours before they start"),
                hours=number(hours, 6),
            )


DEFAULT_POLICY = CancellationPolicy()
MAX_REASON = 500


@dataclass
class Appointment:
    id: str
    doctor_id: str
    patient_id: str
    start: datetime  # UTC
    end: datetime  # UTC
    consultation_type: ConsultationType
    booked_at: datetime
    status: AppointmentStatus = AppointmentStatus.BOOKED
    cancelled_at: datetime | None = None
    history: list[tuple[datetime, datetime]] = field(default_factory=list)  # earlier times
    reason: str = ""  # why the patient books, shown to the dermatologist
    referral_id: str | None = None
    cancel_reason: str = ""

    def __post_init__(self) -> None:
        self.start = require_utc(self.start, "start")
        self.end = require_utc(self.end, "end")
        self.booked_at = require_utc(self.booked_at, "booked_at")
        if self.end <= self.start:
            raise ValidationFailed(_("an appointment must end after it starts"), field="end")

    @property
    def is_active(self) -> bool:
        return self.status is AppointmentStatus.BOOKED

    @property
    def sequence(self) -> int:
        """The iCalendar SEQUENCE: 0 when booked, +1 per reschedule, +1 when cancelled."""
        return len(self.history) + (1 if self.status is AppointmentStatus.CANCELLED else 0)

    def cancel(
        self, now: datetime, policy: CancellationPolicy = DEFAULT_POLICY, reason: str = ""
    ) -> None:
        self.ensure_changeable(now, policy)
        self.status = AppointmentStatus.CANCELLED
        self.cancelled_at = require_utc(now, "now")
        self.cancel_reason = reason.strip()[:MAX_REASON]

    def move_to(
        self, slot: Slot, now: datetime, policy: CancellationPolicy = DEFAULT_POLICY
    ) -> None:
        """Reschedule to another slot of the same doctor; the slot must already be checked."""
        self.ensure_changeable(now, policy)
        if slot.doctor_id != self.doctor_id:
            raise ValidationFailed(
                _("a reschedule keeps the same dermatologist"), field="slotStart"
            )
        self.history.append((self.start, self.end))
        self.start, self.end = slot.start, slot.end

    def complete(self, now: datetime, attended: bool = True) -> None:
        """Record the visit's outcome once it has begun: seen (COMPLETED) or not attended
        (NO_SHOW). A recorded outcome may be corrected to the other one (a mis-click at the
        desk); a cancelled booking, or the outcome it already has, is NotActive."""
        outcome = OUTCOMES[attended]
        if self.status not in (AppointmentStatus.BOOKED, *OUTCOMES.values()):
            raise NotActive(self._not_active())
        if self.status is outcome:
            raise NotActive(self._not_active(already=True))
        if self.start > require_utc(now, "now"):
            raise ValidationFailed(
                _("Whether a visit took place can be recorded once it has begun.")
            )
        self.status = outcome

    def ensure_changeable(self, now: datetime, policy: CancellationPolicy = DEFAULT_POLICY) -> None:
        if not self.is_active:
            raise NotActive(self._not_active())
        policy.check(self.start, require_utc(now, "now"))

    def _not_active(self, *, already: bool = False) -> str:
        return (ALREADY if already else NOT_ACTIVE)[self.status]
