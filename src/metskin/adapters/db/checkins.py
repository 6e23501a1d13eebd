"""Check-in schedules in SQL: one row per person (cadence, routine anchor, due date told, and
the daytime moment a due date found at night is put off to)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Row, bindparam, insert, or_, update
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.repository import held_row
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
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # CheckIn.due_at
    told_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notify_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # put off to


_CHECK_INS = core_table(CheckInRow)
_ONE = _CHECK_INS.select().where(_CHECK_INS.c.user_id == bindparam("key"))
_WRITE = _CHECK_INS.update().where(_CHECK_INS.c.user_id == bindparam("key"))
_INSERT = insert(_CHECK_INS)


def _to_domain(row: CheckInRow | Row[Any]) -> CheckIn:
    return CheckIn(
        row.user_id,
        row.cadence_weeks,
        row.anchor_at,
        row.told_due_at,
        row.notify_at,
        row.due_at,  # counted in the person's zone when saved
    )


class SqlCheckInRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> CheckIn | None:
        """The row the session holds (read by `due`), else one Core SELECT."""
        held = held_row(self._session, CheckInRow, user_id)
        if held is not None:
            return _to_domain(held)
        row = self._session.connection().execute(_ONE, {"key": user_id}).first()
        return _to_domain(row) if row else None

    def save(self, check_in: CheckIn) -> None:
        """Through the row the session holds, else one Core UPDATE, and an INSERT when there
        was no row (a routine's first check-in): no ORM row for the routine's save."""
        values = {
            "cadence_weeks": check_in.cadence_weeks,
            "anchor_at": check_in.anchor_at,
            "due_at": check_in.due_at,
            "told_due_at": check_in.told_due_at,
            "notify_at": check_in.notify_at,
        }
        held = held_row(self._session, CheckInRow, check_in.user_id)
        if held is not None:
            for name, value in values.items():
                setattr(held, name, value)
            self._session.add(held)
            self._session.flush()
            return
        connection = self._session.connection()
        if connection.execute(_WRITE, {"key": check_in.user_id, **values}).rowcount == 0:
            connection.execute(_INSERT, {"user_id": check_in.user_id, **values})

    def due(self, now: datetime, limit: int) -> list[CheckIn]:
        untold = or_(
            col(CheckInRow.told_due_at).is_(None),
            col(CheckInRow.told_due_at) != col(CheckInRow.due_at),
        )
        not_put_off = or_(col(CheckInRow.notify_at).is_(None), col(CheckInRow.notify_at) <= now)
        query = (
            select(CheckInRow)
            .where(col(CheckInRow.due_at) <= now, untold, not_put_off)
            .order_by(col(CheckInRow.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_to_domain(row) for row in self._session.exec(query).all()]

    def put_off(self, user_id: str, due_at: datetime, until: datetime) -> None:
        self._untold(user_id, due_at, notify_at=until)

    def mark_told(self, user_id: str, due_at: datetime) -> bool:
        return self._untold(user_id, due_at, told_due_at=due_at)

    def tell_again_at(self, user_id: str, due_at: datetime, until: datetime) -> bool:
        change = (
            update(_CHECK_INS)
            .where(
                _CHECK_INS.c.user_id == user_id,
                _CHECK_INS.c.due_at == due_at,
                _CHECK_INS.c.told_due_at == due_at,
            )
            .values(told_due_at=None, notify_at=until)
        )
        changed = self._session.connection().execute(change).rowcount == 1
        self._session.expire_all()
        return changed

    def _untold(self, user_id: str, due_at: datetime, **values: datetime) -> bool:
        """Set `values` on the row while `due_at` is its due date and untold: True when it was."""
        change = (
            update(_CHECK_INS)
            .where(
                _CHECK_INS.c.user_id == user_id,
                _CHECK_INS.c.due_at == due_at,
                or_(_CHECK_INS.c.told_due_at.is_(None), _CHECK_INS.c.told_due_at != due_at),
            )
            .values(**values)
        )
        changed = self._session.connection().execute(change).rowcount == 1
        self._session.expire_all()  # rows read before now hold the old value
        return changed
