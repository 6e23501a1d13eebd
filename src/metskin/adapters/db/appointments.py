"""Appointments in SQL: appointments and their slots, and the dashboard event log (reminders:
`reminders`).

No double booking: `booked_slots` holds one row per active booking with the primary key
(dermatologist, slot start), written in the booking's transaction and deleted when it is
cancelled or moved. Availability never has two overlapping slots with different starts, so
this key is the database's final word on every race.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, bindparam, insert
from sqlalchemy import delete as sql_delete
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from metskin.adapters.db.engine import is_lock_conflict
from metskin.adapters.db.repository import SqlRepository
from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.appointments.dashboard import DashboardEvent, DashboardEventKind
from metskin.domain.appointments.errors import SLOT_TAKEN, SlotUnavailable
from metskin.domain.appointments.model import Appointment, AppointmentStatus, ConsultationType
from metskin.domain.ports import CreatedKey


class AppointmentRow(SQLModel, table=True):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_patient_start", "patient_id", "start_at", "id"),
        Index("ix_appointments_doctor_start", "doctor_id", "start_at"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    patient_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    start_at: datetime = Field(sa_type=UTCDateTime)
    end_at: datetime = Field(sa_type=UTCDateTime)
    consultation_type: str = Field(max_length=12)
    status: str = Field(max_length=12)
    booked_at: datetime = Field(sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str = Field(default="", max_length=500)
    cancel_reason: str = Field(default="", max_length=500)
    referral_id: str | None = Field(
        default=None, max_length=36, foreign_key="referrals.id", ondelete="SET NULL", index=True
    )
    history: list[list[str]] = Field(default_factory=list, sa_type=JSON)


class BookedSlotRow(SQLModel, table=True):
    """One row per active booking: the primary key stops a second booking of the slot."""

    __tablename__ = "booked_slots"
    __table_args__ = (
        UniqueConstraint("appointment_id", name="uq_booked_slots_appointment"),
        MYSQL_TABLE_ARGS,
    )

    doctor_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE"
    )
    slot_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    appointment_id: str = Field(max_length=36, foreign_key="appointments.id", ondelete="CASCADE")


class DashboardEventRow(SQLModel, table=True):
    __tablename__ = "dashboard_events"
    __table_args__ = (Index("ix_dashboard_events_doctor_id", "doctor_id", "id"), MYSQL_TABLE_ARGS)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: datetime = Field(sa_type=UTCDateTime)


def appointment_to_domain(row: AppointmentRow | Row[Any]) -> Appointment:
    return Appointment(
        id=row.id,
        doctor_id=row.doctor_id,
        patient_id=row.patient_id,
        start=row.start_at,
        end=row.end_at,
        consultation_type=ConsultationType(row.consultation_type),
        booked_at=row.booked_at,
        status=AppointmentStatus(row.status),
        cancelled_at=row.cancelled_at,
        history=[(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row.history],
        reason=row.reason,
        referral_id=row.referral_id,
        cancel_reason=row.cancel_reason,
    )


def _copy_appointment(appointment: Appointment, row: AppointmentRow) -> AppointmentRow:
    row.start_at, row.end_at = appointment.start, appointment.end
    row.status = appointment.status.value
    row.cancelled_at = appointment.cancelled_at
    row.cancel_reason = appointment.cancel_reason
    row.history = [[a.isoformat(), b.isoformat()] for a, b in appointment.history]
    return row


def event_to_domain(row: DashboardEventRow) -> DashboardEvent:
    assert row.id is not None
    return DashboardEvent(row.id, row.doctor_id, DashboardEventKind(row.kind), row.at, row.payload)


# The booking path's statements, built once (it is the hot, contended write).
_APPOINTMENTS = core_table(AppointmentRow)
INSERT_APPOINTMENT = insert(_APPOINTMENTS)
INSERT_BOOKED_SLOT = insert(core_table(BookedSlotRow))
INSERT_EVENT = insert(core_table(DashboardEventRow))
SELECT_ACTIVE = _APPOINTMENTS.select().where(
    _APPOINTMENTS.c.doctor_id.in_(bindparam("doctor_ids", expanding=True)),
    _APPOINTMENTS.c.status == bindparam("status"),
    _APPOINTMENTS.c.start_at < bindparam("end"),
    _APPOINTMENTS.c.end_at > bindparam("start"),
)


class SqlAppointmentRepository(SqlRepository[AppointmentRow, Appointment]):
    """Appointments and their slot rows; also the list queries of the patient and dashboard."""

    row_type = AppointmentRow
    to_domain = staticmethod(appointment_to_domain)

    def add(self, appointment: Appointment) -> None:
        """Plain inserts (no ORM unit of work): booking is the hot, contended write."""
        self._session.flush()  # pending ORM changes (a referral) before the raw inserts
        connection = self._session.connection()
        connection.execute(
            INSERT_APPOINTMENT,
            dict(
                id=appointment.id,
                doctor_id=appointment.doctor_id,
                patient_id=appointment.patient_id,
                start_at=appointment.start,
                end_at=appointment.end,
                consultation_type=appointment.consultation_type.value,
                status=appointment.status.value,
                booked_at=appointment.booked_at,
                cancelled_at=appointment.cancelled_at,
                reason=appointment.reason,
                cancel_reason=appointment.cancel_reason,
                referral_id=appointment.referral_id,
                history=[[a.isoformat(), b.isoformat()] for a, b in appointment.history],
            ),
        )
        self._take_slot(
            lambda: connection.execute(
                INSERT_BOOKED_SLOT,
                dict(
                    doctor_id=appointment.doctor_id,
                    slot_start=appointment.start,
                    appointment_id=appointment.id,
                ),
            )
        )

    def save(self, appointment: Appointment) -> None:
        row = self._session.get(AppointmentRow, appointment.id)
        if row is None:
            raise LookupError(appointment.id)
        moved = row.start_at != appointment.start
        self._session.add(_copy_appointment(appointment, row))
        if moved or not appointment.is_active:
            self._session.execute(
                sql_delete(BookedSlotRow).where(col(BookedSlotRow.appointment_id) == appointment.id)
            )
        if moved and appointment.is_active:
            self._session.add(
                BookedSlotRow(
                    doctor_id=appointment.doctor_id,
                    slot_start=appointment.start,
                    appointment_id=appointment.id,
                )
            )
        self._take_slot(self._session.flush)

    @staticmethod
    def _take_slot(write: Callable[[], object]) -> None:
        """Write now: the slot's key decides a race here, and the loser waits, then fails."""
        try:
            write()
        except IntegrityError as error:
            raise SlotUnavailable(SLOT_TAKEN, field="slotStart") from error
        except OperationalError as error:
            if is_lock_conflict(error):
                raise SlotUnavailable(SLOT_TAKEN, field="slotStart") from error
            raise

    def active_for_doctors(
        self, doctor_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Appointment]:
        if not doctor_ids:
            return []
        rows = self._session.connection().execute(
            SELECT_ACTIVE,
            {
                "doctor_ids": list(doctor_ids),
                "status": AppointmentStatus.BOOKED.value,
                "start": start,
                "end": end,
            },
        )
        return [appointment_to_domain(row) for row in rows]

    def upcoming_for_patient(self, patient_id: str, now: datetime) -> list[Appointment]:
        query = select(AppointmentRow).where(
            AppointmentRow.patient_id == patient_id,
            AppointmentRow.status == AppointmentStatus.BOOKED.value,
            col(AppointmentRow.end_at) > now,
        )
        return self.all(query)

    def list_for_patient(
        self,
        patient_id: str,
        after: CreatedKey | None,
        limit: int,
        over_at: datetime | None = None,
        over: bool = False,
    ) -> list[Appointment]:
        condition: Any = col(AppointmentRow.patient_id) == patient_id
        if over_at is not None:  # ahead: booked and not over; the others are past or cancelled
            ahead = (col(AppointmentRow.status) == AppointmentStatus.BOOKED.value) & (
                col(AppointmentRow.end_at) > over_at
            )
            condition = condition & (~ahead if over else ahead)
        newest = over_at is not None and over
        return self.page_where(condition, after, limit, newest=newest, order=("start_at", "id"))

    def list_with_patient(
        self, doctor_id: str, patient_id: str, before: CreatedKey | None, limit: int
    ) -> list[Appointment]:
        # ix_appointments_patient_start: one patient's bookings are few, whoever they are with.
        condition = (AppointmentRow.patient_id == patient_id) & (
            AppointmentRow.doctor_id == doctor_id
        )
        return self.page_where(condition, before, limit, newest=True, order=("start_at", "id"))

    def list_for_doctor(
        self, doctor_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Appointment]:
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.doctor_id == doctor_id,
                col(AppointmentRow.start_at) >= start,
                col(AppointmentRow.start_at) < end,
            )
            .order_by(col(AppointmentRow.start_at), col(AppointmentRow.id))
            .limit(limit)
        )
        return self.all(query)

    def patients_of(self, doctor_id: str, now: datetime) -> list[str]:
        return list(self._session.exec(upcoming_patients(doctor_id, now).distinct()))


def upcoming_patients(doctor_id: str, now: datetime) -> SelectOfScalar[str]:
    """The patients with a booking with the dermatologist that is not over (the rule of
    `patients_of`; the sharing adapter lists a dermatologist's patients with it)."""
    return (
        select(AppointmentRow.patient_id)
        .where(AppointmentRow.doctor_id == doctor_id)
        .where(AppointmentRow.status == AppointmentStatus.BOOKED.value)
        .where(col(AppointmentRow.end_at) > now)
    )


class SqlDashboardEventLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, doctor_id: str, kind: str, payload: dict[str, Any], at: datetime) -> None:
        self._session.connection().execute(
            INSERT_EVENT, dict(doctor_id=doctor_id, kind=kind, payload=payload, at=at)
        )

    def after(self, doctor_id: str, after_id: int, limit: int) -> list[DashboardEvent]:
        query = (
            select(DashboardEventRow)
            .where(DashboardEventRow.doctor_id == doctor_id, col(DashboardEventRow.id) > after_id)
            .order_by(col(DashboardEventRow.id))
            .limit(limit)
        )
        return [event_to_domain(row) for row in self._session.exec(query)]

    def newest(self, doctor_id: str, before_id: int | None, limit: int) -> list[DashboardEvent]:
        query = select(DashboardEventRow).where(DashboardEventRow.doctor_id == doctor_id)
        if before_id is not None:
            query = query.where(col(DashboardEventRow.id) < before_id)
        query = query.order_by(col(DashboardEventRow.id).desc()).limit(limit)
        return [event_to_domain(row) for row in reversed(self._session.exec(query).all())]
