"""Migrations: the same scripts on SQLite and MariaDB, reversible, and matching the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, text
from sqlmodel import SQLModel

import metskin.adapters.db.models  # noqa: F401
from metskin.adapters.db.accounts import UserRow
from metskin.adapters.db.migrations import downgrade, upgrade
from metskin.bootstrap import bootstrap
from metskin.cli.seed import seed_catalog
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


def old_user(url: str, name: str) -> str:
    """A user row written with only the columns the database has at its older revision (the
    model may have columns a later migration adds)."""
    row = UserRow(
        id=str(uuid.uuid4()),
        email=f"{name}@example.com",
        password_hash="hashed",
        role="patient",
        created_at=datetime.now(UTC),
    )
    engine = create_engine(url)
    present = {column["name"] for column in inspect(engine).get_columns("users")}
    columns = [c._copy() for c in UserRow.__table__.columns if c.name in present]  # type: ignore[attr-defined]
    old_users = Table("users", MetaData(), *columns)
    with engine.begin() as connection:
        connection.execute(
            insert(old_users).values({c.name: getattr(row, c.name) for c in columns})
        )
    engine.dispose()
    return row.id


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
    upgrade(url, "0015")
    downgrade(url, "0014")
    upgrade(url, "head")
    assert schema_drift(url) == []
    container = bootstrap(make_settings(tmp_path, database_url=url))
    back = container.skin_models.rollback()
    container.close()
    return back.name if back else None


def test_0015_rolls_back_to_the_version_replaced(empty_database: str, tmp_path: Path) -> None:
    assert rolled_back_after_0015(empty_database, tmp_path) == "skin-cnn-v1"
