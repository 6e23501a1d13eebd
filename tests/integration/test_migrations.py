"""Migrations: the same scripts on SQLite and MariaDB, reversible, and matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import metskin.adapters.db.models  # noqa: F401
from metskin.adapters.db.migrations import downgrade, upgrade
from tests.conftest import create_mysql_database, drop_mysql_database


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
