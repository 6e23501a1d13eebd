"""A database that stopped answering (a frozen server, a network that drops its packets, a
failover in progress) costs each request its whole read or connect timeout, and every worker
thread waiting so leaves none for the requests that would not need it. After a timeout, the
engine's pool refuses a connection at once with DATABASE_UNAVAILABLE for a pause; after it,
one request at a time tries the server again, until one is answered. A refused connection fails
fast by itself and pauses nothing.

A read that the event loop waits for (the person's locale, `graphql.context`) is never that one
try: run `without_trying`, it is refused at once while the database is away, pause or not.
Before, it could be the try and stand the whole process still for its wait."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import pymysql
from sqlalchemy.pool import QueuePool

from metskin.adapters.pause import Pause
from metskin.domain.errors import DatabaseUnavailable

PAUSE_S = 2.0  # then one try: a server back in the meantime answers it
UNAVAILABLE = "The database cannot be reached just now; try again soon."

T = TypeVar("T")
_NEVER_TRIES: ContextVar[bool] = ContextVar("metskin_db_never_tries", default=False)


def without_trying(call: Callable[[], T]) -> T:
    """`call()`, refused at once (DATABASE_UNAVAILABLE) while the database is away, even when
    the pause has run out: it never waits out the server's timeout for the others."""
    token = _NEVER_TRIES.set(True)
    try:
        return call()
    finally:
        _NEVER_TRIES.reset(token)


def timed_out(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it, a driver error under SQLAlchemy's or ours) is a
    socket timeout: the server took the connection and did not answer. (Not the pool's own
    wait for a free connection: that is this process's load, not the server away.)"""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, TimeoutError) or (
            isinstance(error, pymysql.err.OperationalError) and "timed out" in str(error)
        ):
            return True
        error = error.__cause__ or error.__context__ or getattr(error, "orig", None)
    return False


class DatabaseAway(Pause):
    """Away after a timeout until a connection is had again; while the pause lasts nobody
    tries, after it one try at a time (the others are refused as during the pause)."""

    def __init__(self, pause_s: float = PAUSE_S) -> None:
        super().__init__(pause_s)
        self.away = False
        self._trying = False
        self._lock = threading.Lock()

    def failed(self, error: BaseException | None) -> None:
        if timed_out(error):
            with self._lock:
                self.away = True
                self.start()

    def admit(self) -> bool:
        """Whether this caller may ask the server now (and, when it is away, is the one try)."""
        with self._lock:
            if not self.away:
                return True
            if self.now() or self._trying or _NEVER_TRIES.get():
                return False
            self._trying = True
            return True

    def done(self, answered: bool) -> None:
        with self._lock:
            self._trying = False
            if answered:
                self.away = False


class PausingPool(QueuePool):
    """The engine's pool, refusing at once while the database is away (`DatabaseAway`)."""

    def __init__(self, *args: Any, away: DatabaseAway | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.away = away or DatabaseAway()

    def recreate(self) -> PausingPool:
        pool = super().recreate()
        assert isinstance(pool, PausingPool)
        pool.away = self.away
        return pool

    def connect(self) -> Any:
        if not self.away.admit():
            raise DatabaseUnavailable(UNAVAILABLE)
        try:
            connection = super().connect()  # with the pre-ping: the server answered
        except BaseException as error:
            self.away.failed(error)
            self.away.done(answered=False)
            raise
        self.away.done(answered=True)
        return connection
