"""Ports every component shares: the base unit of work, the job queue, events, notifier, clock,
and the consent records (photo analysis for privacy and analysis, text messages for accounts
and notifications).

Each component declares its own unit of work in its `ports.py` (only the repositories it uses),
as a sub-protocol of `UnitOfWork`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from metskin.domain.messages import Event, Job, OutgoingEmail, OutgoingSms

if TYPE_CHECKING:
    from metskin.domain.privacy.model import ConsentPurpose, ConsentRecord

Clock = Callable[[], datetime]
CreatedKey = tuple[datetime, str]
"""Where a newest-first list resumes: (created at, id) of the last row seen."""


class UnitOfWork(Protocol):
    """One transaction. Only the unit of work commits; jobs and events wait for the commit."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def defer(self, message: Job | Event) -> None:
        """Buffer a job or event; it is released after commit and dropped on rollback."""
        ...


U = TypeVar("U", bound=UnitOfWork)
T = TypeVar("T")


def read(uow_factory: Callable[[], U], query: Callable[[U], T]) -> T:
    """Run a read-only query in a unit of work of its own (never committed)."""
    with uow_factory() as uow:
        return query(uow)


class JobQueue(Protocol):
    def enqueue(self, job: Job) -> None: ...
    def available(self) -> bool:
        """Whether a job sent now would reach the queue (asked before writing what needs one)."""
        ...


class EventBus(Protocol):
    def publish(self, event: Event) -> None: ...
    def latest(self, channel: str) -> dict[str, Any] | None: ...
    def subscribe(
        self, channel: str, on_ready: Callable[[], None] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Messages published from now on; `on_ready` runs once the subscription is live, so
        the caller can re-read the store and miss nothing published before it."""
        ...


class Notifier(Protocol):
    def send_email(self, email: OutgoingEmail) -> None: ...
    def send_sms(self, sms: OutgoingSms) -> None: ...


class ConsentRecords(Protocol):
    """Every give and withdrawal of a consent (append-only: rows are added, never changed)."""

    def add(self, record: ConsentRecord) -> None: ...

    def latest(self, user_id: str, purpose: ConsentPurpose) -> ConsentRecord | None: ...

    def history(self, user_id: str) -> list[ConsentRecord]:
        """Every record of the person, oldest first."""
        ...
