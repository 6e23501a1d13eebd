"""Engine creation for SQLite (embedded) and MariaDB/MySQL (pymysql)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import create_engine

from metskin.adapters.db.away import UNAVAILABLE, DatabaseAway, PausingPool
from metskin.domain.errors import DatabaseUnavailable


def make_engine(url: str, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo)
    query = dict(parsed.query)
    query.setdefault("charset", "utf8mb4")
    # No request waits on a server that went away: connecting to a host that does not answer
    # gives up after 5 s; a server that took the connection and says nothing (at the greeting,
    # a read or a write) after 30 s (the URL may say otherwise); and after a timeout the pool
    # refuses at once until the server answers again (`away.PausingPool`).
    timeouts = {name: seconds for name, seconds in TIMEOUTS.items() if name not in query}
    engine = create_engine(
        parsed.set(query=query),
        echo=echo,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_size=10,
        max_overflow=20,
        pool_timeout=10,
        isolation_level="READ COMMITTED",
        poolclass=PausingPool,
        connect_args=timeouts,
    )
    event.listen(engine, "handle_error", _unavailable)
    return engine


TIMEOUTS = {"connect_timeout": 5, "read_timeout": 30, "write_timeout": 30}
UNREACHABLE_CODES = (2003, 2006, 2013, 2055)  # can't connect, gone away, lost, lost at handshake


def _unavailable(context: Any) -> BaseException | None:
    """A lost or refused connection becomes DATABASE_UNAVAILABLE (the pool drops the connection
    and its pre-ping reconnects on the next request), not an internal error."""
    away = getattr(getattr(context.engine, "pool", None), "away", None)
    if isinstance(away, DatabaseAway):
        away.failed(context.original_exception)
    args: tuple[object, ...] = getattr(context.original_exception, "args", ())
    if context.is_disconnect or (bool(args) and args[0] in UNREACHABLE_CODES):
        return DatabaseUnavailable(UNAVAILABLE)
    return None


def _sqlite_engine(url: str, database: str | None, echo: bool) -> Engine:
    pool: dict[str, Any] = {}
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # As many kept connections as MariaDB's pool: with the default 5, a server under
        # more than 5 concurrent worker-thread hops opened (and ran the pragmas on) a new
        # connection for nearly every unit of work beyond the fifth, and closed it after.
        pool = {"pool_size": 10, "max_overflow": 20}
    engine = create_engine(
        url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pool
    )

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    event.listen(engine, "before_execute", _locked_read)
    return engine


def _locked_read(connection: Connection, statement: Any, *_args: Any) -> None:
    """Every locked read on SQLite (a SELECT ... FOR UPDATE, ORM or Core, of any component's
    unit of work) takes the write lock first: `lock_for_writing`. Before, only the analysis
    component's did (each repository called it), and two bookings' locked reads of one
    appointment read what the other was about to overwrite."""
    if getattr(statement, "_for_update_arg", None) is not None:  # `Select.with_for_update`
        lock_for_writing(connection)


LOCK_CONFLICT_CODES = (1205, 1213)  # lock wait timeout, deadlock: MariaDB rolled back


def is_lock_conflict(error: BaseException | None) -> bool:
    """A MariaDB deadlock or lock wait timeout: the transaction is gone, a retry may pass."""
    if not isinstance(error, OperationalError):
        return False
    args: tuple[object, ...] = getattr(error.orig, "args", ())
    return bool(args) and args[0] in LOCK_CONFLICT_CODES


def lock_for_writing(connection: Connection) -> None:
    """Before a locked read (`SELECT ... FOR UPDATE`): SQLite has no row locks and drops the
    `FOR UPDATE`, so there the unit of work takes the database's write lock first (`BEGIN
    IMMEDIATE`, kept to its commit or rollback). Two units of work that lock the same rows then
    run one after the other, as they do on MariaDB; before, each read what the other had not
    committed yet. A transaction that has written holds the lock already; MariaDB: nothing.
    Called for every locked read on SQLite by the engine (`_locked_read`)."""
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
