"""Migration 0030 on SQLite and MariaDB: `users.phone` indexed, so a reply to our SMS number
finds its accounts by the index, not by reading every user; the way back drops it."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text

from metskin.adapters.db.migrations import downgrade, upgrade
from tests.integration.test_migrations import (  # noqa: F401  (the fixture)
    empty_database,
    old_user,
    schema_drift,
)

# What `SqlUserRepository.ids_with_verified_phone` asks, written out for EXPLAIN.
BY_PHONE = "SELECT id FROM users WHERE phone = :p AND phone_verified = :p AND is_active"


def phone_indexes(url: str) -> list[str]:
    engine = create_engine(url)
    names = [
        index["name"] or ""
        for index in inspect(engine).get_indexes("users")
        if index["column_names"] == ["phone"]
    ]
    engine.dispose()
    return names


def plan(url: str) -> str:
    """How the database reads the accounts of one number: SQLite's query plan, or the keys
    MariaDB may use."""
    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        rows = connection.execute(
            text(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + BY_PHONE),
            {"p": "+447700900123"},
        ).mappings()
        found = " ".join(str(row["detail" if sqlite else "possible_keys"]) for row in rows)
    engine.dispose()
    return found


def test_0030_indexes_users_phone_and_round_trips(empty_database: str) -> None:  # noqa: F811
    url = empty_database
    upgrade(url, "0029")
    for n in range(3):
        number = f"+44770090012{n}"
        old_user(url, f"u{n}", phone=number, phone_verified=number, sms_opt_in=True)
    assert phone_indexes(url) == []
    assert "ix_users_phone" not in plan(url)  # before: every user read
    upgrade(url, "0030")
    assert phone_indexes(url) == ["ix_users_phone"]
    assert "ix_users_phone" in plan(url)
    downgrade(url, "0029")
    assert phone_indexes(url) == []
    upgrade(url, "head")
    assert phone_indexes(url) == ["ix_users_phone"]
    assert schema_drift(url) == []  # the model declares the index too
