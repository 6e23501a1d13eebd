"""In-memory fake of the inbox repository and the inbox unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime

from metskin.domain.inbox.model import InboxEntry, Notification, NotificationKind
from metskin.domain.inbox.ports import InboxRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeInbox(InMemoryRepository):
    """Notifications of everyone, with increasing ids; once per (person, key)."""

    def __init__(self) -> None:
        self.items: list[Notification] = []

    def add(self, entry: InboxEntry, at: datetime) -> bool:
        if any(n.user_id == entry.user_id and n.key == entry.key for n in self.items):
            return False
        number = len(self.items) + 1
        payload = copy.deepcopy(entry.payload)
        self.items.append(Notification(number, entry.user_id, entry.kind, entry.key, at, payload))
        return True

    def newest(self, user_id: str, before_id: int | None, limit: int) -> list[Notification]:
        mine = [
            n
            for n in self.items
            if n.user_id == user_id and (before_id is None or n.id < before_id)
        ]
        return copy.deepcopy(list(reversed(mine))[:limit])

    def after(self, user_id: str, after_id: int, limit: int) -> list[Notification]:
        mine = [n for n in self.items if n.user_id == user_id and n.id > after_id]
        return copy.deepcopy(mine[:limit])

    def mark_read(self, user_id: str, ids: list[int] | None, at: datetime) -> int:
        changed = 0
        for index, item in enumerate(self.items):
            wanted = ids is None or item.id in ids
            if item.user_id == user_id and item.read_at is None and wanted:
                self.items[index] = replace(item, read_at=at)
                changed += 1
        return changed

    def unread_count(self, user_id: str) -> int:
        return sum(1 for n in self.items if n.user_id == user_id and n.read_at is None)

    def latest_of(self, user_id: str, kinds: tuple[NotificationKind, ...]) -> Notification | None:
        found = self.newest_of(user_id, kinds, 1)
        return found[0] if found else None

    def newest_of(
        self, user_id: str, kinds: tuple[NotificationKind, ...], limit: int
    ) -> list[Notification]:
        mine = [n for n in self.items if n.user_id == user_id and n.kind in kinds]
        return copy.deepcopy(mine[::-1][:limit])

    def kinds(self, user_id: str) -> list[str]:
        return [n.kind.value for n in self.items if n.user_id == user_id]


@dataclass(eq=False)
class FakeInboxUnitOfWork(FakeUnitOfWork):
    inbox: InboxRepository = field(default_factory=FakeInbox)
