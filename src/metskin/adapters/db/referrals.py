"""Referrals in SQL: table, mappers to the domain, repository."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, update
from sqlmodel import Field, SQLModel, col, select

from metskin.adapters.db.appointments import AppointmentRow
from metskin.adapters.db.repository import SqlRepository
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.ports import CreatedKey
from metskin.domain.referrals.model import (
    Answers,
    Reason,
    Referral,
    ReferralRecord,
    Specialty,
    Urgency,
)


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
    doctor_id: str | None = Field(
        default=None, max_length=36, foreign_key="users.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


def referral_to_domain(row: ReferralRow) -> ReferralRecord:
    reasons = tuple(
        Reason(
            r["rule_id"], Urgency(r["urgency"]), Specialty(r["specialty"]), r["text"], r["evidence"]
        )
        for r in row.reasons
    )
    referral = Referral(
        Urgency(row.urgency), Specialty(row.specialty), reasons, row.message, row.advice
    )
    return ReferralRecord(
        row.id,
        row.patient_id,
        row.analysis_id,
        referral,
        row.created_at,
        row.updated_at,
        Answers(**row.answers) if row.answers else None,
        row.doctor_id,
    )


def _copy_referral(record: ReferralRecord, row: ReferralRow) -> ReferralRow:
    referral = record.referral
    row.urgency, row.specialty = referral.urgency.value, referral.specialty.value
    row.reasons = [
        {
            "rule_id": r.rule_id,
            "urgency": r.urgency.value,
            "specialty": r.specialty.value,
            "text": r.text,
            "evidence": dict(r.evidence),
        }
        for r in referral.reasons
    ]
    row.message, row.advice = referral.message[:500], referral.advice[:500]
    row.answers = asdict(record.answers) if record.answers else None
    row.doctor_id, row.updated_at = record.doctor_id, record.updated_at
    return row


class SqlReferralRepository(SqlRepository[ReferralRow, ReferralRecord]):
    row_type = ReferralRow
    created_fields = ("id", "patient_id", "analysis_id", "created_at")
    to_domain = staticmethod(referral_to_domain)
    update_row = staticmethod(_copy_referral)

    def get_for_analysis(self, analysis_id: str) -> ReferralRecord | None:
        return self.first(select(ReferralRow).where(ReferralRow.analysis_id == analysis_id))

    def list_for_patient(
        self, patient_id: str, before: CreatedKey | None, limit: int
    ) -> list[ReferralRecord]:
        return self.page_where(ReferralRow.patient_id == patient_id, before, limit)

    def delete(self, referral_id: str) -> None:
        booked = update(AppointmentRow).where(col(AppointmentRow.referral_id) == referral_id)
        self._session.connection().execute(booked.values(referral_id=None))
        row = self._session.get(ReferralRow, referral_id)
        if row is not None:
            self._session.delete(row)
            self._session.flush()

    def taken_to(self, doctor_id: str, since: datetime, limit: int) -> list[ReferralRecord]:
        return self.all(
            select(ReferralRow)
            .where(
                ReferralRow.doctor_id == doctor_id,
                col(ReferralRow.updated_at) >= since,
                ReferralRow.urgency != Urgency.ROUTINE.value,
            )
            .order_by(col(ReferralRow.updated_at).desc(), col(ReferralRow.id))
            .limit(limit)
        )
