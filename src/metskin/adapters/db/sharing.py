"""Sharing in SQL: shares of analyses with dermatologists and the access log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Index, and_, or_
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.analysis import AnalysisRow, analysis_to_domain
from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.audit.model import AccessEntry, Resource
from metskin.domain.sharing.model import Share, ShareScope


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
    analysis_id: str | None = Field(
        default=None, max_length=36, foreign_key="analyses.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccessLogRow(SQLModel, table=True):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_patient_at", "patient_id", "at", "id"), MYSQL_TABLE_ARGS)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    doctor_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE", index=True)
    patient_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    resource: str = Field(max_length=12)
    resource_id: str = Field(max_length=36)
    at: datetime = Field(sa_type=UTCDateTime)


def share_to_domain(row: ShareRow) -> Share:
    return Share(
        row.id,
        row.patient_id,
        row.doctor_id,
        ShareScope(row.scope),
        row.analysis_id,
        row.created_at,
        row.expires_at,
        row.revoked_at,
    )


class SqlShareRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, share: Share) -> None:
        self._session.add(
            ShareRow(
                id=share.id,
                patient_id=share.patient_id,
                doctor_id=share.doctor_id,
                scope=share.scope.value,
                analysis_id=share.analysis_id,
                created_at=share.created_at,
                expires_at=share.expires_at,
                revoked_at=share.revoked_at,
            )
        )

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
        query = (
            select(ShareRow)
            .where(ShareRow.patient_id == patient_id)
            .order_by(col(ShareRow.created_at).desc(), col(ShareRow.id))
        )
        return [share_to_domain(row) for row in self._session.exec(query)]

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        query = select(ShareRow).where(
            ShareRow.patient_id == patient_id, *self._active(doctor_id, now)
        )
        return [share_to_domain(row) for row in self._session.exec(query)]

    def active_for_doctor(self, doctor_id: str, now: datetime) -> list[Share]:
        query = select(ShareRow).where(*self._active(doctor_id, now))
        return [share_to_domain(row) for row in self._session.exec(query)]

    def shared_analyses(
        self,
        doctor_id: str,
        now: datetime,
        patient_id: str | None,
        before: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Analysis]:
        """Finished analyses under an active share with the dermatologist, newest first."""
        whole = select(ShareRow.patient_id).where(
            ShareRow.scope == ShareScope.ALL.value, *self._active(doctor_id, now)
        )
        single = select(ShareRow.analysis_id).where(
            ShareRow.scope == ShareScope.ANALYSIS.value, *self._active(doctor_id, now)
        )
        created, ident = col(AnalysisRow.created_at), col(AnalysisRow.id)
        query = (
            select(AnalysisRow)
            .where(
                AnalysisRow.status == AnalysisStatus.DONE.value,
                or_(col(AnalysisRow.owner_id).in_(whole), ident.in_(single)),
            )
            .order_by(created.desc(), ident.desc())
            .limit(limit)
        )
        if patient_id is not None:
            query = query.where(AnalysisRow.owner_id == patient_id)
        if before is not None:
            stamp, analysis_id = before
            query = query.where(or_(created < stamp, and_(created == stamp, ident < analysis_id)))
        return [analysis_to_domain(row) for row in self._session.exec(query)]

    @staticmethod
    def _active(doctor_id: str, now: datetime) -> tuple[Any, ...]:
        return (
            ShareRow.doctor_id == doctor_id,
            col(ShareRow.revoked_at).is_(None),
            col(ShareRow.expires_at) > now,
        )


class SqlAccessLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, entries: Sequence[AccessEntry]) -> None:
        self._session.add_all(
            [
                AccessLogRow(
                    doctor_id=e.doctor_id,
                    patient_id=e.patient_id,
                    resource=e.resource.value,
                    resource_id=e.resource_id,
                    at=e.at,
                )
                for e in entries
            ]
        )

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, int] | None, limit: int
    ) -> list[AccessEntry]:
        at, ident = col(AccessLogRow.at), col(AccessLogRow.id)
        query = (
            select(AccessLogRow)
            .where(AccessLogRow.patient_id == patient_id)
            .order_by(at.desc(), ident.desc())
            .limit(limit)
        )
        if before is not None:
            stamp, entry_id = before
            query = query.where(or_(at < stamp, and_(at == stamp, ident < entry_id)))
        return [
            AccessEntry(r.doctor_id, r.patient_id, Resource(r.resource), r.resource_id, r.at, r.id)
            for r in self._session.exec(query)
        ]
