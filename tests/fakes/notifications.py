"""In-memory fakes of the notifications log and the notifications unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.notifications.ports import SentNotificationLog
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


@dataclass(frozen=True)
class SentRecord:
    channel: str
    recipient: str
    when: datetime


class FakeSentNotificationLog(InMemoryRepository):
    """What was sent, by dedupe key (a unique key: recording one twice is a Conflict)."""

    def __init__(self) -> None:
        self.keys: dict[str, SentRecord] = {}

    def was_sent(self, dedupe_key: str) -> bool:
        return dedupe_key in self.keys

    def record(self, dedupe_key: str, channel: str, recipient: str, when: datetime) -> None:
        if dedupe_key in self.keys:
            raise Conflict(f"{dedupe_key} was already recorded")
        self.keys[dedupe_key] = SentRecord(channel, recipient, when)


@dataclass(eq=False)
class FakeNotificationsUnitOfWork(FakeUnitOfWork):
    sent_notifications: SentNotificationLog = field(default_factory=FakeSentNotificationLog)
    users: UserRepository = field(default_factory=FakeUserRepository)
    inbox: InboxRepository = field(default_factory=FakeInbox)
