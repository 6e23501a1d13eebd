"""The dermatologist as the directory lists them (a card: practice, languages, fees), and as
stored (the card with a contact email and working hours)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    phone: str | None = None  # E.164 (`checked_phone`); None: not known


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class DirectoryCard:
    """What a search result shows: read without the working hours or the contact email."""

    id: str
    name: str
    specialties: frozenset[str]
    languages: frozenset[str]
    practice: Practice
    time_zone: str
    consultation_types: frozenset[ConsultationType]
    fee: Fee
    bio: str  # English ('' on a card listed without its bio: `listed(..., bios=False)`)
    bio_translations: Mapping[str, str] = field(default_factory=dict, hash=False)

    def bio_in(self, language: str) -> str:
        """The bio in `language` where there is one, else in English."""
        return self.bio_translations.get(language) or self.bio


@dataclass(frozen=True, kw_only=True)
class Dermatologist(DirectoryCard):
    email: str
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


DirectoryKey = tuple[float, str]  # (distance or 0, dermatologist id)


@dataclass(frozen=True)
class DirectoryEntry:
    doctor: DirectoryCard
    distance_km: float | None

    @property
    def key(self) -> DirectoryKey:
        return (self.distance_km or 0.0, self.doctor.id)


def with_translations_kept(packaged: Dermatologist, stored: Dermatologist | None) -> Dermatologist:
    """The packaged profile carrying the stored bio translations: an editor's text (or any
    stored one) wins, the packaged translation fills the languages the database lacks."""
    if stored is None:
        return packaged
    kept = {language: text for language, text in stored.bio_translations.items() if text}
    return replace(packaged, bio_translations={**packaged.bio_translations, **kept})
