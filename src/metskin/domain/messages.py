"""Jobs and events raised inside a unit of work, released only after it commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    """A background job: an actor name and JSON-ready keyword arguments (ids, not objects)."""

    actor: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A message for live subscribers on a channel; `keep_latest` stores it as the channel state."""

    channel: str
    payload: dict[str, Any]
    keep_latest: bool = False


Message = Job | Event


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # extra headers, e.g. List-Unsubscribe


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    body: str


# GSM 03.38: the default alphabet (one septet each) and its extension table (two: escape + char).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many SMS `text` is sent (and billed) as.

    In the GSM-7 alphabet one SMS holds 160 septets (153 each when split); a single character
    outside it (a typographic apostrophe, "ł", "ç", an emoji) sends the whole text as UCS-2,
    70 UTF-16 units (67 each when split). So a 160-character text can cost three.
    """
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        whole, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        whole, part = 70, 67
    return 1 if units <= whole else -(-units // part)


def one_sms(*wordings: str) -> str:
    """The first of `wordings` (richest first) that is sent as one SMS (`sms_segments`), else
    the last, the shortest one can say it."""
    return next((text for text in wordings if sms_segments(text) == 1), wordings[-1])
