"""The log of sent notifications (dedupe keys)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from metskin.adapters.db.tables import SentNotificationRow


class SqlSentNotificationLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def was_sent(self, dedupe_key: str) -> bool:
        return self._session.get(SentNotificationRow, dedupe_key) is not None

    def record(self, dedupe_key: str, channel: str, recipient: str, when: datetime) -> None:
        self._session.merge(
            SentNotificationRow(
                dedupe_key=dedupe_key, channel=channel, recipient=recipient, sent_at=when
            )
        )
