"""The directory's search in SQL gives what the domain's in-memory search gives, page by page;
profiles read by id in Core give what the ORM rows gave, and are written without ORM rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from metskin.adapters.db.directory import (
    LANGUAGE,
    SPECIALTY,
    DermatologistRow,
    DermatologistTagRow,
    distance_km,
    listing_statement,
)
from metskin.adapters.db.types import core_table
from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role
from metskin.domain.appointments.model import Availability, ConsultationType
from metskin.domain.directory.geo import DirectoryQuery, GeoPoint
from metskin.domain.directory.loader import load_dermatologists, parse_availability
from metskin.domain.directory.model import Dermatologist, DirectoryEntry, Fee, Practice
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_care_api import seed_directory
from tests.fakes.directory import FakeDermatologistRepository
from tests.integration.test_catalog_db import selects

LONDON = GeoPoint(51.5072, -0.1276)
QUERIES = [
    DirectoryQuery(),
    DirectoryQuery(near=LONDON),
    DirectoryQuery(near=LONDON, radius_km=30),
    DirectoryQuery(near=GeoPoint(52.52, 13.405), radius_km=900, language="de"),
    DirectoryQuery(near=LONDON, specialty="acne"),
    DirectoryQuery(near=GeoPoint(48.8566, 2.3522), consultation_type=ConsultationType.VIDEO),
    DirectoryQuery(consultation_type=ConsultationType.IN_PERSON, language="en"),
    DirectoryQuery(near=GeoPoint(-33.87, 151.21), radius_km=50),  # nobody there
]


def pages(listed: Any, query: DirectoryQuery, size: int) -> list[list[DirectoryEntry]]:
    found, after = [], None
    while page := listed(query, after, size):
        found.append(page)
        after = page[-1].key
    return found


def ids_of(entries: list[DirectoryEntry]) -> list[str]:
    return [e.doctor.id for e in entries]


def distances(entries: list[DirectoryEntry]) -> list[float]:
    return [e.distance_km if e.distance_km is not None else -1.0 for e in entries]


@pytest.mark.parametrize("query", QUERIES)
def test_sql_pages_match_the_domain_search(container: Container, query: DirectoryQuery) -> None:
    ids = list(seed_directory(container).values())
    with container.new_uow() as uow:
        fake = FakeDermatologistRepository(*uow.dermatologists.get_many(ids))
        sql_pages = pages(uow.dermatologists.listed, query, 4)
    expected = pages(fake.listed, query, 4)
    assert [ids_of(p) for p in sql_pages] == [ids_of(p) for p in expected]
    # MariaDB keeps lat/lon as single-precision FLOAT: SQL measures from the stored value, the
    # client reads it back rounded to 6 digits, so the two distances differ by up to ~0.5 m.
    for ours, theirs in zip(sql_pages, expected, strict=True):
        for got, want in zip(distances(ours), distances(theirs), strict=True):
            assert got == want or abs(got - want) < 1e-3  # km
    whole = [entry for page in sql_pages for entry in page]
    assert {e.doctor.id for e in whole} == {e.doctor.id for e in fake.listed(query, None, None)}
    for entry in whole:  # the card as the profile has it
        profile = fake.rows[entry.doctor.id]
        assert (entry.doctor.name, entry.doctor.practice, entry.doctor.fee) == (
            profile.name,
            profile.practice,
            profile.fee,
        )
        assert (entry.doctor.specialties, entry.doctor.languages) == (
            profile.specialties,
            profile.languages,
        )


def test_a_page_is_cut_in_sql_without_the_working_hours(container: Container) -> None:
    seed_directory(container)
    statements: list[str] = []
    event.listen(
        container.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    with container.new_uow() as uow:
        page = uow.dermatologists.listed(DirectoryQuery(near=LONDON), None, 3)
    assert len(page) == 3
    listing = next(s for s in statements if "dermatologist_profiles" in s)
    assert "LIMIT" in listing.upper()
    assert "availability" not in listing and "contact_email" not in listing


@pytest.mark.parametrize("query", QUERIES)
def test_a_listing_without_bios_is_the_same_cards_with_an_empty_bio(
    container: Container, query: DirectoryQuery
) -> None:
    seed_directory(container)
    with container.new_uow() as uow, selects(container) as seen:
        with_bios = uow.dermatologists.listed(query, None, None)
        without = uow.dermatologists.listed(query, None, None, bios=False)
    assert any(entry.doctor.bio_translations for entry in with_bios) or not with_bios
    assert without == [
        DirectoryEntry(replace(e.doctor, bio="", bio_translations={}), e.distance_km)
        for e in with_bios
    ]
    listing = [s for s in seen if "FROM dermatologist_profiles" in s]
    assert len(listing) == 2 and "bio" in listing[0] and "bio" not in listing[1]


@pytest.mark.parametrize("query", [q for q in QUERIES if q.near is not None])
def test_distances_are_the_sql_haversine_of_the_centre(
    container: Container, query: DirectoryQuery
) -> None:
    """The statement kept per shape takes the centre as bound values: each page's distances
    are exactly those of the haversine written with the centre's own numbers."""
    assert query.near is not None
    table = core_table(DermatologistRow)
    seed_directory(container)
    with container.new_uow() as uow:
        found = [e for page in pages(uow.dermatologists.listed, query, 3) for e in page]
        direct = core_select(table.c.user_id, distance_km(query.near, table.c.lat, table.c.lon))
        exact = {doctor: km for doctor, km in uow.session.connection().execute(direct)}
    assert found or query.radius_km == 50
    assert [(e.doctor.id, e.distance_km) for e in found] == [
        (e.doctor.id, exact[e.doctor.id]) for e in found
    ]


def test_a_statement_is_built_once_per_shape_of_search() -> None:
    paris = GeoPoint(48.8566, 2.3522)
    near_london, values = listing_statement(DirectoryQuery(near=LONDON), None, 10)
    assert listing_statement(DirectoryQuery(near=paris), (1.5, "x"), 10)[0] is not near_london
    assert listing_statement(DirectoryQuery(near=paris), None, 20)[0] is near_london
    assert values["limit"] == 10 and values["lon1"] == pytest.approx(-0.1276 * 3.14159265 / 180)
    boxed = listing_statement(DirectoryQuery(near=LONDON, radius_km=30, language="fr"), None, 5)
    assert (
        boxed[0]
        is listing_statement(DirectoryQuery(near=paris, radius_km=900, language="de"), None, 9)[0]
    )
    assert boxed[1]["language"] == "fr" and boxed[1]["radius"] == 30


NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def orm_get_many(session: Session, ids: list[str]) -> list[Dermatologist]:
    """`get_many` as it was before issue 17's second directory pass: whole ORM rows, converted
    as `dermatologist_to_domain` converted them then."""
    rows = session.exec(select(DermatologistRow).where(col(DermatologistRow.user_id).in_(ids)))
    tags: dict[str, tuple[list[str], list[str]]] = {}
    for tag in session.exec(
        select(DermatologistTagRow).where(col(DermatologistTagRow.user_id).in_(ids))
    ):
        mine = tags.setdefault(tag.user_id, ([], []))
        {SPECIALTY: mine[0], LANGUAGE: mine[1]}[tag.kind].append(tag.value)
    return [orm_profile(row, tags.get(row.user_id, ([], []))) for row in rows.all()]


def orm_profile(row: DermatologistRow, tags: tuple[list[str], list[str]]) -> Dermatologist:
    place = Practice(
        row.practice_name,
        row.address,
        row.city,
        row.country,
        GeoPoint(row.lat, row.lon),
        row.practice_phone,
    )
    return Dermatologist(
        id=row.user_id,
        name=row.name,
        email=row.contact_email,
        specialties=frozenset(tags[0]),
        languages=frozenset(tags[1]),
        practice=place,
        time_zone=row.time_zone,
        consultation_types=frozenset(ConsultationType(t) for t in row.consultation_types),
        fee=Fee(Decimal(row.fee_amount), row.fee_currency),
        bio=row.bio,
        bio_translations=dict(row.bio_translations or {}),
        availability=parse_availability(
            row.user_id, {"time_zone": row.time_zone, **row.availability}
        ),
    )


def by_id(profiles: list[Dermatologist]) -> dict[str, Dermatologist]:
    return {profile.id: profile for profile in profiles}


def test_profiles_by_id_are_the_orm_rows_profiles(container: Container) -> None:
    ids = list(seed_directory(container).values())
    wanted = [*ids[:5], "no-such-doctor", ids[-1]]
    with container.new_uow() as uow:
        with selects(container) as seen:
            core = uow.dermatologists.get_many(wanted)
        assert len(seen) == 2 and not uow.session.identity_map  # profiles and tags, no rows
        with Session(container.engine) as session:
            orm = orm_get_many(session, wanted)
    assert len(core) == 6 and by_id(core) == by_id(orm)  # every field, hours and bios too
    for profile in core:
        assert isinstance(profile.fee.amount, Decimal) and isinstance(
            profile.availability, Availability
        )
        assert profile.specialties and profile.languages and profile.availability.weekly
    packaged = {p.email: p for p in load_dermatologists()}
    for profile in core:  # and what was published (MariaDB rounds lat/lon: single precision)
        published = packaged[profile.email]
        assert (profile.name, profile.specialties, profile.languages, profile.bio) == (
            published.name,
            published.specialties,
            published.languages,
            published.bio,
        )
        assert profile.bio_translations == published.bio_translations
        assert profile.consultation_types == published.consultation_types
        assert profile.fee == published.fee
        assert profile.practice.location.lat == pytest.approx(published.practice.location.lat)


def test_a_page_of_profiles_is_two_selects_at_any_size(container: Container) -> None:
    ids = list(seed_directory(container).values())
    counts = []
    for size in (1, 4, len(ids)):
        with container.new_uow() as uow, selects(container) as seen:
            assert len(uow.dermatologists.get_many(ids[:size])) == size
        counts.append(len(seen))
    assert counts == [2, 2, 2]


def test_a_profile_is_written_without_orm_rows(container: Container) -> None:
    """An edit after a read runs no SELECT of the profile; the same values written twice at
    the same time (MariaDB counts matched rows, not changed ones) stay one profile; a new id
    is inserted."""
    doctor_id = next(iter(seed_directory(container).values()))
    with container.new_uow() as uow:
        profile = uow.dermatologists.get(doctor_id)
        assert profile is not None
        changed = replace(profile, name="Dr Changed", languages=frozenset({"en", "it"}))
        with selects(container) as seen:
            uow.dermatologists.upsert(changed, NOW)
            uow.dermatologists.upsert(changed, NOW)
            uow.commit()
        assert seen == []
    user = container.accounts.register("new@example.com", PASSWORD, "Dr New", Role.DERMATOLOGIST)
    fresh = replace(
        changed,
        id=user.id,
        email="new@example.com",
        availability=replace(changed.availability, doctor_id=user.id),
    )
    with container.new_uow() as uow:
        uow.dermatologists.upsert(fresh, NOW)
        uow.commit()
    with container.new_uow() as uow:
        assert uow.dermatologists.get(doctor_id) == changed
        assert uow.dermatologists.get(user.id) == fresh
        rows = uow.session.connection().execute(core_select(core_table(DermatologistRow)))
        assert len(rows.all()) == len(load_dermatologists()) + 1
