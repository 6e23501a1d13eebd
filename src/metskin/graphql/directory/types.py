"""GraphQL types for the dermatologist directory: dermatologists, their practice and fees."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.phone_number import international_phone
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
    phone: str | None = strawberry.field(
        default=None,
        description="The number patients call, in E.164 (+442079460123); null when unknown.",
    )
    phone_international: str | None = strawberry.field(
        default=None,
        description="`phone` grouped as people read it, with its country code, to show "
        "(+44 20 7946 0123, +1 212-555-0123); dial `phone`. Null when unknown.",
    )


@strawberry.type
class Fee:
    amount: str = strawberry.field(description="Decimal amount, as text.")
    currency: str


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
        description="In the request's language where written in it, else English."
    )
    bio_locale: str = strawberry.field(description="The language `bio` is in (en, fr, de).")
    distance_km: float | None = strawberry.field(
        default=None, description="From the `near` point of the search, when given."
    )
    card: strawberry.Private[DirectoryCard]
    info: strawberry.Private[Info]  # the request's, for its language

    @classmethod
    def from_domain(
        cls, doctor: DirectoryCard, info: Info, distance_km: float | None = None
    ) -> Dermatologist:
        """The fields a search's card shows mapped now; the others (time zone, consultation
        types, fee, the bio in the request's language) on their first read (`__getattr__`), as
        few queries select them. Set straight into the instance: the dataclass' own `__init__`
        would need them all."""
        made = cls.__new__(cls)
        made.__dict__.update(
            id=doctor.id,
            name=doctor.name,
            specialties=sorted(doctor.specialties),
            languages=sorted(doctor.languages),
            practice=_practice(doctor.practice),
            distance_km=round(distance_km, 3) if distance_km is not None else None,
            card=doctor,
            info=info,
        )
        return made

    def __getattr__(self, name: str) -> Any:
        """A field `from_domain` left to its first read: mapped, then kept."""
        mapping = _MAPPED_ON_READ.get(name)
        if mapping is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__[name] = mapping(self)
        return value


@functools.lru_cache(maxsize=1024)
def _practice(place: DomainPractice) -> Practice:
    """The practice's fields by name, as `copy_fields` maps them, the location as lat and lon
    (copy_fields' general lookup would cost three times this), the phone also grouped for
    display. Made once per practice (the store gives the same few on every search) and
    shared: nothing changes an output object."""
    fields = dict(vars(place))
    location = fields.pop("location")
    shown = international_phone(place.phone)
    return Practice(**fields, lat=location.lat, lon=location.lon, phone_international=shown)


def _bio_locale(made: Dermatologist) -> str:
    language = made.request_language
    return language if made.card.bio_translations.get(language) else "en"


_MAPPED_ON_READ: dict[str, Callable[[Dermatologist], Any]] = {
    "time_zone": lambda made: made.card.time_zone,
    "consultation_types": lambda made: sorted(made.card.consultation_types, key=consultation_order),
    "fee": lambda made: Fee(amount=str(made.card.fee.amount), currency=made.card.fee.currency),
    "request_language": lambda made: request_language(made.info),  # once per dermatologist
    "bio": lambda made: made.card.bio_in(made.request_language),
    "bio_locale": _bio_locale,
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
    return Dermatologist.from_domain(doctor, info) if doctor else None


class KeepsDoctor(Protocol):
    doctor_id: str


async def dermatologist_of(root: KeepsDoctor, info: Info) -> Dermatologist | None:
    """The `dermatologist` field of any type that keeps a private `doctor_id`."""
    return await load_dermatologist(info, root.doctor_id)
