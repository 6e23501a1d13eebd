"""The log of sent notifications (dedupe keys): table and repository."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime


class SentNotificationRow(SQLModel, table=True):
    __tablename__ = "sent_notifications"
    __table_args__ = MYSQL_TABLE_ARGS

    dedupe_key: str = Field(primary_key=True, max_length=191)
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=254)
    sent_at: datetime = Field(sa_type=UTCDateTime)


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
