"""Ports of the directory: the dermatologists' profiles, and the directory's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.appointments.model import Appointment, Availability
    from metskin.domain.directory.geo import DirectoryQuery
    from metskin.domain.directory.model import Dermatologist, DirectoryEntry, DirectoryKey


class DermatologistRepository(Protocol):
    def upsert(self, profile: Dermatologist, now: datetime) -> None: ...
    def get(self, doctor_id: str) -> Dermatologist | None: ...
    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]: ...

    def listed(
        self,
        query: DirectoryQuery,
        after: DirectoryKey | None,
        limit: int | None,
        bios: bool = True,
    ) -> list[DirectoryEntry]:
        """The cards that pass every filter of `query` (specialty and language as stored:
        trimmed, lower case) and lie within its radius: nearest first with their distance
        (by id without a location), strictly after the key `after`, at most `limit` (None:
        all). With `bios=False` the cards may leave their bio out ('' and no translations),
        for a caller that does not show it: the bios are most of a card's bytes."""
        ...

    def availabilities(self, doctor_ids: Sequence[str]) -> dict[str, Availability]:
        """The working hours of these dermatologists, by id."""
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
