"""What the appointment services need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from metskin.domain.appointments.model import Appointment, Availability


class AppointmentRepository(Protocol):
    def add(self, appointment: Appointment) -> None: ...

    def get(self, appointment_id: str) -> Appointment | None:
        """Load one appointment, locking it for update where the store supports it."""
        ...

    def active_for_doctor(self, doctor_id: str, start: datetime,
                          end: datetime) -> Sequence[Appointment]:
        """BOOKED appointments of a doctor that overlap [start, end)."""
        ...


class AvailabilityRepository(Protocol):
    def get(self, doctor_id: str) -> Availability | None: ...


class AppointmentsUnitOfWork(Protocol):
    """One transaction. The store should also keep a unique (doctor, start) index on BOOKED
    rows, so two patients racing for one slot cannot both commit."""

    appointments: AppointmentRepository
    availability: AvailabilityRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
