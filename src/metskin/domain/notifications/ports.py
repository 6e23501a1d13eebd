"""Ports of notifications: the log of what was sent, the mail renderer, its unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.messages import OutgoingEmail
from metskin.domain.ports import ConsentRecords, UnitOfWork


class SentNotificationLog(Protocol):
    def was_sent(self, dedupe_key: str) -> bool: ...
    def record(self, dedupe_key: str, channel: str, recipient: str, when: datetime) -> None: ...


class MailRenderer(Protocol):
    def render_email(
        self, template: str, to: str, context: dict[str, Any], locale: str | None = None
    ) -> OutgoingEmail:
        """The email in the locale's language (English when None or unsupported)."""
        ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    sent_notifications: SentNotificationLog
    users: UserRepository
    inbox: InboxRepository  # where the person is told their SMS were turned off
    consent_records: ConsentRecords  # their own SMS choices, which a START reply reads


NotificationsUowFactory = Callable[[], NotificationsUnitOfWork]


class EmailSuppressions(Protocol):
    """The email provider's own lists of addresses it drops our mail to (SendGrid's bounces,
    spam reports and blocks): a bounce or a spam report puts an address there, and the
    provider keeps dropping mail to it after the person confirmed it again or turned emails on
    again, until it is taken off."""

    def clear(self, email: str) -> None:
        """Take `email` off every such list (not being on one is no error). Raises
        DeliveryUnavailable when the provider could not answer now (retry), DeliveryRefused
        when it refused the request."""
        ...
