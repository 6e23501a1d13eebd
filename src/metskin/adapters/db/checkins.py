"""Check-in schedules in SQL: one row per person (cadence, routine anchor, due date told)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, or_, update
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.checkins.model import DEFAULT_WEEKS, CheckIn


class CheckInRow(SQLModel, table=True):
    __tablename__ = "check_ins"
    __table_args__ = (Index("ix_check_ins_due_at", "due_at"), MYSQL_TABLE_ARGS)

    user_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE"
    )
    cadence_weeks: int = DEFAULT_WEEKS
    anchor_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # anchor + cadence
    told_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def _to_domain(row: CheckInRow) -> CheckIn:
    return CheckIn(row.user_id, row.cadence_weeks, row.anchor_at, row.told_due_at)


class SqlCheckInRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> CheckIn | None:
        row = self._session.get(CheckInRow, user_id)
        return _to_domain(row) if row else None

    def save(self, check_in: CheckIn) -> None:
        row = self._session.get(CheckInRow, check_in.user_id) or CheckInRow(
            user_id=check_in.user_id
        )
        row.cadence_weeks, row.anchor_at = check_in.cadence_weeks, check_in.anchor_at
        row.due_at, row.told_due_at = check_in.due_at, check_in.told_due_at
        self._session.add(row)
        self._session.flush()

    def due(self, now: datetime, limit: int) -> list[CheckIn]:
        untold = or_(
            col(CheckInRow.told_due_at).is_(None),
            col(CheckInRow.told_due_at) != col(CheckInRow.due_at),
        )
        query = (
            select(CheckInRow)
            .where(col(CheckInRow.due_at) <= now, untold)
            .order_by(col(CheckInRow.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_to_domain(row) for row in self._session.exec(query).all()]

    def mark_told(self, user_id: str, due_at: datetime) -> bool:
        table = core_table(CheckInRow)
        change = (
            update(table)
            .where(
                table.c.user_id == user_id,
                table.c.due_at == due_at,
                or_(table.c.told_due_at.is_(None), table.c.told_due_at != due_at),
            )
            .values(told_due_at=due_at)
        )
        told = self._session.connection().execute(change).rowcount == 1
        self._session.expire_all()  # rows read before now hold the old value
        return told
