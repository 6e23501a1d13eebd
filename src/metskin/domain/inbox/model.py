"""Notifications of the patient inbox."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from metskin.domain.messages import Event

MAX_KEY = 120


class NotificationKind(enum.Enum):
    ANALYSIS_DONE = "ANALYSIS_DONE"
    ROUTINE_CHANGED = "ROUTINE_CHANGED"
    CHECK_IN_DUE = "CHECK_IN_DUE"
    REFERRAL_RAISED = "REFERRAL_RAISED"
    REFERRAL_WITHDRAWN = "REFERRAL_WITHDRAWN"
    APPOINTMENT_BOOKED = "APPOINTMENT_BOOKED"
    APPOINTMENT_MOVED = "APPOINTMENT_MOVED"
    APPOINTMENT_CANCELLED = "APPOINTMENT_CANCELLED"
    APPOINTMENT_REMINDER = "APPOINTMENT_REMINDER"
    SHARE_VIEWED = "SHARE_VIEWED"
    DERMATOLOGIST_LEFT = "DERMATOLOGIST_LEFT"
    SMS_STOPPED = "SMS_STOPPED"
    SMS_STARTED = "SMS_STARTED"  # on again after the person replied START
    EMAIL_BOUNCED = "EMAIL_BOUNCED"
    EMAIL_SPAM_REPORTED = "EMAIL_SPAM_REPORTED"
    EMAIL_RELEASED = "EMAIL_RELEASED"  # its mailbox's owner freed the unconfirmed address


@dataclass(frozen=True)
class InboxEntry:
    """What a component tells a person; `key` makes it land once (per person)."""

    user_id: str
    kind: NotificationKind
    key: str
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > MAX_KEY:
            raise ValueError("an inbox key has 1 to 120 characters")


@dataclass(frozen=True)
class Notification:
    id: int  # grows with each notification of the store: the stream's cursor
    user_id: str
    kind: NotificationKind
    key: str
    at: datetime
    payload: dict[str, Any]
    read_at: datetime | None = None


def inbox_channel(user_id: str) -> str:
    return f"inbox:{user_id}"


def wake_up(user_id: str) -> Event:
    """The message that tells the person's subscribers to read their inbox."""
    return Event(inbox_channel(user_id), {"user_id": user_id})
