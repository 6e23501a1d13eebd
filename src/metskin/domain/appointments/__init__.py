"""The appointments component: availability, bookable slots, booking and the directory."""

from metskin.domain.appointments.errors import SlotUnavailable, TooLateToCancel
from metskin.domain.appointments.model import (
    Appointment,
    AppointmentStatus,
    Availability,
    CancellationPolicy,
    ConsultationType,
    ExtraHours,
    Hours,
    LocalSlot,
    Slot,
    WeeklyRule,
)
from metskin.domain.appointments.slots import bookable_slots, find_slot, in_time_zone

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "Availability",
    "CancellationPolicy",
    "ConsultationType",
    "ExtraHours",
    "Hours",
    "LocalSlot",
    "Slot",
    "SlotUnavailable",
    "TooLateToCancel",
    "WeeklyRule",
    "bookable_slots",
    "find_slot",
    "in_time_zone",
]
