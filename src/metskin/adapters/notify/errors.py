"""What a notifier sender raises: retry later (transient) or give up (rejected)."""

from __future__ import annotations

import json
from typing import Any

from metskin.domain.errors import DomainError

_MAX_DETAIL = 200


class NotifierUnavailable(Exception):
    """The provider could not take the message now (5xx, 408, 429 or a network error).

    Not a DomainError on purpose: the worker retries it with backoff.
    """


class NotificationRejected(DomainError):
    """The provider refused the message for good (a 4xx other than 408/429): never retried."""

    code = "NOTIFICATION_REJECTED"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def is_transient(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def raise_for_status(provider: str, status: int, body: bytes | str | None) -> None:
    """Map a non-2xx provider answer to NotifierUnavailable or NotificationRejected.

    Only the provider's own error text is quoted (shortened); never our request.
    """
    if 200 <= status < 300:
        return
    detail = provider_error_detail(body)
    message = f"{provider} answered HTTP {status}" + (f": {detail}" if detail else "")
    if is_transient(status):
        raise NotifierUnavailable(message)
    raise NotificationRejected(message, status=status)


def provider_error_detail(body: bytes | str | None) -> str:
    """The `message` fields of a JSON error answer (SendGrid `errors[]`, Twilio `message`)."""
    if not body:
        return ""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    messages: list[str] = []
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            messages.append(data["message"])
        for error in data.get("errors") or []:
            if isinstance(error, dict) and isinstance(error.get("message"), str):
                messages.append(error["message"])
    text = "; ".join(messages)
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"
