"""In-memory fakes of the notifications log and the notifications unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable
from metskin.domain.notifications.ports import SentNotificationLog
from metskin.domain.ports import ConsentRecords
from tests.fakes.accounts import FakeUserRepository, fake_consent_records
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
    consent_records: ConsentRecords = field(default_factory=fake_consent_records)


class FakeEmailSuppressions:
    """The email provider's suppression lists: `listed` holds the addresses it drops mail to,
    `cleared` every address taken off, in order; `fail_next` (an exception) is raised by the
    next `clear`, as the provider being away (DeliveryUnavailable) or refusing (DeliveryRefused)."""

    def __init__(self, *listed: str) -> None:
        self.listed = set(listed)
        self.cleared: list[str] = []
        self.fail_next: DeliveryUnavailable | DeliveryRefused | None = None

    def clear(self, email: str) -> None:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.listed.discard(email)
        self.cleared.append(email)
