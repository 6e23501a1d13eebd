"""The dermatologist directory's tables and SQL: practice profiles and their tags as stored, the
statements the directory reads with (cards, profiles, tags, the listing with its distance and
keyset) and the mapping of their rows to the domain. The repositories that run them are in
`directory_repositories.py`."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
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
from sqlalchemy import select as core_select
from sqlmodel import Field, SQLModel

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.appointments.model import ConsultationType, PracticeHours
from metskin.domain.directory.geo import EARTH_RADIUS_KM, DirectoryQuery, GeoPoint
from metskin.domain.directory.loader import parse_availability
from metskin.domain.directory.model import (
    Dermatologist,
    DirectoryCard,
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
    practice_phone: str | None = Field(default=None, max_length=20)  # E.164; migration 0028
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
NO_TAGS: Tags = ((), ())
TAG_SLOT = {SPECIALTY: 0, LANGUAGE: 1}


PROFILES, TAGS = core_table(DermatologistRow), core_table(DermatologistTagRow)
# Read on every booking: the statement is built once.
SELECT_AVAILABILITY = core_select(
    PROFILES.c.time_zone,
    PROFILES.c.availability,
    type_coerce(PROFILES.c.consultation_types, String),
).where(PROFILES.c.user_id == bindparam("doctor_id"))


@functools.lru_cache(maxsize=128)
def select_tags(count: int) -> tuple[Any, tuple[str, ...]]:
    """The tags of `count` dermatologists, and the names of its parameters (their ids): one
    statement per count, as an expanding IN would render its list again on every execution."""
    names = tuple(f"id_{n}" for n in range(count))
    ids = [bindparam(name, type_=String()) for name in names]
    columns = (TAGS.c.user_id, TAGS.c.kind, TAGS.c.value)
    return core_select(*columns).where(TAGS.c.user_id.in_(ids)), names


# The JSON columns of the card as their stored text: the same few texts come back on every
# search, decoded once each (`_decoded`) rather than per row.
_JSON_AS_TEXT = ("consultation_types", "bio_translations")
CARD_COLUMNS = tuple(  # in the order `card_to_domain` reads them
    type_coerce(PROFILES.c[name], String).label(name) if name in _JSON_AS_TEXT else PROFILES.c[name]
    for name in (
        *("user_id", "name", "practice_name", "address", "city", "country", "lat", "lon"),
        *("practice_phone", "time_zone", "consultation_types", "fee_amount", "fee_currency", "bio"),
        "bio_translations",
    )
)
CARD_WIDTH = len(CARD_COLUMNS)
BIO_WIDTH = 2  # the card's last columns: the bio and its translations


def card_width(bios: bool) -> int:
    """How many columns a card takes: without its bio, the CARD_COLUMNS but the last two."""
    return CARD_WIDTH if bios else CARD_WIDTH - BIO_WIDTH


def card_to_domain(row: Sequence[Any], tags: Tags, bios: bool = True) -> DirectoryCard:
    """A card from a row that starts with the CARD_COLUMNS (without the bio's two when not
    `bios`: the card's bio is then '' without translations), read by position (a Core row's
    lookup by name costs some 15 times its index), and its tags."""
    columns = row[: card_width(bios)]
    doctor_id, name, practice_name, address, city, country, lat, lon, phone, *rest = columns
    time_zone, consultation_types, fee_amount, fee_currency, *bio_columns = rest
    bio, bio_translations = bio_columns if bios else ("", None)
    return DirectoryCard(
        id=doctor_id,
        name=name,
        specialties=frozenset(tags[0]),
        languages=frozenset(tags[1]),
        practice=_practice(practice_name, address, city, country, lat, lon, phone),
        time_zone=time_zone,
        consultation_types=_consultation_types(consultation_types),
        fee=Fee(Decimal(fee_amount), fee_currency),
        bio=bio,
        bio_translations=dict(_decoded(bio_translations) or {}),
    )


@functools.lru_cache(maxsize=1024)
def _practice(
    name: str, address: str, city: str, country: str, lat: float, lon: float, phone: str | None
) -> Practice:
    """A practice as stored: the same few come back on every search, each made once (a
    `Practice` is immutable, so the cards share it)."""
    return Practice(name, address, city, country, GeoPoint(lat, lon), phone)


@functools.lru_cache(maxsize=512)
def _decoded(text: str | None) -> Any:
    """A JSON column's stored text decoded (callers copy what they keep)."""
    return None if text is None else json.loads(text)


@functools.lru_cache(maxsize=16)
def _consultation_types(text: str) -> frozenset[ConsultationType]:
    """The stored list (JSON text) as the enum's set: each combination converted once."""
    return frozenset(ConsultationType(name) for name in json.loads(text))


def practice_hours_to_domain(doctor_id: str, row: Sequence[Any]) -> PracticeHours:
    """The hours and offered types from a row of SELECT_AVAILABILITY."""
    time_zone, hours, consultation_types = row
    availability = parse_availability(doctor_id, {"time_zone": time_zone, **hours})
    return PracticeHours(availability, _consultation_types(consultation_types))


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
    *CARD_COLUMNS, PROFILES.c.contact_email, PROFILES.c.availability
).where(PROFILES.c.user_id.in_(bindparam("ids", expanding=True)))


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
    query: DirectoryQuery, after: DirectoryKey | None, limit: int | None, bios: bool = True
) -> tuple[Any, dict[str, Any]]:
    """The card columns (without the bio's when not `bios`) and the distance (0 without a
    location) of the cards that pass the filters, in the search's order, strictly after
    `after`, at most `limit`: a statement built once per shape of search (which filters and
    columns, a page after another or not), and its values."""
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
    return _listing((*shape, bios)), values


_OPTIONAL = ("specialty", "language", "consultation", "after_id", "limit")


@functools.lru_cache(maxsize=256)
def _listing(shape: tuple[Any, ...]) -> Any:
    """The listing's statement for one shape, with bound parameters for every value."""
    near, lon_ranges, specialty, language, consultation, after, limit, bios = shape
    table, number = PROFILES, Float()
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
    statement = core_select(*CARD_COLUMNS[: card_width(bios)], labelled)
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
            tagged = core_select(TAGS.c.user_id).where(
                TAGS.c.kind == kind, TAGS.c.value == bindparam(kind)
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
