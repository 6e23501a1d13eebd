"""Appointment domain errors, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from metskin.domain.i18n.marks import _

# Said by the use case and by the store that finds the time taken at the same moment.
SLOT_TAKEN = _("Someone has just booked this time. Pick another slot.")


class SlotUnavailable(DomainError, code="SLOT_UNAVAILABLE"): ...


class ConsultationTypeNotOffered(ValidationFailed, code="CONSULTATION_TYPE_NOT_OFFERED"): ...


class TooLateToCancel(DomainError, code="TOO_LATE_TO_CANCEL"): ...


class TooManyAppointments(DomainError, code="TOO_MANY_APPOINTMENTS"):
    """The patient holds as many upcoming appointments as one person may (`check_upcoming`)."""


class AppointmentNotFound(NotFound): ...


class NotActive(Conflict):
    """The appointment is already cancelled or completed."""


class InvalidAvailability(ValidationFailed): ...
