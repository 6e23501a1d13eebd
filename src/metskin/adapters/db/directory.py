"""The dermatologist directory in SQL: practice profiles, their tags and availability."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Numeric, bindparam, or_
from sqlalchemy import delete as sql_delete
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.appointments.model import Availability, ConsultationType
from metskin.domain.directory.geo import BoundingBox, GeoPoint
from metskin.domain.directory.loader import availability_to_dict, parse_availability
from metskin.domain.directory.model import Dermatologist, Fee, Practice


class DermatologistRow(SQLModel, table=True):
    __tablename__ = "dermatologist_profiles"
    __table_args__ = (Index("ix_dermatologist_profiles_lat_lon", "lat", "lon"), MYSQL_TABLE_ARGS)

    user_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE"
    )
    name: str = Field(max_length=120)
    contact_email: str = Field(max_length=254)
    practice_name: str = Field(max_length=120)
    address: str = Field(max_length=255)
    city: str = Field(max_length=80)
    country: str = Field(max_length=2)
    lat: float
    lon: float
    time_zone: str = Field(max_length=64)
    consultation_types: list[str] = Field(default_factory=list, sa_type=JSON)
    fee_amount: Decimal = Field(sa_type=Numeric(10, 2))
    fee_currency: str = Field(max_length=3)
    bio: str = Field(default="", max_length=2000)
    availability: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DermatologistTagRow(SQLModel, table=True):
    """Specialties and languages, one row each, so the directory filters by index."""

    __tablename__ = "dermatologist_tags"
    __table_args__ = (Index("ix_dermatologist_tags_kind_value", "kind", "value"), MYSQL_TABLE_ARGS)

    user_id: str = Field(
        primary_key=True,
        max_length=36,
        foreign_key="dermatologist_profiles.user_id",
        ondelete="CASCADE",
    )
    kind: str = Field(primary_key=True, max_length=12)  # specialty / language
    value: str = Field(primary_key=True, max_length=40)


SPECIALTY, LANGUAGE = "specialty", "language"


def dermatologist_to_domain(
    row: DermatologistRow, tags: Sequence[DermatologistTagRow]
) -> Dermatologist:
    return Dermatologist(
        id=row.user_id,
        name=row.name,
        email=row.contact_email,
        specialties=frozenset(t.value for t in tags if t.kind == SPECIALTY),
        languages=frozenset(t.value for t in tags if t.kind == LANGUAGE),
        practice=Practice(
            row.practice_name, row.address, row.city, row.country, GeoPoint(row.lat, row.lon)
        ),
        time_zone=row.time_zone,
        consultation_types=frozenset(ConsultationType(t) for t in row.consultation_types),
        fee=Fee(Decimal(row.fee_amount), row.fee_currency),
        bio=row.bio,
        availability=parse_availability(
            row.user_id, {"time_zone": row.time_zone, **row.availability}
        ),
    )


# Read on every booking: the statement is built once.
_DERMATOLOGISTS = core_table(DermatologistRow)
SELECT_AVAILABILITY = select(_DERMATOLOGISTS.c.time_zone, _DERMATOLOGISTS.c.availability).where(
    _DERMATOLOGISTS.c.user_id == bindparam("doctor_id")
)


class SqlDermatologistRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, profile: Dermatologist, now: datetime) -> None:
        stored = availability_to_dict(profile.availability)
        stored.pop("time_zone")
        values: dict[str, Any] = {
            "name": profile.name,
            "contact_email": profile.email,
            "practice_name": profile.practice.name,
            "address": profile.practice.address,
            "city": profile.practice.city,
            "country": profile.practice.country,
            "lat": profile.practice.location.lat,
            "lon": profile.practice.location.lon,
            "time_zone": profile.time_zone,
            "consultation_types": sorted(t.value for t in profile.consultation_types),
            "fee_amount": profile.fee.amount,
            "fee_currency": profile.fee.currency,
            "bio": profile.bio,
            "availability": stored,
            "updated_at": now,
        }
        row = self._session.get(DermatologistRow, profile.id)
        if row is None:
            row = DermatologistRow(user_id=profile.id, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        self._session.add(row)
        self._session.flush()
        self._session.execute(
            sql_delete(DermatologistTagRow).where(col(DermatologistTagRow.user_id) == profile.id)
        )
        self._session.add_all(
            [
                DermatologistTagRow(user_id=profile.id, kind=SPECIALTY, value=v)
                for v in sorted(profile.specialties)
            ]
            + [
                DermatologistTagRow(user_id=profile.id, kind=LANGUAGE, value=v)
                for v in sorted(profile.languages)
            ]
        )

    def get(self, doctor_id: str) -> Dermatologist | None:
        found = self.get_many([doctor_id])
        return found[0] if found else None

    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]:
        if not doctor_ids:
            return []
        rows = self._session.exec(
            select(DermatologistRow).where(col(DermatologistRow.user_id).in_(list(doctor_ids)))
        ).all()
        return self._with_tags(list(rows))

    def candidates(
        self, box: BoundingBox | None, specialty: str | None, language: str | None
    ) -> list[Dermatologist]:
        query = select(DermatologistRow)
        if box is not None:
            query = query.where(col(DermatologistRow.lat).between(box.min_lat, box.max_lat))
            query = query.where(
                or_(
                    *(
                        col(DermatologistRow.lon).between(low, high)
                        for low, high in box.lon_ranges()
                    )
                )
            )
        for kind, value in ((SPECIALTY, specialty), (LANGUAGE, language)):
            if value is not None:
                tagged = select(DermatologistTagRow.user_id).where(
                    DermatologistTagRow.kind == kind, DermatologistTagRow.value == value
                )
                query = query.where(col(DermatologistRow.user_id).in_(tagged))
        return self._with_tags(list(self._session.exec(query).all()))

    def _with_tags(self, rows: list[DermatologistRow]) -> list[Dermatologist]:
        if not rows:
            return []
        tags: dict[str, list[DermatologistTagRow]] = {}
        for tag in self._session.exec(
            select(DermatologistTagRow).where(
                col(DermatologistTagRow.user_id).in_([r.user_id for r in rows])
            )
        ):
            tags.setdefault(tag.user_id, []).append(tag)
        return [dermatologist_to_domain(row, tags.get(row.user_id, [])) for row in rows]


class SqlAvailabilityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, doctor_id: str) -> Availability | None:
        row = (
            self._session.connection()
            .execute(SELECT_AVAILABILITY, {"doctor_id": doctor_id})
            .first()
        )
        if row is None:
            return None
        time_zone, availability = row
        return parse_availability(doctor_id, {"time_zone": time_zone, **availability})
