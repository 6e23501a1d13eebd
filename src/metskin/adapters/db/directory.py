"""The dermatologist directory in SQL: practice profiles, their tags and availability."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    type_coerce,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy import select as core_select
from sqlmodel import Field, Session, SQLModel, col

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.appointments.model import Availability, ConsultationType
from metskin.domain.directory.geo import EARTH_RADIUS_KM, DirectoryQuery, GeoPoint
from metskin.domain.directory.loader import availability_to_dict, parse_availability
from metskin.domain.directory.model import (
    Dermatologist,
    DirectoryCard,
    DirectoryEntry,
    DirectoryKey,
    Fee,
    Practice,
)


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
    # The bio in other languages, {"fr": ..., "de": ...}; null: English only.
    bio_translations: dict[str, str] | None = Field(default=None, sa_type=JSON)
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
Tags = tuple[Sequence[str], Sequence[str]]  # a dermatologist's specialties and languages
_NO_TAGS: Tags = ((), ())
_TAG_SLOT = {SPECIALTY: 0, LANGUAGE: 1}


# Read on every booking: the statement is built once.
_DERMATOLOGISTS = core_table(DermatologistRow)
SELECT_AVAILABILITY = core_select(
    _DERMATOLOGISTS.c.time_zone, _DERMATOLOGISTS.c.availability
).where(_DERMATOLOGISTS.c.user_id == bindparam("doctor_id"))
_TAGS = core_table(DermatologistTagRow)


@functools.lru_cache(maxsize=128)
def _select_tags(count: int) -> tuple[Any, tuple[str, ...]]:
    """The tags of `count` dermatologists, and the names of its parameters (their ids): one
    statement per count, as an expanding IN would render its list again on every execution."""
    names = tuple(f"id_{n}" for n in range(count))
    ids = [bindparam(name, type_=String()) for name in names]
    columns = (_TAGS.c.user_id, _TAGS.c.kind, _TAGS.c.value)
    return core_select(*columns).where(_TAGS.c.user_id.in_(ids)), names


# The JSON columns of the card as their stored text: the same few texts come back on every
# search, decoded once each (`_decoded`) rather than per row.
_JSON_AS_TEXT = ("consultation_types", "bio_translations")
CARD_COLUMNS = tuple(  # in the order `card_to_domain` reads them
    type_coerce(_DERMATOLOGISTS.c[name], String).label(name)
    if name in _JSON_AS_TEXT
    else _DERMATOLOGISTS.c[name]
    for name in (
        *("user_id", "name", "practice_name", "address", "city", "country", "lat", "lon"),
        *("time_zone", "consultation_types", "fee_amount", "fee_currency", "bio"),
        "bio_translations",
    )
)
CARD_WIDTH = len(CARD_COLUMNS)


def card_to_domain(row: Sequence[Any], tags: Tags) -> DirectoryCard:
    """A card from a row that starts with the CARD_COLUMNS, read by position (a Core row's
    lookup by name costs some 15 times its index), and its tags."""
    doctor_id, name, practice_name, address, city, country, lat, lon, *rest = row[:CARD_WIDTH]
    time_zone, consultation_types, fee_amount, fee_currency, bio, bio_translations = rest
    return DirectoryCard(
        id=doctor_id,
        name=name,
        specialties=frozenset(tags[0]),
        languages=frozenset(tags[1]),
        practice=Practice(practice_name, address, city, country, GeoPoint(lat, lon)),
        time_zone=time_zone,
        consultation_types=_consultation_types(consultation_types),
        fee=Fee(Decimal(fee_amount), fee_currency),
        bio=bio,
        bio_translations=dict(_decoded(bio_translations) or {}),
    )


@functools.lru_cache(maxsize=512)
def _decoded(text: str | None) -> Any:
    """A JSON column's stored text decoded (callers copy what they keep)."""
    return None if text is None else json.loads(text)


@functools.lru_cache(maxsize=16)
def _consultation_types(text: str) -> frozenset[ConsultationType]:
    """The stored list (JSON text) as the enum's set: each combination converted once."""
    return frozenset(ConsultationType(name) for name in json.loads(text))


def dermatologist_to_domain(row: Sequence[Any], tags: Tags) -> Dermatologist:
    """A profile from a row of the SELECT_PROFILES columns (the card's, then the contact email
    and the hours) and its tags."""
    card = card_to_domain(row, tags)
    email, hours = row[CARD_WIDTH], row[CARD_WIDTH + 1]
    return Dermatologist(
        **vars(card),
        email=email,
        availability=parse_availability(card.id, {"time_zone": card.time_zone, **hours}),
    )


# A profile: the card with the contact email and the working hours, by id.
SELECT_PROFILES = core_select(
    *CARD_COLUMNS, _DERMATOLOGISTS.c.contact_email, _DERMATOLOGISTS.c.availability
).where(_DERMATOLOGISTS.c.user_id.in_(bindparam("ids", expanding=True)))


def distance_km(center: GeoPoint, lat: Any, lon: Any) -> ColumnElement[float]:
    """The haversine distance from `center` in SQL, as `geo.haversine_km` computes it (SQLite
    3.35+ math functions, MariaDB)."""
    lat1 = math.radians(center.lat)
    return _haversine(lat1, math.cos(lat1), math.radians(center.lon), lat, lon)


def _haversine(lat1: Any, cos_lat1: Any, lon1: Any, lat: Any, lon: Any) -> ColumnElement[float]:
    """From the centre's latitude, its cosine and its longitude in radians (values or bound
    parameters) to the point (`lat`, `lon`) in degrees."""
    d_lat = func.radians(lat) - lat1
    d_lon = func.radians(lon) - lon1
    h = func.pow(func.sin(d_lat / 2), 2) + cos_lat1 * func.cos(func.radians(lat)) * func.pow(
        func.sin(d_lon / 2), 2
    )
    root = func.sqrt(h)
    return 2 * EARTH_RADIUS_KM * func.asin(case((root > 1.0, 1.0), else_=root))


def listing_statement(
    query: DirectoryQuery, after: DirectoryKey | None, limit: int | None
) -> tuple[Any, dict[str, Any]]:
    """The card columns and the distance (0 without a location) of the cards that pass the
    filters, in the search's order, strictly after `after`, at most `limit`: a statement built
    once per shape of search (which filters, a page after another or not), and its values."""
    values: dict[str, Any] = {}
    if query.near is not None:
        lat1 = math.radians(query.near.lat)
        values.update(lat1=lat1, cos_lat1=math.cos(lat1), lon1=math.radians(query.near.lon))
    box = query.box()
    lon_ranges = box.lon_ranges() if box is not None else ()
    if box is not None:
        values.update(min_lat=box.min_lat, max_lat=box.max_lat, radius=query.radius_km)
        for n, (low, high) in enumerate(lon_ranges):
            values.update({f"lon_low_{n}": low, f"lon_high_{n}": high})
    for name in ("specialty", "language"):
        if getattr(query, name) is not None:
            values[name] = getattr(query, name)
    if query.consultation_type is not None:  # the JSON list as text: '["in_person", "video"]'
        values["consultation"] = f'%"{query.consultation_type.value}"%'
    if after is not None:
        values["after_id"] = after[1]
        if query.near is not None:
            values["after_distance"] = after[0]
    if limit is not None:
        values["limit"] = limit
    shape = (query.near is not None, len(lon_ranges), *(name in values for name in _OPTIONAL))
    return _listing(shape), values


_OPTIONAL = ("specialty", "language", "consultation", "after_id", "limit")


@functools.lru_cache(maxsize=256)
def _listing(shape: tuple[Any, ...]) -> Any:
    """The listing's statement for one shape, with bound parameters for every value."""
    near, lon_ranges, specialty, language, consultation, after, limit = shape
    table, number = _DERMATOLOGISTS, Float()
    distance = (
        _haversine(
            bindparam("lat1", type_=number),
            bindparam("cos_lat1", type_=number),
            bindparam("lon1", type_=number),
            table.c.lat,
            table.c.lon,
        )
        if near
        else literal(0.0)
    )
    labelled = distance.label("distance_km")
    statement = core_select(*CARD_COLUMNS, labelled)
    if lon_ranges:
        statement = statement.where(
            table.c.lat.between(bindparam("min_lat", type_=number), bindparam("max_lat")),
            or_(
                *(
                    table.c.lon.between(bindparam(f"lon_low_{n}"), bindparam(f"lon_high_{n}"))
                    for n in range(lon_ranges)
                )
            ),
            distance <= bindparam("radius", type_=number),
        )
    for kind, wanted in ((SPECIALTY, specialty), (LANGUAGE, language)):
        if wanted:
            tagged = core_select(_TAGS.c.user_id).where(
                _TAGS.c.kind == kind, _TAGS.c.value == bindparam(kind)
            )
            statement = statement.where(table.c.user_id.in_(tagged))
    if consultation:
        statement = statement.where(
            cast(table.c.consultation_types, String).like(bindparam("consultation"))
        )
    after_id = bindparam("after_id", type_=String())
    if not near:
        if after:
            statement = statement.where(table.c.user_id > after_id)
        statement = statement.order_by(table.c.user_id)
    else:
        if after:
            after_distance = bindparam("after_distance", type_=number)
            statement = statement.where(
                or_(
                    distance > after_distance,
                    and_(distance == after_distance, table.c.user_id > after_id),
                )
            )
        # By the selected column's name: the distance is computed once per row, not again
        # for the sort.
        statement = statement.order_by(labelled, table.c.user_id)
    return statement.limit(bindparam("limit", type_=Integer())) if limit else statement


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
            "bio_translations": dict(profile.bio_translations) or None,
            "availability": stored,
            "updated_at": now,
        }
        # In Core: the reads give no ORM row to change, and looking one up would cost a SELECT.
        # An UPDATE counts the rows it matched (MySQL dialects ask for FOUND_ROWS).
        table, connection = _DERMATOLOGISTS, self._session.connection()
        where = table.c.user_id == profile.id
        if not connection.execute(table.update().where(where).values(values)).rowcount:
            connection.execute(table.insert().values(user_id=profile.id, **values))
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
        """One SELECT of the profiles' columns (Core rows, no ORM instances) and one of their
        tags."""
        if not doctor_ids:
            return []
        connection = self._session.connection()
        rows = connection.execute(SELECT_PROFILES, {"ids": list(doctor_ids)}).all()
        tags = self._tags_of([row[0] for row in rows])
        return [dermatologist_to_domain(row, tags.get(row[0], _NO_TAGS)) for row in rows]

    def listed(
        self, query: DirectoryQuery, after: DirectoryKey | None, limit: int | None
    ) -> list[DirectoryEntry]:
        """One SELECT of the card columns (no hours), filtered, ordered and cut in SQL, and
        one of the page's tags."""
        statement, values = listing_statement(query, after, limit)
        rows = self._session.connection().execute(statement, values).all()
        tags = self._tags_of([row[0] for row in rows])
        near = query.near is not None
        return [
            DirectoryEntry(
                card_to_domain(row, tags.get(row[0], _NO_TAGS)), row[CARD_WIDTH] if near else None
            )
            for row in rows
        ]

    def availabilities(self, doctor_ids: Sequence[str]) -> dict[str, Availability]:
        if not doctor_ids:
            return {}
        statement = core_select(
            _DERMATOLOGISTS.c.user_id, _DERMATOLOGISTS.c.time_zone, _DERMATOLOGISTS.c.availability
        ).where(_DERMATOLOGISTS.c.user_id.in_(list(doctor_ids)))
        return {
            doctor_id: parse_availability(doctor_id, {"time_zone": time_zone, **hours})
            for doctor_id, time_zone, hours in self._session.connection().execute(statement)
        }

    def _tags_of(self, doctor_ids: list[str]) -> Mapping[str, Tags]:
        """Each dermatologist's specialties and languages, by id (none: absent)."""
        if not doctor_ids:
            return {}
        found: dict[str, tuple[list[str], list[str]]] = {}
        statement, names = _select_tags(len(doctor_ids))
        values = dict(zip(names, doctor_ids, strict=True))
        # All fetched at once: iterating the result would fetch row by row.
        for user_id, kind, value in self._session.connection().execute(statement, values).all():
            slot = _TAG_SLOT.get(kind)
            if slot is not None:
                tags = found.get(user_id)
                if tags is None:
                    tags = found[user_id] = ([], [])
                tags[slot].append(value)
        return found


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
