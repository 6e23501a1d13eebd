"""Ports of the directory: the dermatologists' profiles, and the directory's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.appointments.model import Appointment
    from metskin.domain.directory.geo import BoundingBox
    from metskin.domain.directory.model import Dermatologist


class DermatologistRepository(Protocol):
    def upsert(self, profile: Dermatologist, now: datetime) -> None: ...
    def get(self, doctor_id: str) -> Dermatologist | None: ...
    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]: ...

    def candidates(
        self, box: BoundingBox | None, specialty: str | None, language: str | None
    ) -> list[Dermatologist]:
        """Profiles inside the box (all when None) with the specialty and language."""
        ...


class BookedTimes(Protocol):
    """The bookings that fill the listed calendars (the appointments' store answers it)."""

    def active_for_doctors(
        self, doctor_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Appointment]: ...


class DirectoryUnitOfWork(UnitOfWork, Protocol):
    """The directory search reads profiles and the bookings that fill their calendars."""

    dermatologists: DermatologistRepository

    @property
    def appointment_queries(self) -> BookedTimes:
        """Read-only: any store of appointments that answers `active_for_doctors`."""
        ...


DirectoryUowFactory = Callable[[], DirectoryUnitOfWork]
