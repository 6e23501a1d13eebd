"""A database that takes connections and never answers (a frozen server, a dropped network):
after one connection timed out, the engine refuses at once for a pause, then tries again one
request at a time. A refused connection pauses nothing. (A socket that listens and never
speaks stands in for the server; tests/integration/test_mariadb_restart.py freezes a real one.)"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pymysql
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from metskin.adapters.db.away import DatabaseAway, PausingPool, timed_out, without_trying
from metskin.adapters.db.engine import make_engine
from metskin.domain.errors import DatabaseUnavailable


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose listener accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


def connect_seconds(engine: Engine) -> float:
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return time.monotonic() - started


def test_after_a_timeout_the_engine_refuses_at_once_then_tries_one_at_a_time(
    silent_server: int,
) -> None:
    url = f"mysql+pymysql://root@127.0.0.1:{silent_server}/x?connect_timeout=1&read_timeout=1"
    engine = make_engine(url)
    pool = engine.pool
    assert isinstance(pool, PausingPool)
    pool.away.seconds = 0.5
    try:
        assert connect_seconds(engine) >= 0.9  # the first waits out the timeout
        assert connect_seconds(engine) < 0.1  # then refused at once
        time.sleep(0.6)  # the pause is over: one try, the others refused while it waits
        waits: list[float] = []
        tries = [threading.Thread(target=lambda: waits.append(connect_seconds(engine)))]
        tries[0].start()
        time.sleep(0.2)
        tries += [threading.Thread(target=lambda: waits.append(connect_seconds(engine)))]
        tries[1].start()
        for thread in tries:
            thread.join()
        assert sorted(round(w) for w in waits) == [0, 1], waits
    finally:
        engine.dispose()


def test_a_refused_connection_pauses_nothing() -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: refused at once
    engine = make_engine(
        f"mysql+pymysql://root@127.0.0.1:{port}/x?connect_timeout=1&read_timeout=1"
    )
    try:
        connect_seconds(engine)
        assert isinstance(engine.pool, PausingPool) and not engine.pool.away.away
    finally:
        engine.dispose()


def test_away_until_a_connection_is_had_again() -> None:
    away = DatabaseAway(pause_s=0.0)
    lost = pymysql.err.OperationalError(2013, "Lost connection to MySQL server (timed out)")
    away.failed(pymysql.err.OperationalError(1205, "Lock wait timeout exceeded"))
    away.failed(PoolTimeout("QueuePool limit reached, connection timed out"))  # our own load
    assert not away.away
    away.failed(lost)
    assert away.away and away.admit()  # the pause (0 s) is over: this caller tries
    assert not away.admit()  # one try at a time
    away.done(answered=False)
    assert away.away and away.admit()
    away.done(answered=True)
    assert not away.away and away.admit() and away.admit()
    wrapped = DatabaseUnavailable("unavailable")
    wrapped.__cause__ = lost
    assert timed_out(wrapped) and not timed_out(DatabaseUnavailable("refused"))


def test_a_caller_without_trying_is_never_the_try() -> None:
    """A read the event loop waits for (`without_trying`) is refused while the database is
    away, also once the pause is over; it asks as usual when the database answers."""
    away = DatabaseAway(pause_s=0.0)
    assert without_trying(away.admit)  # not away: asks
    away.done(answered=True)
    away.failed(pymysql.err.OperationalError(2013, "Lost connection (timed out)"))
    assert not without_trying(away.admit)  # the pause is over, but not this caller's try
    assert away.admit()  # the next caller is the try
    away.done(answered=True)
    assert without_trying(away.admit)
