"""The base of every fake unit of work and of the in-memory repositories.

A fake unit of work is its own factory (`uow()` returns it), so a service built on it and the
test share one store. Each `with` block is a transaction: leaving it without a commit restores
the repositories as they were at its start (or at its last commit); jobs and events deferred
inside it are released only by a commit, into `released` (and to `dispatch`, if set).
Nested `with` blocks on one fake share its store (an inner block rolls back to its own start).
Constraints a database checks at commit (unique keys) are checked by `commit`, which then rolls
back and raises the domain `Conflict`, as the SQL unit of work does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

from metskin.domain.errors import Conflict
from metskin.domain.messages import Event, Job


class InMemoryRepository:
    """A repository whose data the unit of work can snapshot and restore.

    Attributes that hold another repository are links (a join), not data: they are left alone.
    """

    def snapshot(self) -> dict[str, Any]:
        return {
            name: copy.deepcopy(value)
            for name, value in vars(self).items()
            if not isinstance(value, InMemoryRepository)
        }

    def restore(self, state: dict[str, Any]) -> None:
        vars(self).update(copy.deepcopy(state))

    def check_constraints(self) -> None:
        """Raise the domain Conflict when a unique key is broken (called by commit)."""


Row = TypeVar("Row")


def by_created(row: Any) -> tuple[Any, str]:
    """The keyset most lists page by: creation time, then id."""
    return (row.created_at, row.id)


class InMemoryTable(InMemoryRepository, Generic[Row]):
    """Rows by their key (the `key_field` attribute, `id` by default), copied in and out so that
    no caller holds the store's objects: `add` (a Conflict on a taken key), `get`, `save` (a
    LookupError on an unknown key), `get_many`, and keyset pages, newest or oldest first.
    """

    noun = "row"
    key_field = "id"

    def __init__(self) -> None:
        self.rows: dict[Any, Row] = {}

    def key_of(self, row: Row) -> Any:
        return getattr(row, self.key_field)

    def add(self, row: Row) -> None:
        key = self.key_of(row)
        if key in self.rows:
            raise Conflict(f"{self.noun} {key} exists")
        self.rows[key] = copy.deepcopy(row)

    def get(self, key: Any) -> Row | None:
        return copy.deepcopy(self.rows.get(key))

    def save(self, row: Row) -> None:
        key = self.key_of(row)
        if key not in self.rows:
            raise LookupError(key)
        self.rows[key] = copy.deepcopy(row)

    def get_many(self, keys: Iterable[Any]) -> list[Row]:
        """The rows of these keys, each once, in the order asked; unknown keys are skipped."""
        return [copy.deepcopy(self.rows[k]) for k in dict.fromkeys(keys) if k in self.rows]

    def page(
        self,
        keep: Callable[[Row], bool],
        keyset: Any | None,
        limit: int,
        *,
        newest: bool,
        order: Callable[[Row], Any] = by_created,
    ) -> list[Row]:
        """The kept rows in `order` (newest first, or oldest first), strictly beyond `keyset`."""
        found = sorted((r for r in self.rows.values() if keep(r)), key=order, reverse=newest)
        if keyset is not None:
            found = [r for r in found if (order(r) < keyset if newest else order(r) > keyset)]
        return copy.deepcopy(found[:limit])


@dataclass
class _Transaction:
    snapshot: dict[int, dict[str, Any]]
    pending: list[Job | Event] = field(default_factory=list)


class FakeUnitOfWork:
    """Commit counting, rollback on exit without commit, deferred messages released on commit."""

    def __init__(self) -> None:
        self._start()

    def __post_init__(self) -> None:
        """A dataclass unit of work names its repositories as fields; this sets up the rest."""
        self._start()

    def _start(self) -> None:
        self.commits = 0
        self.rollbacks = 0
        self.released: list[Job | Event] = []
        self.dispatch: Callable[[list[Job | Event]], None] | None = None
        self.fail_next_commit: Exception | None = None
        self._transactions: list[_Transaction] = []

    def __call__(self) -> Self:
        return self

    # --- the UnitOfWork protocol ---------------------------------------------------------------

    def __enter__(self) -> Self:
        self._transactions.append(_Transaction(self._snapshot()))
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Rolls back what was not committed, whether or not the block raised."""
        self.rollback()
        self._transactions.pop()

    def commit(self) -> None:
        transaction = self._current()
        if self.fail_next_commit is not None:
            error, self.fail_next_commit = self.fail_next_commit, None
            raise error
        try:
            for repository in self.repositories():
                repository.check_constraints()
        except Conflict:
            self.rollback()  # as the SQL unit of work does on an integrity error
            raise
        self.commits += 1
        released, transaction.pending = transaction.pending, []
        transaction.snapshot = self._snapshot()
        self.released.extend(released)
        if self.dispatch is not None and released:
            self.dispatch(released)

    def rollback(self) -> None:
        transaction = self._current()
        transaction.pending = []
        if transaction.snapshot != self._snapshot():
            self.rollbacks += 1
            for repository in self.repositories():
                repository.restore(transaction.snapshot[id(repository)])

    def defer(self, message: Job | Event) -> None:
        self._current().pending.append(message)

    # --- for the tests -------------------------------------------------------------------------

    @property
    def jobs(self) -> list[Job]:
        """Jobs released by commits, in order."""
        return [m for m in self.released if isinstance(m, Job)]

    @property
    def events(self) -> list[Event]:
        """Events released by commits, in order."""
        return [m for m in self.released if isinstance(m, Event)]

    @property
    def in_transaction(self) -> bool:
        return bool(self._transactions)

    def repositories(self) -> list[InMemoryRepository]:
        """Every repository of this unit of work, once (one may serve two ports)."""
        found: dict[int, InMemoryRepository] = {}
        for value in vars(self).values():
            if isinstance(value, InMemoryRepository):
                found.setdefault(id(value), value)
        return list(found.values())

    def _snapshot(self) -> dict[int, dict[str, Any]]:
        return {id(repository): repository.snapshot() for repository in self.repositories()}

    def _current(self) -> _Transaction:
        if not self._transactions:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._transactions[-1]
