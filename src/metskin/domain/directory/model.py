"""The dermatologist as the directory lists them: practice, languages, fees, working hours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metskin.domain.appointments.model import Availability, ConsultationType
from metskin.domain.directory.geo import GeoPoint, Listing


@dataclass(frozen=True)
class Practice:
    name: str
    address: str
    city: str
    country: str
    location: GeoPoint


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Dermatologist:
    id: str
    name: str
    email: str
    specialties: frozenset[str]
    languages: frozenset[str]
    practice: Practice
    time_zone: str
    consultation_types: frozenset[ConsultationType]
    fee: Fee
    bio: str
    availability: Availability

    @property
    def listing(self) -> Listing:
        return Listing(
            self.id,
            self.practice.location,
            self.specialties,
            self.languages,
            self.consultation_types,
        )
