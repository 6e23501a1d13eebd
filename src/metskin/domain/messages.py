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


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    body: str
