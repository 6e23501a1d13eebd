"""Ports of check-ins: the schedule of each person, and the unit of work of its use cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.checkins.model import CheckIn
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import UnitOfWork


class CheckInRepository(Protocol):
    def get(self, user_id: str) -> CheckIn | None: ...

    def save(self, check_in: CheckIn) -> None:
        """Insert or update the person's schedule."""
        ...

    def due(self, now: datetime, limit: int) -> list[CheckIn]:
        """Schedules due by `now` whose due date nobody was told about yet and that are not
        put off past `now`, oldest due first (locked, SKIP LOCKED, so parallel scans take
        different rows)."""
        ...

    def put_off(self, user_id: str, due_at: datetime, until: datetime) -> None:
        """Leave `due_at` untold until `until` (`notify_at`), unless it was told meanwhile or
        the due date moved."""
        ...

    def tell_again_at(self, user_id: str, due_at: datetime, until: datetime) -> bool:
        """Undo `mark_told` of `due_at` and put it off to `until` (its send job found the
        person's night), unless the due date moved: the scan tells it again from `until`."""
        ...

    def mark_told(self, user_id: str, due_at: datetime) -> bool:
        """Record that the person was told about `due_at`, unless it is recorded already or
        the due date moved: True only for the one caller that records it."""
        ...


class CheckInsUnitOfWork(UnitOfWork, Protocol):
    check_ins: CheckInRepository
    users: UserRepository
    inbox: InboxRepository


CheckInsUowFactory = Callable[[], CheckInsUnitOfWork]
