"""In-memory fake of the check-in schedules and the check-ins unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.checkins.model import CheckIn
from metskin.domain.checkins.ports import CheckInRepository
from metskin.domain.inbox.ports import InboxRepository
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.uow import FakeUnitOfWork, InMemoryTable


class FakeCheckInRepository(InMemoryTable[CheckIn]):
    noun = "check-in"
    key_field = "user_id"

    def save(self, check_in: CheckIn) -> None:
        self.rows[check_in.user_id] = copy.deepcopy(check_in)

    def due(self, now: datetime, limit: int) -> list[CheckIn]:
        found = [
            c
            for c in self.rows.values()
            if c.due_at is not None
            and c.due_at <= now
            and c.told_due_at != c.due_at
            and (c.notify_at is None or c.notify_at <= now)
        ]
        return copy.deepcopy(sorted(found, key=lambda c: c.due_at or now)[:limit])

    def put_off(self, user_id: str, due_at: datetime, until: datetime) -> None:
        self._untold(user_id, due_at, notify_at=until)

    def mark_told(self, user_id: str, due_at: datetime) -> bool:
        return self._untold(user_id, due_at, told_due_at=due_at)

    def tell_again_at(self, user_id: str, due_at: datetime, until: datetime) -> bool:
        found = self.rows.get(user_id)
        if found is None or found.due_at != due_at or found.told_due_at != due_at:
            return False
        found.told_due_at, found.notify_at = None, until
        return True

    def _untold(self, user_id: str, due_at: datetime, **values: datetime) -> bool:
        found = self.rows.get(user_id)
        if found is None or found.due_at != due_at or found.told_due_at == due_at:
            return False
        for name, value in values.items():
            setattr(found, name, value)
        return True


@dataclass(eq=False)
class FakeCheckInsUnitOfWork(FakeUnitOfWork):
    check_ins: CheckInRepository = field(default_factory=FakeCheckInRepository)
    users: UserRepository = field(default_factory=FakeUserRepository)
    inbox: InboxRepository = field(default_factory=FakeInbox)
