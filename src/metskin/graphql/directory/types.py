"""GraphQL types for the dermatologist directory: dermatologists, their practice and fees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any, Protocol

import strawberry
from strawberry.types import Info

from metskin.domain.appointments.model import ConsultationType as DomainConsultationType
from metskin.domain.directory.geo import GeoPoint
from metskin.domain.directory.model import DirectoryCard
from metskin.domain.directory.model import Practice as DomainPractice
from metskin.domain.directory.service import DirectoryFilter
from metskin.graphql.i18n import request_language

ConsultationType = strawberry.enum(DomainConsultationType, name="ConsultationType")


def consultation_order(kind: DomainConsultationType) -> str:
    return kind.value


@strawberry.type
class Practice:
    name: str
    address: str
    city: str
    country: str
    lat: float
    lon: float


@strawberry.type
class Fee:
    amount: str = strawberry.field(description="Decimal amount, as text.")
    currency: str


def _bio(root: Dermatologist, info: Info) -> str:
    return root.card.bio_in(request_language(info))


def _bio_locale(root: Dermatologist, info: Info) -> str:
    language = request_language(info)
    return language if root.card.bio_translations.get(language) else "en"


@strawberry.type(description="A dermatologist and their practice.")
class Dermatologist:
    id: strawberry.ID
    name: str
    specialties: list[str]
    languages: list[str]
    practice: Practice
    time_zone: str
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]
    fee: Fee
    bio: str = strawberry.field(
        resolver=_bio, description="In the request's language where written in it, else English."
    )
    bio_locale: str = strawberry.field(
        resolver=_bio_locale, description="The language `bio` is in (en, fr, de)."
    )
    distance_km: float | None = strawberry.field(
        default=None, description="From the `near` point of the search, when given."
    )
    card: strawberry.Private[DirectoryCard]

    @classmethod
    def from_domain(cls, doctor: DirectoryCard, distance_km: float | None = None) -> Dermatologist:
        """The fields a search's card shows mapped now; the time zone, consultation types and
        fee from the card on their first read (`__getattr__`), as few queries select them.
        Set straight into the instance: the dataclass' own `__init__` would need them all."""
        made = cls.__new__(cls)
        made.__dict__.update(
            id=doctor.id,
            name=doctor.name,
            specialties=sorted(doctor.specialties),
            languages=sorted(doctor.languages),
            practice=_practice(doctor.practice),
            distance_km=round(distance_km, 3) if distance_km is not None else None,
            card=doctor,
        )
        return made

    def __getattr__(self, name: str) -> Any:
        """A field `from_domain` left to its first read: mapped from the card, then kept."""
        mapping = _MAPPED_ON_READ.get(name)
        if mapping is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__[name] = mapping(self.__dict__["card"])
        return value


def _practice(place: DomainPractice) -> Practice:
    """The practice's fields by name, as `copy_fields` maps them, the location as lat and lon
    (copy_fields' general lookup would cost three times this)."""
    fields = dict(vars(place))
    location = fields.pop("location")
    return Practice(**fields, lat=location.lat, lon=location.lon)


_MAPPED_ON_READ: dict[str, Callable[[DirectoryCard], Any]] = {
    "time_zone": attrgetter("time_zone"),
    "consultation_types": lambda doctor: sorted(doctor.consultation_types, key=consultation_order),
    "fee": lambda doctor: Fee(amount=str(doctor.fee.amount), currency=doctor.fee.currency),
}


@strawberry.input
class NearInput:
    lat: float
    lon: float
    radius_km: float | None = None


@strawberry.input
class DermatologistFilter:
    specialty: str | None = None
    language: str | None = None
    near: NearInput | None = None
    consultation_type: ConsultationType | None = None  # type: ignore[valid-type]
    available_from: datetime | None = None
    available_to: datetime | None = None

    def to_domain(self) -> DirectoryFilter:
        near = GeoPoint(self.near.lat, self.near.lon) if self.near else None
        return DirectoryFilter(
            specialty=self.specialty,
            language=self.language,
            near=near,
            radius_km=self.near.radius_km if self.near else None,
            consultation_type=self.consultation_type,
            available_from=self.available_from,
            available_to=self.available_to,
        )


async def load_dermatologist(info: Info, doctor_id: str) -> Dermatologist | None:
    doctor = await info.context.dermatologist_loader.load(doctor_id)
    return Dermatologist.from_domain(doctor) if doctor else None


class KeepsDoctor(Protocol):
    doctor_id: str


async def dermatologist_of(root: KeepsDoctor, info: Info) -> Dermatologist | None:
    """The `dermatologist` field of any type that keeps a private `doctor_id`."""
    return await load_dermatologist(info, root.doctor_id)
