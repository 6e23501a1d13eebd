"""Engine creation for SQLite (embedded) and MariaDB/MySQL (pymysql)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import create_engine


def make_engine(url: str, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo)
    query = dict(parsed.query)
    query.setdefault("charset", "utf8mb4")
    return create_engine(
        parsed.set(query=query),
        echo=echo,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_size=10,
        max_overflow=20,
        isolation_level="READ COMMITTED",
    )


def _sqlite_engine(url: str, database: str | None, echo: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


LOCK_CONFLICT_CODES = (1205, 1213)  # lock wait timeout, deadlock: MariaDB rolled back


def is_lock_conflict(error: BaseException | None) -> bool:
    """A MariaDB deadlock or lock wait timeout: the transaction is gone, a retry may pass."""
    if not isinstance(error, OperationalError):
        return False
    args: tuple[object, ...] = getattr(error.orig, "args", ())
    return bool(args) and args[0] in LOCK_CONFLICT_CODES
