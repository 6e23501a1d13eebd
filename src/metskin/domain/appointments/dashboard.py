"""Dashboard events for one dermatologist: an ordered log written with each change.

The log row is written in the same unit of work as the change; the pub/sub message that
follows the commit only wakes subscribers, who then read the log after their last id. A lost
message is caught by the periodic re-read, and a subscriber can resume from any id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from metskin.domain.messages import Event


class DashboardEventKind(Enum):
    BOOKED = "BOOKED"
    RESCHEDULED = "RESCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"  # a visit recorded as seen (or corrected to it)
    NO_SHOW = "NO_SHOW"  # a visit recorded as not attended (or corrected to it)
    SHARED = "SHARED"
    SHARE_REVOKED = "SHARE_REVOKED"
    SHARE_EXPIRED = "SHARE_EXPIRED"  # a share ran out (told by a periodic scan, at its expiry)
    REFERRAL = "REFERRAL"


@dataclass(frozen=True)
class DashboardEvent:
    id: int
    doctor_id: str
    kind: DashboardEventKind
    at: datetime
    payload: dict[str, Any]


def dashboard_channel(doctor_id: str) -> str:
    return f"dermatologist:{doctor_id}"


def wake_up(doctor_id: str) -> Event:
    """The message that tells the dermatologist's subscribers to read the log."""
    return Event(dashboard_channel(doctor_id), {"doctor_id": doctor_id})
