"""Migrations: the same scripts on SQLite and MariaDB, reversible, and matching the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, text
from sqlmodel import SQLModel

import metskin.adapters.db.models  # noqa: F401
from metskin.adapters.db.accounts import UserRow
from metskin.adapters.db.analysis import AnalysisRow, MediaRow
from metskin.adapters.db.migrations import downgrade, upgrade
from metskin.adapters.db.sharing import ShareRow
from metskin.bootstrap import bootstrap
from metskin.cli.seed import seed_catalog
from metskin.domain.errors import Conflict
from metskin.domain.privacy.errors import ConsentRequired
from metskin.domain.sharing.model import Share, ShareScope
from tests.conftest import create_mysql_database, drop_mysql_database, make_settings


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def schema_drift(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return drift


def round_trip(url: str) -> None:
    expected = set(SQLModel.metadata.tables)
    upgrade(url)
    assert table_names(url) == expected
    downgrade(url, "base")
    assert table_names(url) == set()
    upgrade(url)
    assert table_names(url) == expected
    assert schema_drift(url) == []


def test_upgrade_downgrade_upgrade_on_sqlite(tmp_path: Path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.mariadb
def test_upgrade_downgrade_upgrade_on_mariadb(mysql_server_url: str) -> None:
    url = create_mysql_database(mysql_server_url)
    try:
        round_trip(url)
        engine = create_engine(url)
        with engine.connect() as connection:
            collations = (
                connection.exec_driver_sql(
                    "SELECT DISTINCT table_collation FROM information_schema.tables "
                    "WHERE table_schema = DATABASE()"
                )
                .scalars()
                .all()
            )
        engine.dispose()
        assert set(collations) == {"utf8mb4_unicode_ci"}
    finally:
        drop_mysql_database(url)


def there_and_back(url: str, revision: str, previous: str) -> None:
    """Up to `revision`, down to `previous`, up to the head: the models' schema at the end."""
    upgrade(url, revision)
    downgrade(url, previous)
    upgrade(url, "head")
    assert schema_drift(url) == []


def old_rows(url: str, *rows: SQLModel) -> None:
    """Rows written with only the columns the database has at its older revision (the model
    may have columns a later migration adds)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for row in rows:
            table: Table = row.__table__  # type: ignore[attr-defined]
            present = {column["name"] for column in inspect(engine).get_columns(table.name)}
            columns = [c._copy() for c in table.columns if c.name in present]
            old_table = Table(table.name, MetaData(), *columns)
            connection.execute(
                insert(old_table).values({c.name: getattr(row, c.name) for c in columns})
            )
    engine.dispose()


def old_user(url: str, name: str, **columns: Any) -> str:
    """A user row written at an older revision (`old_rows`), with these `columns`."""
    row = UserRow(
        id=str(uuid.uuid4()),
        email=f"{name}@example.com",
        password_hash="hashed",
        role="patient",
        created_at=datetime.now(UTC),
        **columns,
    )
    old_rows(url, row)
    return row.id


def old_media(owner_id: str, created_at: datetime) -> MediaRow:
    """A photo row (`m1`) to write with `old_rows`, for the analyses a test needs."""
    return MediaRow(
        id="m1",
        owner_id=owner_id,
        kind="photo",
        content_type="image/jpeg",
        size_bytes=1,
        width=1,
        height=1,
        storage_name="m1.jpg",
        thumbnail_name="m1-t.jpg",
        key_id="k",
        sha256="0" * 64,
        created_at=created_at,
    )


def ratings_after_0005(url: str, tmp_path: Path) -> list[tuple[str, str, int]]:
    """Upgrade to 0004, rate twice (and one product once), then 0005 -> 0004 -> 0005."""
    upgrade(url, "0004")
    users = {name: old_user(url, name) for name in ("u1", "u2")}
    container = bootstrap(make_settings(tmp_path, database_url=url))
    list(seed_catalog(container))
    container.close()
    products = {
        "p1": "cerabalance-hydrating-cream-cleanser",
        "p2": "cerabalance-foaming-gel-cleanser",
    }
    rows = [  # (id, user, product, rating, created_at)
        (1, "u1", "p1", 2, "2026-01-01 10:00:00"),
        (2, "u1", "p1", 5, "2026-01-02 10:00:00"),  # the latest of u1/p1
        (3, "u1", "p1", 3, "2026-01-01 12:00:00"),
        (4, "u2", "p1", 4, "2026-01-01 10:00:00"),
        (5, "u2", "p1", 1, "2026-01-01 10:00:00"),  # same time: the higher id wins
        (6, "u1", "p2", 3, "2026-01-01 10:00:00"),
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        for id_, user, product, rating, at in rows:
            connection.execute(
                text(
                    "INSERT INTO feedback (id, user_id, product_id, rating, created_at)"
                    " VALUES (:id, :user, :product, :rating, :at)"
                ),
                {
                    "id": id_,
                    "user": users[user],
                    "product": products[product],
                    "rating": rating,
                    "at": at,
                },
            )
    upgrade(url, "0005")
    downgrade(url, "0004")
    upgrade(url, "head")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT user_id, product_id, rating FROM feedback")).all()
    engine.dispose()
    assert schema_drift(url) == []
    names = {**{v: k for k, v in users.items()}, **{v: k for k, v in products.items()}}
    return sorted((names[user], names[product], rating) for user, product, rating in kept)


EXPECTED_RATINGS = [("u1", "p1", 5), ("u1", "p2", 3), ("u2", "p1", 1)]


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database with no tables yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    url = create_mysql_database(request.getfixturevalue("mysql_server_url"))
    try:
        yield url
    finally:
        drop_mysql_database(url)


def test_0005_keeps_the_latest_rating_of_each_person_and_product(
    empty_database: str, tmp_path: Path
) -> None:
    assert ratings_after_0005(empty_database, tmp_path) == EXPECTED_RATINGS


def rolled_back_after_0015(url: str, tmp_path: Path) -> str | None:
    """The reviewer's history written at 0014 (v1, v2 promoted, rolled back, v3 promoted over
    v1), then 0015 -> 0014 -> 0015: the version a rollback of v3 brings back."""
    upgrade(url, "0014")
    rows = [  # (version, state, promoted_at, retired_at)
        (1, "RETIRED", "2026-01-01 10:00:00", "2026-01-04 10:00:00"),
        (2, "RETIRED", "2026-01-02 10:00:00", "2026-01-03 10:00:00"),  # rolled back
        (3, "LIVE", "2026-01-04 10:00:00", None),
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        for version, state, promoted_at, retired_at in rows:
            connection.execute(
                text(
                    "INSERT INTO skin_models (version, state, dataset_hash, code_version,"
                    " weights, uses, metrics, card, created_at, promoted_at, retired_at)"
                    " VALUES (:v, :state, 'h', 'c', 'w.pt', 'ACNE', '{}', '\"card\"',"
                    " '2026-01-01 09:00:00', :promoted, :retired)"
                ),
                {"v": version, "state": state, "promoted": promoted_at, "retired": retired_at},
            )
    engine.dispose()
    there_and_back(url, "0015", "0014")
    container = bootstrap(make_settings(tmp_path, database_url=url))
    back = container.skin_models.rollback()
    container.close()
    return back.name if back else None


def test_0015_rolls_back_to_the_version_replaced(empty_database: str, tmp_path: Path) -> None:
    assert rolled_back_after_0015(empty_database, tmp_path) == "skin-cnn-v1"


def test_0017_merges_the_active_shares_of_the_same_and_then_allows_one(
    empty_database: str, tmp_path: Path
) -> None:
    """Shares written at 0016 (three active of everything with one dermatologist, the
    double-share defect), then 0017 -> 0016 -> 0017: the oldest is kept until the latest of
    their expiries, the others are revoked, and a second active share is refused."""
    url = empty_database
    upgrade(url, "0016")
    patient, doc1, doc2 = (old_user(url, name) for name in ("pat", "doc1", "doc2"))
    now = datetime.now(UTC)
    day = timedelta(days=1)
    media = old_media(patient, now - 20 * day)
    analysis = AnalysisRow(
        id="a1",
        owner_id=patient,
        media_id="m1",
        status="DONE",
        stage="DONE",
        created_at=now - 20 * day,
    )
    shares = [  # id, dermatologist, analysis, created, expires, revoked (days from now)
        ("s1", doc1, None, -10, 30, None),  # the oldest of three: kept
        ("s2", doc1, None, -9, 60, None),  # the latest expiry: the kept one's now
        ("s3", doc1, None, -8, 30, None),
        ("s4", doc1, "a1", -9, 30, None),  # one analysis: not the same as everything
        ("s5", doc1, "a1", -10, 30, -9),  # revoked before
        ("s6", doc2, None, -8, 30, None),  # another dermatologist
        ("s7", doc2, None, -12, -10, None),  # expired
    ]
    old_rows(
        url,
        media,
        analysis,
        *(
            ShareRow(
                id=id_,
                patient_id=patient,
                doctor_id=doctor,
                scope="ALL" if target is None else "ANALYSIS",
                analysis_id=target,
                created_at=now + created * day,
                expires_at=now + expires * day,
                revoked_at=None if revoked is None else now + revoked * day,
            )
            for id_, doctor, target, created, expires, revoked in shares
        ),
    )
    upgrade(url, "0017")
    migrated = datetime.now(UTC)
    downgrade(url, "0016")
    upgrade(url, "head")
    assert schema_drift(url) == []

    container = bootstrap(make_settings(tmp_path, database_url=url))
    try:
        by_id = {s.id: s for s in container.sharing.shares_of(patient)}
        after = datetime.now(UTC)
        assert sorted(i for i, s in by_id.items() if s.is_active(after)) == ["s1", "s4", "s6"]
        assert by_id["s1"].expires_at == now + 60 * day
        for merged in ("s2", "s3"):
            revoked = by_id[merged].revoked_at
            assert revoked is not None and now <= revoked <= migrated
        assert by_id["s5"].revoked_at == now - 9 * day
        assert by_id["s7"].revoked_at is None  # expired, left as it was

        def add(id_: str, doctor: str, target: str | None) -> str:
            scope = ShareScope.ALL if target is None else ShareScope.ANALYSIS
            share = Share(id_, patient, doctor, scope, target, after, after + day)
            with container.new_uow() as uow:
                kept = uow.shares.add_unless_active(share)
                uow.commit()
            return kept.id

        assert add("again", doc1, None) == "s1"
        assert add("again", doc2, None) == "s6"
        with pytest.raises(Conflict), container.new_uow() as uow:  # the key refuses a twin
            uow.shares.add(Share("twin", patient, doc1, ShareScope.ANALYSIS, "a1", now, after))
            uow.commit()
        container.sharing.revoke(patient, "s1")
        assert add("new", doc1, None) == "new"
    finally:
        container.close()


def test_0020_keeps_texting_the_numbers_texted_before_and_round_trips(
    empty_database: str, tmp_path: Path
) -> None:
    """Users written at 0019, one with a phone: after 0020 (then 0019 and 0020 again) that
    number counts as verified (it has been getting SMS), the other has none, and a number
    changed afterwards is unverified."""
    url = empty_database
    upgrade(url, "0019")
    texted = old_user(url, "texted", phone="+447700900123", sms_opt_in=True)
    silent = old_user(url, "silent")
    there_and_back(url, "0020", "0019")

    container = bootstrap(make_settings(tmp_path, database_url=url))
    try:
        before = container.accounts.get_user(texted).profile
        assert before.phone_verified == "+447700900123"
        assert before.sms_number == "+447700900123"
        assert container.accounts.get_user(silent).profile.phone_verified is None
        changed = container.accounts.update_profile(texted, {"phone": "+447700900999"})
        assert changed.profile.sms_number is None
        assert container.accounts.get_user(texted).profile.phone_verified == "+447700900123"
    finally:
        container.close()


def test_0021_asks_existing_accounts_and_round_trips(empty_database: str, tmp_path: Path) -> None:
    """An account written at 0020 has no consent after 0021 (then 0020 and 0021 again): it was
    never asked, so its next upload is refused until it agrees; then the history is kept."""
    url = empty_database
    upgrade(url, "0020")
    existing = old_user(url, "existing")
    there_and_back(url, "0021", "0020")

    container = bootstrap(make_settings(tmp_path, database_url=url))
    try:
        assert container.photo_consent.state(existing).needs_asking
        with pytest.raises(ConsentRequired):
            container.media.upload(existing, b"\xff\xd8\xff\xe0" + b"\x00" * 100)
        container.photo_consent.give(existing)
        container.photo_consent.withdraw(existing)
        assert [r.given for r in container.photo_consent.history(existing)] == [True, False]
    finally:
        container.close()


def test_0022_counts_the_addresses_emailed_before_as_verified_and_round_trips(
    empty_database: str, tmp_path: Path
) -> None:
    """Users written at 0020: after 0022 (then 0020 and 0022 again) their addresses count as
    verified (they have been getting reminders), so their emails go on; an account made after
    the migration starts unverified and gets only its own emails."""
    url = empty_database
    upgrade(url, "0020")
    emailed = old_user(url, "emailed")
    there_and_back(url, "0022", "0020")

    container = bootstrap(make_settings(tmp_path, database_url=url))
    try:
        assert container.accounts.get_user(emailed).email_verified
        fresh = container.accounts.register("fresh@example.com", "tea-and-toast-77")
        assert not container.accounts.get_user(fresh.id).email_verified
    finally:
        container.close()


def test_0024_fills_the_sort_names_and_round_trips(empty_database: str, tmp_path: Path) -> None:
    """Users written at 0023 (one with a name, one without): after 0024 (then 0023 and 0024
    again) each has the key of the name shown, the address without one, and the patients'
    order on it holds."""
    url = empty_database
    upgrade(url, "0023")
    named, unnamed = old_user(url, "named", display_name="Élodie"), old_user(url, "Unnamed")
    there_and_back(url, "0024", "0023")

    engine = create_engine(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, sort_name FROM users")).all())
        ordered = connection.execute(text("SELECT id FROM users ORDER BY sort_name")).scalars()
        in_order = list(ordered)
    engine.dispose()
    assert stored == {
        named: "elodie\x01élodie",
        unnamed: "unnamed@example.com\x01unnamed@example.com",
    }
    assert in_order == [named, unnamed]


def test_0025_reads_letters_without_a_mark_as_typed_and_round_trips(empty_database: str) -> None:
    """Keys stored at 0024 kept "ø" and "ł" as they were, so "Łukasz" sorted after "Zoe";
    after 0025 (then 0024 and 0025 again) every key is the fold's, in the order people
    expect."""
    url = empty_database
    upgrade(url, "0024")
    names = ("Zoe", "Søren", "Łukasz", "Sam", "Luke")
    ids = {name: old_user(url, name.lower(), display_name=name) for name in names}
    engine = create_engine(url)
    with engine.begin() as connection:  # the keys as 0024's fold made them
        for name, ident in ids.items():
            old = name.casefold() + "\x01" + name.casefold()
            connection.execute(
                text("UPDATE users SET sort_name = :key WHERE id = :id"), {"key": old, "id": ident}
            )
    there_and_back(url, "0025", "0024")
    with engine.connect() as connection:
        ordered = list(
            connection.execute(text("SELECT id FROM users ORDER BY sort_name")).scalars()
        )
        stored = dict(connection.execute(text("SELECT id, sort_name FROM users")).all())
    engine.dispose()
    assert ordered == [ids[n] for n in ("Łukasz", "Luke", "Sam", "Søren", "Zoe")]
    assert stored[ids["Søren"]] == "soren\x01søren"
