"""What a unit of work hands its repositories: a plain Connection until the ORM is needed.

Most reads (`me { analyses }`: the session check, the viewer, the page) only run Core
statements on `session.connection()`; building an ORM `Session` for them, beginning its
transaction and closing it cost about as much as the three SELECTs' own Python. `LazySession`
answers `connection()` with a plain Connection of the engine, and builds the ORM `Session` on the
first use of anything else (`add`, `exec`, `get`, ...) over that same Connection, in control of
its transaction (`join_transaction_mode="control_fully"`): one connection and one transaction
per unit of work either way, committed, rolled back and closed as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session

_NO_ROWS: Mapping[Any, Any] = MappingProxyType({})


class LazySession:
    """A Session for the repositories, built on first ORM use; `connection()` needs none."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._orm: Session | None = None

    @property
    def orm(self) -> Session:
        """The ORM Session, on the unit of work's connection when one is open."""
        if self._orm is None:
            if self._connection is None:
                self._orm = Session(self._engine, expire_on_commit=False)
            else:
                self._orm = Session(
                    bind=self._connection,
                    expire_on_commit=False,
                    join_transaction_mode="control_fully",
                )
        return self._orm

    def connection(self, *args: Any, **kwargs: Any) -> Connection:
        if self._orm is not None or args or kwargs:
            return self.orm.connection(*args, **kwargs)
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.orm, name)

    @property
    def identity_map(self) -> Any:
        """The ORM rows held; none (an empty mapping) before the ORM Session exists, which
        asking does not build (the worker's save asks on every analysis)."""
        return self._orm.identity_map if self._orm is not None else _NO_ROWS

    def expire_all(self) -> None:
        if self._orm is not None:  # no ORM Session: no row to expire
            self._orm.expire_all()

    def commit(self) -> None:
        if self._orm is not None:
            self._orm.commit()
        elif self._connection is not None:
            self._connection.commit()

    def rollback(self) -> None:
        if self._orm is not None:
            self._orm.rollback()
        elif self._connection is not None:
            self._connection.rollback()

    def close(self) -> None:
        """End the transaction (what was not committed is rolled back) and free the
        connection; usable again afterwards, as a Session is."""
        orm, connection, self._orm, self._connection = self._orm, self._connection, None, None
        try:
            if orm is not None:
                orm.close()
        finally:
            if connection is not None:
                connection.close()


def orm_built(session: object) -> bool:
    """Whether the unit of work's session has built its ORM Session (rows may be held, pending
    or changed in it, which an ORM read sees); a plain Session always has."""
    return not isinstance(session, LazySession) or session._orm is not None
