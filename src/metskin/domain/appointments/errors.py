"""Appointment domain errors, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, DomainError, NotFound, ValidationFailed


class SlotUnavailable(DomainError, code="SLOT_UNAVAILABLE"): ...


class ConsultationTypeNotOffered(ValidationFailed, code="CONSULTATION_TYPE_NOT_OFFERED"): ...


class TooLateToCancel(DomainError, code="TOO_LATE_TO_CANCEL"): ...


class AppointmentNotFound(NotFound): ...


class NotActive(Conflict):
    """The appointment is already cancelled or completed."""


class InvalidAvailability(ValidationFailed): ...
