"""Consents in SQL: every give and withdrawal, one row each (added, never changed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.privacy.model import ConsentPurpose, ConsentRecord


class ConsentRecordRow(SQLModel, table=True):
    __tablename__ = "consent_records"
    __table_args__ = (
        Index("ix_consent_records_user_purpose_at", "user_id", "purpose", "at"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    purpose: str = Field(max_length=32)
    given: bool
    at: datetime = Field(sa_type=UTCDateTime)
    text_version: str = Field(max_length=32)


def _to_domain(row: ConsentRecordRow) -> ConsentRecord:
    return ConsentRecord(
        row.id, row.user_id, ConsentPurpose(row.purpose), bool(row.given), row.at, row.text_version
    )


class SqlConsentRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: ConsentRecord) -> None:
        self._session.add(
            ConsentRecordRow(
                id=record.id,
                user_id=record.user_id,
                purpose=record.purpose.value,
                given=record.given,
                at=record.at,
                text_version=record.text_version,
            )
        )

    def latest(self, user_id: str, purpose: ConsentPurpose) -> ConsentRecord | None:
        query = (
            select(ConsentRecordRow)
            .where(ConsentRecordRow.user_id == user_id, ConsentRecordRow.purpose == purpose.value)
            .order_by(col(ConsentRecordRow.at).desc(), col(ConsentRecordRow.id).desc())
            .limit(1)
        )
        row = self._session.exec(query).first()
        return None if row is None else _to_domain(row)

    def history(self, user_id: str) -> list[ConsentRecord]:
        query = (
            select(ConsentRecordRow)
            .where(ConsentRecordRow.user_id == user_id)
            .order_by(col(ConsentRecordRow.at), col(ConsentRecordRow.id))
        )
        return [_to_domain(row) for row in self._session.exec(query)]
