"""Appointment reminders in SQL: one row per appointment and kind (e.g. 24 h and 2 h before),
claimed by the sender with a lease so two senders never send the same one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Index, and_, insert, or_
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.appointments.reminders import Reminder, ReminderKind, ReminderStatus


class ReminderRow(SQLModel, table=True):
    __tablename__ = "appointment_reminders"
    __table_args__ = (
        Index("ix_appointment_reminders_status_due", "status", "due_at"),
        MYSQL_TABLE_ARGS,
    )

    appointment_id: str = Field(
        primary_key=True, max_length=36, foreign_key="appointments.id", ondelete="CASCADE"
    )
    kind: str = Field(primary_key=True, max_length=4)
    due_at: datetime = Field(sa_type=UTCDateTime)
    start_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=10)
    attempts: int = 0
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    detail: str = Field(default="", max_length=200)


def reminder_to_domain(row: ReminderRow) -> Reminder:
    return Reminder(
        row.appointment_id,
        ReminderKind(row.kind),
        row.due_at,
        row.start_at,
        ReminderStatus(row.status),
        row.attempts,
        row.claimed_until,
        row.sent_at,
        row.detail,
    )


INSERT_REMINDER = insert(core_table(ReminderRow))


class SqlReminderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, reminders: Sequence[Reminder]) -> None:
        if reminders:
            self._session.connection().execute(
                INSERT_REMINDER,
                [
                    {
                        "appointment_id": r.appointment_id,
                        "kind": r.kind.value,
                        "due_at": r.due_at,
                        "start_at": r.start_at,
                        "status": r.status.value,
                        "attempts": r.attempts,
                        "claimed_until": r.claimed_until,
                        "sent_at": r.sent_at,
                        "detail": r.detail,
                    }
                    for r in reminders
                ],
            )

    def replace_for(self, appointment_id: str, reminders: Sequence[Reminder]) -> None:
        existing = {
            row.kind: row
            for row in self._session.exec(
                select(ReminderRow).where(ReminderRow.appointment_id == appointment_id)
            )
        }
        wanted = {r.kind.value: r for r in reminders}
        for kind, row in existing.items():
            if kind not in wanted:
                row.status, row.claimed_until = ReminderStatus.CANCELLED.value, None
                self._session.add(row)
        for kind, reminder in wanted.items():
            row = existing.get(kind) or ReminderRow(
                appointment_id=appointment_id,
                kind=kind,
                due_at=reminder.due_at,
                start_at=reminder.start_at,
                status="",
            )
            self._session.add(self._copy(reminder, row))

    def cancel_for(self, appointment_id: str) -> None:
        for row in self._session.exec(
            select(ReminderRow).where(
                ReminderRow.appointment_id == appointment_id,
                col(ReminderRow.status).in_(
                    [ReminderStatus.PENDING.value, ReminderStatus.QUEUED.value]
                ),
            )
        ):
            row.status, row.claimed_until = ReminderStatus.CANCELLED.value, None
            self._session.add(row)

    def get(self, appointment_id: str, kind: ReminderKind) -> Reminder | None:
        row = self._session.get(ReminderRow, (appointment_id, kind.value))
        return reminder_to_domain(row) if row else None

    def save(self, reminder: Reminder) -> None:
        row = self._session.get(ReminderRow, (reminder.appointment_id, reminder.kind.value))
        if row is None:
            raise LookupError(reminder.appointment_id)
        self._session.add(self._copy(reminder, row))

    def for_appointments(self, appointment_ids: Sequence[str]) -> list[Reminder]:
        if not appointment_ids:
            return []
        rows = self._session.exec(
            select(ReminderRow).where(col(ReminderRow.appointment_id).in_(list(appointment_ids)))
        )
        return [reminder_to_domain(row) for row in rows]

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Reminder]:
        pending = and_(
            col(ReminderRow.status) == ReminderStatus.PENDING.value, col(ReminderRow.due_at) <= now
        )
        lapsed = and_(
            col(ReminderRow.status) == ReminderStatus.QUEUED.value,
            col(ReminderRow.claimed_until) < now,
        )
        query = (
            select(ReminderRow)
            .where(or_(pending, lapsed))
            .order_by(col(ReminderRow.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )  # SQLite: one writer at a time anyway
        claimed = []
        for row in self._session.exec(query).all():
            row.status, row.claimed_until = ReminderStatus.QUEUED.value, lease_until
            row.attempts += 1
            self._session.add(row)
            claimed.append(reminder_to_domain(row))
        return claimed

    @staticmethod
    def _copy(reminder: Reminder, row: ReminderRow) -> ReminderRow:
        row.due_at, row.start_at = reminder.due_at, reminder.start_at
        row.status, row.attempts = reminder.status.value, reminder.attempts
        row.claimed_until, row.sent_at = reminder.claimed_until, reminder.sent_at
        row.detail = reminder.detail
        return row
