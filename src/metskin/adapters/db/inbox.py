"""The patient inbox table: one row per notification, unique per (person, key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Index, UniqueConstraint, func, insert, true, update
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.inbox.model import InboxEntry, Notification, NotificationKind


class NotificationRow(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        Index("ix_notifications_user_id", "user_id", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=24)
    key: str = Field(max_length=120)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: datetime = Field(sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Once per key: a second insert of the same (person, key) is skipped, not an error that would
# roll back the change it travels with.
INSERT_ONCE = (
    insert(core_table(NotificationRow))
    .prefix_with("IGNORE", dialect="mysql")
    .prefix_with("OR IGNORE", dialect="sqlite")
)


def _to_domain(row: NotificationRow) -> Notification:
    assert row.id is not None
    return Notification(
        row.id, row.user_id, NotificationKind(row.kind), row.key, row.at, row.payload, row.read_at
    )


class SqlInbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: InboxEntry, at: datetime) -> bool:
        values = dict(
            user_id=entry.user_id,
            kind=entry.kind.value,
            key=entry.key,
            payload=entry.payload,
            at=at,
            read_at=None,
        )
        return self._session.connection().execute(INSERT_ONCE, values).rowcount == 1

    def newest(self, user_id: str, before_id: int | None, limit: int) -> list[Notification]:
        below = true() if before_id is None else col(NotificationRow.id) < before_id
        return self._mine(user_id, below, col(NotificationRow.id).desc(), limit)

    def after(self, user_id: str, after_id: int, limit: int) -> list[Notification]:
        return self._mine(
            user_id, col(NotificationRow.id) > after_id, col(NotificationRow.id), limit
        )

    def _mine(
        self, user_id: str, where: ColumnElement[bool], order: Any, limit: int
    ) -> list[Notification]:
        mine = select(NotificationRow).where(NotificationRow.user_id == user_id, where)
        return [_to_domain(row) for row in self._session.exec(mine.order_by(order).limit(limit))]

    def mark_read(self, user_id: str, ids: list[int] | None, at: datetime) -> int:
        table = core_table(NotificationRow)
        change = update(table).where(table.c.user_id == user_id, table.c.read_at.is_(None))
        if ids is not None:
            change = change.where(table.c.id.in_(ids))
        return int(self._session.connection().execute(change.values(read_at=at)).rowcount)

    def unread_count(self, user_id: str) -> int:
        query = select(func.count()).where(
            NotificationRow.user_id == user_id, col(NotificationRow.read_at).is_(None)
        )
        return int(self._session.exec(query).one())

    def latest_of(self, user_id: str, kinds: tuple[NotificationKind, ...]) -> Notification | None:
        found = self.newest_of(user_id, kinds, 1)
        return found[0] if found else None

    def newest_of(
        self, user_id: str, kinds: tuple[NotificationKind, ...], limit: int
    ) -> list[Notification]:
        """On `ix_notifications_user_id` (user, id), newest first."""
        of_kinds = col(NotificationRow.kind).in_([kind.value for kind in kinds])
        return self._mine(user_id, of_kinds, col(NotificationRow.id).desc(), limit)
