"""Ports of the inbox: its repository (other components' units of work name it too, to write
a notification with the change it tells about) and its own unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from metskin.domain.inbox.model import InboxEntry, Notification, NotificationKind
from metskin.domain.ports import UnitOfWork


class InboxRepository(Protocol):
    def add(self, entry: InboxEntry, at: datetime) -> bool:
        """Store it unless the person already has one with this key; True when stored."""
        ...

    def newest(self, user_id: str, before_id: int | None, limit: int) -> list[Notification]:
        """Newest first, ids below `before_id`."""
        ...

    def after(self, user_id: str, after_id: int, limit: int) -> list[Notification]:
        """Oldest first, ids above `after_id`."""
        ...

    def mark_read(self, user_id: str, ids: list[int] | None, at: datetime) -> int:
        """Mark these (or all, with None) unread ones read; how many changed."""
        ...

    def unread_count(self, user_id: str) -> int: ...

    def latest_of(self, user_id: str, kinds: tuple[NotificationKind, ...]) -> Notification | None:
        """The person's newest notification of one of `kinds`."""
        ...

    def newest_of(
        self, user_id: str, kinds: tuple[NotificationKind, ...], limit: int
    ) -> list[Notification]:
        """The person's `limit` newest notifications of `kinds`, newest first."""
        ...


class InboxUnitOfWork(UnitOfWork, Protocol):
    inbox: InboxRepository


InboxUowFactory = Callable[[], InboxUnitOfWork]
