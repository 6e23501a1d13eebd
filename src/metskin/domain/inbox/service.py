"""Inbox use cases: tell a person (from any unit of work naming an inbox), read, mark read."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from metskin.domain.inbox.model import InboxEntry, Notification, wake_up
from metskin.domain.inbox.ports import InboxRepository, InboxUowFactory
from metskin.domain.messages import Event, Job
from metskin.domain.ports import Clock, read

MAX_MARKED = 100


class _Deferring(Protocol):
    inbox: InboxRepository

    def defer(self, message: Job | Event) -> None: ...


def tell(uow: _Deferring, entry: InboxEntry, at: datetime) -> bool:
    """Write `entry` in `uow` (once per key) and wake the person's streams after the commit;
    True when it was written (not told before)."""
    if not uow.inbox.add(entry, at):
        return False
    uow.defer(wake_up(entry.user_id))
    return True


class InboxService:
    def __init__(self, uow_factory: InboxUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def deliver(self, entry: InboxEntry) -> None:
        with self._uow_factory() as uow:
            tell(uow, entry, self._clock())
            uow.commit()

    def newest(self, user_id: str, before_id: int | None, limit: int) -> list[Notification]:
        return read(self._uow_factory, lambda uow: uow.inbox.newest(user_id, before_id, limit))

    def after(self, user_id: str, after_id: int, limit: int) -> list[Notification]:
        return read(self._uow_factory, lambda uow: uow.inbox.after(user_id, after_id, limit))

    def last(self, user_id: str) -> Notification | None:
        found = self.newest(user_id, None, 1)
        return found[0] if found else None

    def unread_count(self, user_id: str) -> int:
        return read(self._uow_factory, lambda uow: uow.inbox.unread_count(user_id))

    def mark_read(self, user_id: str, ids: list[int] | None) -> int:
        """Only the person's own notifications change; unknown ids are ignored."""
        with self._uow_factory() as uow:
            changed = uow.inbox.mark_read(user_id, ids[:MAX_MARKED] if ids else ids, self._clock())
            uow.commit()
        return changed
