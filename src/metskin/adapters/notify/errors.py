"""What a notifier sender raises: retry later (transient) or give up (rejected)."""

from __future__ import annotations

import json
from typing import Any

from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable

_MAX_DETAIL = 200
# Twilio's error codes that refuse the number itself: not a valid number (21211), not
# reachable (21214), no route to it (21612), not a mobile (21614), opted out (21610).
NUMBER_REFUSED_CODES = frozenset({21211, 21214, 21610, 21612, 21614})
# Answers about the request's recipient when the provider gives no code of its own.
RECIPIENT_STATUSES = frozenset({400, 404, 422})


class NotifierUnavailable(DeliveryUnavailable):
    """The provider could not take the message now (5xx, 408, 429 or a network error).

    Not a DomainError on purpose: the worker retries it with backoff.
    """


class NotificationRejected(DeliveryRefused):
    """The provider refused the message for good (a 4xx other than 408/429): never retried."""


def is_transient(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def raise_for_status(
    provider: str, status: int, body: bytes | str | None, retry_after: str | None = None
) -> None:
    """Map a non-2xx provider answer to NotifierUnavailable (with the seconds of its
    `Retry-After`, when it gave them) or NotificationRejected (saying whether it refused the
    recipient: a Twilio code of NUMBER_REFUSED_CODES, else a 400, 404 or 422 with no code).

    Only the provider's own error text is quoted (shortened); never our request.
    """
    if 200 <= status < 300:
        return
    detail = provider_error_detail(body)
    message = f"{provider} answered HTTP {status}" + (f": {detail}" if detail else "")
    if is_transient(status):
        raise NotifierUnavailable(message, retry_after=_seconds(retry_after))
    code = provider_error_code(body)
    recipient = code in NUMBER_REFUSED_CODES if code is not None else status in RECIPIENT_STATUSES
    raise NotificationRejected(message, status=status, recipient=recipient)


def _seconds(retry_after: str | None) -> float | None:
    """A Retry-After in seconds (the HTTP-date form is not used by the providers)."""
    try:
        seconds = float(retry_after) if retry_after else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def provider_error_code(body: bytes | str | None) -> int | None:
    """Twilio's numeric `code` of a JSON error answer, if any."""
    try:
        data: Any = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


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
