"""In-memory fakes of the directory's ports, and a builder of dermatologist profiles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal

from metskin.domain.appointments.model import (
    ALL_TYPES,
    Availability,
    ConsultationType,
    Hours,
    WeeklyRule,
)
from metskin.domain.directory.geo import DirectoryQuery, GeoPoint, search
from metskin.domain.directory.model import (
    Dermatologist,
    DirectoryEntry,
    DirectoryKey,
    Fee,
    Practice,
)
from metskin.domain.directory.ports import BookedTimes, DermatologistRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository

WEEKDAYS_9_TO_17 = tuple(WeeklyRule(day, Hours(time(9), time(17), 30)) for day in range(5))


def dermatologist(
    doctor_id: str = "doc-1",
    *,
    at: GeoPoint = GeoPoint(51.5074, -0.1278),
    specialties: Iterable[str] = ("medical",),
    languages: Iterable[str] = ("en",),
    time_zone: str = "Europe/London",
    weekly: tuple[WeeklyRule, ...] = WEEKDAYS_9_TO_17,
    consultation_types: frozenset[ConsultationType] = ALL_TYPES,
    name: str | None = None,
    phone: str | None = None,
) -> Dermatologist:
    """A practice profile for tests: by default in London, weekdays 9-17 in 30-minute slots."""
    return Dermatologist(
        id=doctor_id,
        name=name or f"Dr {doctor_id}",
        email=f"{doctor_id}@clinic.test",
        specialties=frozenset(specialties),
        languages=frozenset(languages),
        practice=Practice(f"{doctor_id} clinic", "1 High Street", "London", "GB", at, phone),
        time_zone=time_zone,
        consultation_types=consultation_types,
        fee=Fee(Decimal("120.00"), "GBP"),
        bio="",
        availability=Availability(doctor_id, time_zone, weekly),
    )


class FakeDermatologistRepository(InMemoryRepository):
    """Profiles by id; `listed` is the domain's in-memory search over them."""

    def __init__(self, *profiles: Dermatologist) -> None:
        self.rows: dict[str, Dermatologist] = {p.id: p for p in profiles}
        self.updated_at: dict[str, datetime] = {}

    def upsert(self, profile: Dermatologist, now: datetime) -> None:
        self.rows[profile.id] = profile
        self.updated_at[profile.id] = now

    def get(self, doctor_id: str) -> Dermatologist | None:
        return self.rows.get(doctor_id)

    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]:
        return [self.rows[i] for i in dict.fromkeys(doctor_ids) if i in self.rows]

    def listed(
        self,
        query: DirectoryQuery,
        after: DirectoryKey | None,
        limit: int | None,
        bios: bool = True,
    ) -> list[DirectoryEntry]:
        """The cards keep their bios whatever `bios` says (the port allows either)."""
        hits = search([d.listing for d in self.rows.values()], query)
        entries = [DirectoryEntry(self.rows[h.listing.doctor_id], h.distance_km) for h in hits]
        entries = [e for e in entries if after is None or e.key > after]
        return entries if limit is None else entries[:limit]

    def availabilities(self, doctor_ids: Sequence[str]) -> dict[str, Availability]:
        return {i: self.rows[i].availability for i in doctor_ids if i in self.rows}


class FakeDirectoryUnitOfWork(FakeUnitOfWork):
    """The profiles, and the appointments' store for the bookings that fill calendars."""

    def __init__(
        self,
        dermatologists: FakeDermatologistRepository | None = None,
        appointment_queries: BookedTimes | None = None,
    ) -> None:
        super().__init__()
        if appointment_queries is None:
            # Imported here: the appointments' fakes use the directory's (no import cycle).
            from tests.fakes.appointments import FakeAppointmentRepository

            appointment_queries = FakeAppointmentRepository()
        self.dermatologists: DermatologistRepository = (
            dermatologists or FakeDermatologistRepository()
        )
        self.appointment_queries: BookedTimes = appointment_queries
