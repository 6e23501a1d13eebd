"""One Notifier over per-channel senders, with the file outbox for a channel not configured."""

from __future__ import annotations

from typing import Protocol

from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.ports import Notifier


class EmailSender(Protocol):
    def send_email(self, email: OutgoingEmail) -> None: ...


class SmsSender(Protocol):
    def send_sms(self, sms: OutgoingSms) -> None: ...


class CompositeNotifier:
    """Email to `email_sender`, SMS to `sms_sender`; a missing one goes to `fallback`.

    Errors of a configured sender are passed on unchanged (a transient one must reach
    the worker to be retried); they never silently fall back to the outbox.
    """

    def __init__(
        self,
        email_sender: EmailSender | None,
        sms_sender: SmsSender | None,
        *,
        fallback: Notifier,
    ) -> None:
        self._email: EmailSender = email_sender or fallback
        self._sms: SmsSender = sms_sender or fallback

    def send_email(self, email: OutgoingEmail) -> None:
        self._email.send_email(email)

    def send_sms(self, sms: OutgoingSms) -> None:
        self._sms.send_sms(sms)

    def __repr__(self) -> str:
        return f"CompositeNotifier(email={self._email!r}, sms={self._sms!r})"
