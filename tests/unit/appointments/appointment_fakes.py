"""In-memory fakes for the appointment ports."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

from metskin.domain.appointments.model import Appointment, Availability


class FakeAppointments:
    def __init__(self) -> None:
        self.rows: dict[str, Appointment] = {}

    def add(self, appointment: Appointment) -> None:
        self.rows[appointment.id] = appointment

    def get(self, appointment_id: str, *, for_update: bool = False) -> Appointment | None:
        return self.rows.get(appointment_id)

    def save(self, appointment: Appointment) -> None:
        self.rows[appointment.id] = appointment

    def active_for_doctor(self, doctor_id: str, start: datetime,
                          end: datetime) -> Sequence[Appointment]:
        return [a for a in self.rows.values()
                if a.doctor_id == doctor_id and a.is_active and a.start < end and start < a.end]


class FakeAvailability:
    def __init__(self, *items: Availability) -> None:
        self.items = {a.doctor_id: a for a in items}

    def get(self, doctor_id: str) -> Availability | None:
        return self.items.get(doctor_id)


class FakeUnitOfWork:
    """Keeps a committed copy of the rows; leaving without commit restores it (a rollback)."""

    def __init__(self, *availability: Availability) -> None:
        self.appointments = FakeAppointments()
        self.availability = FakeAvailability(*availability)
        self.commits = 0
        self._committed: dict[str, Appointment] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        self.commits += 1
        self._committed = copy.deepcopy(self.appointments.rows)

    def rollback(self) -> None:
        self.appointments.rows = copy.deepcopy(self._committed)
