"""What a sender raises when a message does not leave, in the domain's terms (the notify
adapters raise subclasses): refused for good, or not taken now (retried)."""

from __future__ import annotations

from metskin.domain.errors import DomainError


class DeliveryRefused(DomainError, code="NOTIFICATION_REJECTED"):
    """The provider refused the message for good (never retried). `recipient`: it refused
    the address or number itself (an invalid number, a landline, one that opted out); else it
    refused us (our account, our sender number): nothing the person can change."""

    def __init__(self, message: str, *, status: int, recipient: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.recipient = recipient


class DeliveryUnavailable(Exception):
    """The provider could not take the message now (down, unreachable, or too many
    messages): retried. Not a DomainError, so the worker retries it. `retry_after`: the
    seconds the provider asked to wait (a 429's Retry-After), when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
