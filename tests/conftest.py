"""Shared fixtures: settings per test, databases per backend, Redis, and the container."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import metskin.adapters.db.models  # noqa: F401  (every table, for wipe)
from metskin.adapters.db.migrations import upgrade
from metskin.bootstrap import Container, bootstrap
from metskin.settings import Settings
from tests.e2e.conftest import client  # noqa: F401 (the API client, for integration tests too)
from tests.event_loop_sql import ON_THE_LOOP

# The tests (and the servers they start) run in explicit development mode, with rate limits
# raised 100 times: they register and log in far more than a person does. The tests of the
# limits set their own (tests/e2e/test_limits_api.py).
os.environ.setdefault("METSKIN_ENV", "development")
os.environ.setdefault("METSKIN_RATE_LIMIT_SCALE", "100")

MYSQL_URL = os.environ.get("METSKIN_TEST_MYSQL_URL", "")
REDIS_URL = os.environ.get("METSKIN_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("METSKIN_REQUIRE_SERVICES") == "1"
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"


def _service_or_skip(url: str, name: str) -> str:
    if url:
        return url
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (run through scripts/with-services.sh)")
    pytest.skip(f"{name} not configured")


@pytest.fixture(scope="session")
def mysql_server_url() -> str:
    return _service_or_skip(MYSQL_URL, "MariaDB")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _service_or_skip(REDIS_URL, "Redis")


def create_mysql_database(server_url: str, prefix: str = "metskin_test") -> str:
    """A new, empty utf8mb4 database on the server (its URL): tests, the cluster, the benches."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url)
    with engine.connect() as connection:
        connection.execute(
            text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        )
    engine.dispose()
    return server_url.rstrip("/") + f"/{name}"


def drop_mysql_database(database_url: str) -> None:
    server, _, name = database_url.rpartition("/")
    engine = create_engine(server + "/")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_mysql(mysql_server_url: str) -> Iterator[str]:
    url = create_mysql_database(mysql_server_url)
    upgrade(url)
    yield url
    drop_mysql_database(url)


def wipe(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        upgrade(url)
        yield url
        return
    url = request.getfixturevalue("migrated_mysql")
    wipe(url)
    yield url
    wipe(url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "var_dir": tmp_path / "var",
        "redis_url": "",
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 8,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    container = bootstrap(settings)
    yield container
    container.close()


@pytest.fixture
def embedded_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """`get_settings()` pointed at a fresh, migrated SQLite database under `tmp_path`."""
    from metskin.settings import get_settings

    for name, value in {
        "METSKIN_VAR_DIR": str(tmp_path / "var"),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    upgrade(get_settings().effective_database_url)
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def no_sql_on_the_event_loop() -> Iterator[None]:
    """Every test: the API ran no SQL on an event loop's thread (`tests/event_loop_sql.py`)."""
    ON_THE_LOOP.clear()
    yield
    found, ON_THE_LOOP[:] = list(ON_THE_LOOP), []
    assert not found, "SQL run on the event loop by the API:\n" + "\n".join(found)
