"""The care path in SQL: dermatologist profiles, appointments and their slots, reminders,
referrals, shares, the access log and the dashboard event log.

No double booking: `booked_slots` holds one row per active booking with the primary key
(dermatologist, slot start), written in the booking's transaction and deleted when it is
cancelled or moved. Availability never has two overlapping slots with different starts, so
this key is the database's final word on every race.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    Numeric,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    insert,
    or_,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.analysis import analysis_to_domain
from metskin.adapters.db.engine import is_lock_conflict
from metskin.adapters.db.tables import MYSQL_TABLE_ARGS, AnalysisRow
from metskin.adapters.db.types import UTCDateTime
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.appointments.dashboard import DashboardEvent, DashboardEventKind
from metskin.domain.appointments.errors import SlotUnavailable
from metskin.domain.appointments.model import (
    Appointment,
    AppointmentStatus,
    Availability,
    ConsultationType,
)
from metskin.domain.appointments.reminders import Reminder, ReminderKind, ReminderStatus
from metskin.domain.audit.model import AccessEntry, Resource
from metskin.domain.directory.geo import BoundingBox, GeoPoint
from metskin.domain.directory.loader import availability_to_dict, parse_availability
from metskin.domain.directory.model import Dermatologist, Fee, Practice
from metskin.domain.referrals.model import (
    Answers,
    Reason,
    Referral,
    ReferralRecord,
    Specialty,
    Urgency,
)
from metskin.domain.sharing.model import Share, ShareScope

# SQLite gives rowids only to INTEGER PRIMARY KEY columns.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")
TAKEN = "Someone has just booked this time. Pick another slot."


# --- tables ----------------------------------------------------------------------------------


class DermatologistRow(SQLModel, table=True):
    __tablename__ = "dermatologist_profiles"
    __table_args__ = (Index("ix_dermatologist_profiles_lat_lon", "lat", "lon"), MYSQL_TABLE_ARGS)

    user_id: str = Field(primary_key=True, max_length=36, foreign_key="users.id",
                         ondelete="CASCADE")
    name: str = Field(max_length=120)
    contact_email: str = Field(max_length=254)
    practice_name: str = Field(max_length=120)
    address: str = Field(max_length=255)
    city: str = Field(max_length=80)
    country: str = Field(max_length=2)
    lat: float
    lon: float
    time_zone: str = Field(max_length=64)
    consultation_types: list[str] = Field(default_factory=list, sa_type=JSON)
    fee_amount: Decimal = Field(sa_type=Numeric(10, 2))
    fee_currency: str = Field(max_length=3)
    bio: str = Field(default="", max_length=2000)
    availability: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DermatologistTagRow(SQLModel, table=True):
    """Specialties and languages, one row each, so the directory filters by index."""

    __tablename__ = "dermatologist_tags"
    __table_args__ = (Index("ix_dermatologist_tags_kind_value", "kind", "value"),
                      MYSQL_TABLE_ARGS)

    user_id: str = Field(primary_key=True, max_length=36,
                         foreign_key="dermatologist_profiles.user_id", ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=12)  # specialty / language
    value: str = Field(primary_key=True, max_length=40)


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
    referral_id: str | None = Field(default=None, max_length=36, foreign_key="referrals.id",
                                    ondelete="SET NULL", index=True)
    history: list[list[str]] = Field(default_factory=list, sa_type=JSON)


class BookedSlotRow(SQLModel, table=True):
    """One row per active booking: the primary key stops a second booking of the slot."""

    __tablename__ = "booked_slots"
    __table_args__ = (UniqueConstraint("appointment_id", name="uq_booked_slots_appointment"),
                      MYSQL_TABLE_ARGS)

    doctor_id: str = Field(primary_key=True, max_length=36, foreign_key="users.id",
                           ondelete="CASCADE")
    slot_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    appointment_id: str = Field(max_length=36, foreign_key="appointments.id",
                                ondelete="CASCADE")


class ReminderRow(SQLModel, table=True):
    __tablename__ = "appointment_reminders"
    __table_args__ = (Index("ix_appointment_reminders_status_due", "status", "due_at"),
                      MYSQL_TABLE_ARGS)

    appointment_id: str = Field(primary_key=True, max_length=36,
                                foreign_key="appointments.id", ondelete="CASCADE")
    kind: str = Field(primary_key=True, max_length=4)
    due_at: datetime = Field(sa_type=UTCDateTime)
    start_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=10)
    attempts: int = 0
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    detail: str = Field(default="", max_length=200)


class ReferralRow(SQLModel, table=True):
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("analysis_id", name="uq_referrals_analysis"),
        Index("ix_referrals_patient_created", "patient_id", "created_at", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    analysis_id: str = Field(max_length=36, foreign_key="analyses.id", ondelete="CASCADE")
    urgency: str = Field(max_length=8)
    specialty: str = Field(max_length=16)
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    message: str = Field(max_length=500)
    advice: str = Field(max_length=500)
    answers: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    doctor_id: str | None = Field(default=None, max_length=36, foreign_key="users.id",
                                  ondelete="SET NULL", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ShareRow(SQLModel, table=True):
    __tablename__ = "analysis_shares"
    __table_args__ = (
        Index("ix_analysis_shares_doctor_patient", "doctor_id", "patient_id"),
        Index("ix_analysis_shares_patient_created", "patient_id", "created_at"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    scope: str = Field(max_length=8)
    analysis_id: str | None = Field(default=None, max_length=36, foreign_key="analyses.id",
                                    ondelete="CASCADE", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccessLogRow(SQLModel, table=True):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_patient_at", "patient_id", "at", "id"),
                      MYSQL_TABLE_ARGS)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE",
                           index=True)
    patient_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    resource: str = Field(max_length=12)
    resource_id: str = Field(max_length=36)
    at: datetime = Field(sa_type=UTCDateTime)


class DashboardEventRow(SQLModel, table=True):
    __tablename__ = "dashboard_events"
    __table_args__ = (Index("ix_dashboard_events_doctor_id", "doctor_id", "id"),
                      MYSQL_TABLE_ARGS)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: datetime = Field(sa_type=UTCDateTime)


# --- dermatologists --------------------------------------------------------------------------

SPECIALTY, LANGUAGE = "specialty", "language"


def dermatologist_to_domain(row: DermatologistRow, tags: Sequence[DermatologistTagRow]
                            ) -> Dermatologist:
    return Dermatologist(
        id=row.user_id, name=row.name, email=row.contact_email,
        specialties=frozenset(t.value for t in tags if t.kind == SPECIALTY),
        languages=frozenset(t.value for t in tags if t.kind == LANGUAGE),
        practice=Practice(row.practice_name, row.address, row.city, row.country,
                          GeoPoint(row.lat, row.lon)),
        time_zone=row.time_zone,
        consultation_types=frozenset(ConsultationType(t) for t in row.consultation_types),
        fee=Fee(Decimal(row.fee_amount), row.fee_currency), bio=row.bio,
        availability=parse_availability(row.user_id, {"time_zone": row.time_zone,
                                                      **row.availability}),
    )


class SqlDermatologistRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, profile: Dermatologist, now: datetime) -> None:
        stored = availability_to_dict(profile.availability)
        stored.pop("time_zone")
        values: dict[str, Any] = {
            "name": profile.name, "contact_email": profile.email,
            "practice_name": profile.practice.name, "address": profile.practice.address,
            "city": profile.practice.city, "country": profile.practice.country,
            "lat": profile.practice.location.lat, "lon": profile.practice.location.lon,
            "time_zone": profile.time_zone,
            "consultation_types": sorted(t.value for t in profile.consultation_types),
            "fee_amount": profile.fee.amount, "fee_currency": profile.fee.currency,
            "bio": profile.bio, "availability": stored, "updated_at": now,
        }
        row = self._session.get(DermatologistRow, profile.id)
        if row is None:
            row = DermatologistRow(user_id=profile.id, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        self._session.add(row)
        self._session.flush()
        self._session.execute(sql_delete(DermatologistTagRow).where(
            col(DermatologistTagRow.user_id) == profile.id))
        self._session.add_all(
            [DermatologistTagRow(user_id=profile.id, kind=SPECIALTY, value=v)
             for v in sorted(profile.specialties)]
            + [DermatologistTagRow(user_id=profile.id, kind=LANGUAGE, value=v)
               for v in sorted(profile.languages)])

    def get(self, doctor_id: str) -> Dermatologist | None:
        found = self.get_many([doctor_id])
        return found[0] if found else None

    def get_many(self, doctor_ids: Sequence[str]) -> list[Dermatologist]:
        if not doctor_ids:
            return []
        rows = self._session.exec(select(DermatologistRow).where(
            col(DermatologistRow.user_id).in_(list(doctor_ids)))).all()
        return self._with_tags(list(rows))

    def candidates(self, box: BoundingBox | None, specialty: str | None,
                   language: str | None) -> list[Dermatologist]:
        query = select(DermatologistRow)
        if box is not None:
            query = query.where(col(DermatologistRow.lat).between(box.min_lat, box.max_lat))
            query = query.where(or_(*(col(DermatologistRow.lon).between(low, high)
                                      for low, high in box.lon_ranges())))
        for kind, value in ((SPECIALTY, specialty), (LANGUAGE, language)):
            if value is not None:
                tagged = select(DermatologistTagRow.user_id).where(
                    DermatologistTagRow.kind == kind, DermatologistTagRow.value == value)
                query = query.where(col(DermatologistRow.user_id).in_(tagged))
        return self._with_tags(list(self._session.exec(query).all()))

    def _with_tags(self, rows: list[DermatologistRow]) -> list[Dermatologist]:
        if not rows:
            return []
        tags: dict[str, list[DermatologistTagRow]] = {}
        for tag in self._session.exec(select(DermatologistTagRow).where(
                col(DermatologistTagRow.user_id).in_([r.user_id for r in rows]))):
            tags.setdefault(tag.user_id, []).append(tag)
        return [dermatologist_to_domain(row, tags.get(row.user_id, [])) for row in rows]


class SqlAvailabilityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, doctor_id: str) -> Availability | None:
        row = self._session.connection().execute(SELECT_AVAILABILITY,
                                                 {"doctor_id": doctor_id}).first()
        if row is None:
            return None
        time_zone, availability = row
        return parse_availability(doctor_id, {"time_zone": time_zone, **availability})


# --- appointments ----------------------------------------------------------------------------


def appointment_to_domain(row: AppointmentRow | Row[Any]) -> Appointment:
    return Appointment(
        id=row.id, doctor_id=row.doctor_id, patient_id=row.patient_id, start=row.start_at,
        end=row.end_at, consultation_type=ConsultationType(row.consultation_type),
        booked_at=row.booked_at, status=AppointmentStatus(row.status),
        cancelled_at=row.cancelled_at,
        history=[(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row.history],
        reason=row.reason, referral_id=row.referral_id, cancel_reason=row.cancel_reason)


def _copy_appointment(appointment: Appointment, row: AppointmentRow) -> AppointmentRow:
    row.start_at, row.end_at = appointment.start, appointment.end
    row.status = appointment.status.value
    row.cancelled_at = appointment.cancelled_at
    row.cancel_reason = appointment.cancel_reason
    row.history = [[a.isoformat(), b.isoformat()] for a, b in appointment.history]
    return row


class SqlAppointmentRepository:
    """Appointments and their slot rows; also the list queries of the patient and dashboard."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, appointment: Appointment) -> None:
        """Plain inserts (no ORM unit of work): booking is the hot, contended write."""
        self._session.flush()  # pending ORM changes (a referral) before the raw inserts
        connection = self._session.connection()
        connection.execute(INSERT_APPOINTMENT, dict(
            id=appointment.id, doctor_id=appointment.doctor_id,
            patient_id=appointment.patient_id, start_at=appointment.start,
            end_at=appointment.end, consultation_type=appointment.consultation_type.value,
            status=appointment.status.value, booked_at=appointment.booked_at,
            cancelled_at=appointment.cancelled_at, reason=appointment.reason,
            cancel_reason=appointment.cancel_reason, referral_id=appointment.referral_id,
            history=[[a.isoformat(), b.isoformat()] for a, b in appointment.history]))
        self._take_slot(lambda: connection.execute(INSERT_BOOKED_SLOT, dict(
            doctor_id=appointment.doctor_id, slot_start=appointment.start,
            appointment_id=appointment.id)))

    def get(self, appointment_id: str, *, for_update: bool = False) -> Appointment | None:
        query = select(AppointmentRow).where(AppointmentRow.id == appointment_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.exec(query).first()
        return appointment_to_domain(row) if row else None

    def save(self, appointment: Appointment) -> None:
        row = self._session.get(AppointmentRow, appointment.id)
        if row is None:
            raise LookupError(appointment.id)
        moved = row.start_at != appointment.start
        self._session.add(_copy_appointment(appointment, row))
        if moved or not appointment.is_active:
            self._session.execute(sql_delete(BookedSlotRow).where(
                col(BookedSlotRow.appointment_id) == appointment.id))
        if moved and appointment.is_active:
            self._session.add(BookedSlotRow(doctor_id=appointment.doctor_id,
                                            slot_start=appointment.start,
                                            appointment_id=appointment.id))
        self._take_slot(self._session.flush)

    @staticmethod
    def _take_slot(write: Callable[[], object]) -> None:
        """Write now: the slot's key decides a race here, and the loser waits, then fails."""
        try:
            write()
        except IntegrityError as error:
            raise SlotUnavailable(TAKEN, field="slotStart") from error
        except OperationalError as error:
            if is_lock_conflict(error):
                raise SlotUnavailable(TAKEN, field="slotStart") from error
            raise

    def active_for_doctor(self, doctor_id: str, start: datetime,
                          end: datetime) -> list[Appointment]:
        return self.active_for_doctors([doctor_id], start, end)

    def active_for_doctors(self, doctor_ids: Sequence[str], start: datetime,
                           end: datetime) -> list[Appointment]:
        if not doctor_ids:
            return []
        rows = self._session.connection().execute(SELECT_ACTIVE, {
            "doctor_ids": list(doctor_ids), "status": AppointmentStatus.BOOKED.value,
            "start": start, "end": end})
        return [appointment_to_domain(row) for row in rows]

    def list_for_patient(self, patient_id: str, after: tuple[datetime, str] | None,
                         limit: int) -> list[Appointment]:
        start, ident = col(AppointmentRow.start_at), col(AppointmentRow.id)
        query = (select(AppointmentRow).where(AppointmentRow.patient_id == patient_id)
                 .order_by(start, ident).limit(limit))
        if after is not None:
            stamp, appointment_id = after
            query = query.where(or_(start > stamp, and_(start == stamp, ident > appointment_id)))
        return [appointment_to_domain(row) for row in self._session.exec(query)]

    def list_for_doctor(self, doctor_id: str, start: datetime, end: datetime,
                        limit: int) -> list[Appointment]:
        query = (select(AppointmentRow)
                 .where(AppointmentRow.doctor_id == doctor_id,
                        col(AppointmentRow.start_at) >= start, col(AppointmentRow.start_at) < end)
                 .order_by(col(AppointmentRow.start_at), col(AppointmentRow.id)).limit(limit))
        return [appointment_to_domain(row) for row in self._session.exec(query)]

    def patients_of(self, doctor_id: str) -> list[str]:
        query = select(AppointmentRow.patient_id).where(
            AppointmentRow.doctor_id == doctor_id).distinct()
        return list(self._session.exec(query))


def _table(model: type[SQLModel]) -> Table:
    """The Core table of a row class, for plain inserts without the ORM's flush."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


# The booking path's statements, built once (it is the hot, contended write).
_APPOINTMENTS = _table(AppointmentRow)
_DERMATOLOGISTS = _table(DermatologistRow)
INSERT_APPOINTMENT = insert(_APPOINTMENTS)
INSERT_BOOKED_SLOT = insert(_table(BookedSlotRow))
INSERT_REMINDER = insert(_table(ReminderRow))
INSERT_EVENT = insert(_table(DashboardEventRow))
SELECT_AVAILABILITY = select(_DERMATOLOGISTS.c.time_zone, _DERMATOLOGISTS.c.availability).where(
    _DERMATOLOGISTS.c.user_id == bindparam("doctor_id"))
SELECT_ACTIVE = _APPOINTMENTS.select().where(
    _APPOINTMENTS.c.doctor_id.in_(bindparam("doctor_ids", expanding=True)),
    _APPOINTMENTS.c.status == bindparam("status"),
    _APPOINTMENTS.c.start_at < bindparam("end"), _APPOINTMENTS.c.end_at > bindparam("start"))


# --- reminders -------------------------------------------------------------------------------


def reminder_to_domain(row: ReminderRow) -> Reminder:
    return Reminder(row.appointment_id, ReminderKind(row.kind), row.due_at, row.start_at,
                    ReminderStatus(row.status), row.attempts, row.claimed_until, row.sent_at,
                    row.detail)


class SqlReminderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, reminders: Sequence[Reminder]) -> None:
        if reminders:
            self._session.connection().execute(INSERT_REMINDER, [{
                "appointment_id": r.appointment_id, "kind": r.kind.value, "due_at": r.due_at,
                "start_at": r.start_at, "status": r.status.value, "attempts": r.attempts,
                "claimed_until": r.claimed_until, "sent_at": r.sent_at, "detail": r.detail}
                for r in reminders])

    def replace_for(self, appointment_id: str, reminders: Sequence[Reminder]) -> None:
        existing = {row.kind: row for row in self._session.exec(
            select(ReminderRow).where(ReminderRow.appointment_id == appointment_id))}
        wanted = {r.kind.value: r for r in reminders}
        for kind, row in existing.items():
            if kind not in wanted:
                row.status, row.claimed_until = ReminderStatus.CANCELLED.value, None
                self._session.add(row)
        for kind, reminder in wanted.items():
            row = existing.get(kind) or ReminderRow(appointment_id=appointment_id, kind=kind,
                                                    due_at=reminder.due_at,
                                                    start_at=reminder.start_at, status="")
            self._session.add(self._copy(reminder, row))

    def cancel_for(self, appointment_id: str) -> None:
        for row in self._session.exec(select(ReminderRow).where(
                ReminderRow.appointment_id == appointment_id,
                col(ReminderRow.status).in_([ReminderStatus.PENDING.value,
                                             ReminderStatus.QUEUED.value]))):
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
        rows = self._session.exec(select(ReminderRow).where(
            col(ReminderRow.appointment_id).in_(list(appointment_ids))))
        return [reminder_to_domain(row) for row in rows]

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Reminder]:
        pending = and_(col(ReminderRow.status) == ReminderStatus.PENDING.value,
                       col(ReminderRow.due_at) <= now)
        lapsed = and_(col(ReminderRow.status) == ReminderStatus.QUEUED.value,
                      col(ReminderRow.claimed_until) < now)
        query = (select(ReminderRow).where(or_(pending, lapsed))
                 .order_by(col(ReminderRow.due_at)).limit(limit)
                 .with_for_update(skip_locked=True))  # SQLite: one writer at a time anyway
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


# --- referrals -------------------------------------------------------------------------------


def referral_to_domain(row: ReferralRow) -> ReferralRecord:
    reasons = tuple(Reason(r["rule_id"], Urgency(r["urgency"]), Specialty(r["specialty"]),
                           r["text"], r["evidence"]) for r in row.reasons)
    referral = Referral(Urgency(row.urgency), Specialty(row.specialty), reasons, row.message,
                        row.advice)
    return ReferralRecord(row.id, row.patient_id, row.analysis_id, referral, row.created_at,
                          row.updated_at, Answers(**row.answers) if row.answers else None,
                          row.doctor_id)


def _copy_referral(record: ReferralRecord, row: ReferralRow) -> ReferralRow:
    referral = record.referral
    row.urgency, row.specialty = referral.urgency.value, referral.specialty.value
    row.reasons = [{"rule_id": r.rule_id, "urgency": r.urgency.value,
                    "specialty": r.specialty.value, "text": r.text, "evidence": dict(r.evidence)}
                   for r in referral.reasons]
    row.message, row.advice = referral.message[:500], referral.advice[:500]
    row.answers = asdict(record.answers) if record.answers else None
    row.doctor_id, row.updated_at = record.doctor_id, record.updated_at
    return row


class SqlReferralRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: ReferralRecord) -> None:
        row = ReferralRow(id=record.id, patient_id=record.patient_id,
                          analysis_id=record.analysis_id, created_at=record.created_at,
                          updated_at=record.updated_at, urgency="", specialty="", message="",
                          advice="")
        self._session.add(_copy_referral(record, row))

    def get(self, referral_id: str) -> ReferralRecord | None:
        row = self._session.get(ReferralRow, referral_id)
        return referral_to_domain(row) if row else None

    def get_many(self, referral_ids: list[str]) -> list[ReferralRecord]:
        if not referral_ids:
            return []
        rows = self._session.exec(select(ReferralRow).where(col(ReferralRow.id).in_(referral_ids)))
        return [referral_to_domain(row) for row in rows]

    def get_for_analysis(self, analysis_id: str) -> ReferralRecord | None:
        row = self._session.exec(
            select(ReferralRow).where(ReferralRow.analysis_id == analysis_id)).first()
        return referral_to_domain(row) if row else None

    def save(self, record: ReferralRecord) -> None:
        row = self._session.get(ReferralRow, record.id)
        if row is None:
            raise LookupError(record.id)
        self._session.add(_copy_referral(record, row))

    def list_for_patient(self, patient_id: str, before: tuple[datetime, str] | None,
                         limit: int) -> list[ReferralRecord]:
        created, ident = col(ReferralRow.created_at), col(ReferralRow.id)
        query = (select(ReferralRow).where(ReferralRow.patient_id == patient_id)
                 .order_by(created.desc(), ident.desc()).limit(limit))
        if before is not None:
            stamp, referral_id = before
            query = query.where(or_(created < stamp, and_(created == stamp, ident < referral_id)))
        return [referral_to_domain(row) for row in self._session.exec(query)]


# --- sharing, access log, dashboard events ---------------------------------------------------


def share_to_domain(row: ShareRow) -> Share:
    return Share(row.id, row.patient_id, row.doctor_id, ShareScope(row.scope), row.analysis_id,
                 row.created_at, row.expires_at, row.revoked_at)


class SqlShareRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, share: Share) -> None:
        self._session.add(ShareRow(
            id=share.id, patient_id=share.patient_id, doctor_id=share.doctor_id,
            scope=share.scope.value, analysis_id=share.analysis_id, created_at=share.created_at,
            expires_at=share.expires_at, revoked_at=share.revoked_at))

    def get(self, share_id: str) -> Share | None:
        row = self._session.get(ShareRow, share_id)
        return share_to_domain(row) if row else None

    def save(self, share: Share) -> None:
        row = self._session.get(ShareRow, share.id)
        if row is None:
            raise LookupError(share.id)
        row.revoked_at, row.expires_at = share.revoked_at, share.expires_at
        self._session.add(row)

    def list_for_patient(self, patient_id: str) -> list[Share]:
        query = (select(ShareRow).where(ShareRow.patient_id == patient_id)
                 .order_by(col(ShareRow.created_at).desc(), col(ShareRow.id)))
        return [share_to_domain(row) for row in self._session.exec(query)]

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        query = select(ShareRow).where(ShareRow.patient_id == patient_id, *self._active(
            doctor_id, now))
        return [share_to_domain(row) for row in self._session.exec(query)]

    def active_for_doctor(self, doctor_id: str, now: datetime) -> list[Share]:
        query = select(ShareRow).where(*self._active(doctor_id, now))
        return [share_to_domain(row) for row in self._session.exec(query)]

    def shared_analyses(self, doctor_id: str, now: datetime, patient_id: str | None,
                        before: tuple[datetime, str] | None, limit: int) -> list[Analysis]:
        """Finished analyses under an active share with the dermatologist, newest first."""
        whole = select(ShareRow.patient_id).where(ShareRow.scope == ShareScope.ALL.value,
                                                  *self._active(doctor_id, now))
        single = select(ShareRow.analysis_id).where(
            ShareRow.scope == ShareScope.ANALYSIS.value, *self._active(doctor_id, now))
        created, ident = col(AnalysisRow.created_at), col(AnalysisRow.id)
        query = (select(AnalysisRow)
                 .where(AnalysisRow.status == AnalysisStatus.DONE.value,
                        or_(col(AnalysisRow.owner_id).in_(whole), ident.in_(single)))
                 .order_by(created.desc(), ident.desc()).limit(limit))
        if patient_id is not None:
            query = query.where(AnalysisRow.owner_id == patient_id)
        if before is not None:
            stamp, analysis_id = before
            query = query.where(or_(created < stamp, and_(created == stamp, ident < analysis_id)))
        return [analysis_to_domain(row) for row in self._session.exec(query)]

    @staticmethod
    def _active(doctor_id: str, now: datetime) -> tuple[Any, ...]:
        return (ShareRow.doctor_id == doctor_id, col(ShareRow.revoked_at).is_(None),
                col(ShareRow.expires_at) > now)


class SqlAccessLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, entries: Sequence[AccessEntry]) -> None:
        self._session.add_all([AccessLogRow(
            doctor_id=e.doctor_id, patient_id=e.patient_id, resource=e.resource.value,
            resource_id=e.resource_id, at=e.at) for e in entries])

    def list_for_patient(self, patient_id: str, before: tuple[datetime, int] | None,
                         limit: int) -> list[AccessEntry]:
        at, ident = col(AccessLogRow.at), col(AccessLogRow.id)
        query = (select(AccessLogRow).where(AccessLogRow.patient_id == patient_id)
                 .order_by(at.desc(), ident.desc()).limit(limit))
        if before is not None:
            stamp, entry_id = before
            query = query.where(or_(at < stamp, and_(at == stamp, ident < entry_id)))
        return [AccessEntry(r.doctor_id, r.patient_id, Resource(r.resource), r.resource_id,
                            r.at, r.id) for r in self._session.exec(query)]


def event_to_domain(row: DashboardEventRow) -> DashboardEvent:
    assert row.id is not None
    return DashboardEvent(row.id, row.doctor_id, DashboardEventKind(row.kind), row.at,
                          row.payload)


class SqlDashboardEventLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, doctor_id: str, kind: str, payload: dict[str, Any], at: datetime) -> None:
        self._session.connection().execute(INSERT_EVENT, dict(
            doctor_id=doctor_id, kind=kind, payload=payload, at=at))

    def after(self, doctor_id: str, after_id: int, limit: int) -> list[DashboardEvent]:
        query = (select(DashboardEventRow)
                 .where(DashboardEventRow.doctor_id == doctor_id,
                        col(DashboardEventRow.id) > after_id)
                 .order_by(col(DashboardEventRow.id)).limit(limit))
        return [event_to_domain(row) for row in self._session.exec(query)]

    def newest(self, doctor_id: str, before_id: int | None, limit: int) -> list[DashboardEvent]:
        query = select(DashboardEventRow).where(DashboardEventRow.doctor_id == doctor_id)
        if before_id is not None:
            query = query.where(col(DashboardEventRow.id) < before_id)
        query = query.order_by(col(DashboardEventRow.id).desc()).limit(limit)
        return [event_to_domain(row) for row in reversed(self._session.exec(query).all())]
