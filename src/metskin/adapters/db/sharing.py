"""Sharing in SQL: shares of analyses with dermatologists, the patients they make, and the
access log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, func, insert, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.accounts import UserRow, user_to_domain
from metskin.adapters.db.analysis import AnalysisRow, analysis_to_domain
from metskin.adapters.db.appointments import upcoming_patients
from metskin.adapters.db.repository import CONFLICTING, SqlRepository, keyset_page, values_of
from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.audit.model import AccessEntry, AccessPart, Resource
from metskin.domain.errors import Conflict
from metskin.domain.ports import CreatedKey
from metskin.domain.sharing.model import PatientEntry, Share, ShareScope


class ShareRow(SQLModel, table=True):
    __tablename__ = "analysis_shares"
    __table_args__ = (
        Index("ix_analysis_shares_doctor_patient", "doctor_id", "patient_id"),
        Index("ix_analysis_shares_patient_created", "patient_id", "created_at"),
        # At most one active share of the same (migration 0017): UNIQUE lets many NULLs be.
        UniqueConstraint(
            "patient_id", "doctor_id", "active_target", name="uq_analysis_shares_active"
        ),
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
    # When the dashboard was told that the share ran out (migration 0023).
    end_told_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the share covers (its analysis, or ALL) while it may be active; NULL once it is
    # revoked, or once it has expired and the same is shared again (`active_target`).
    active_target: str | None = Field(default=None, max_length=36)


class AccessLogRow(SQLModel, table=True):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_patient_at", "patient_id", "at", "id"), MYSQL_TABLE_ARGS)

    # No foreign keys (migration 0006): an erased person's entries stay under a pseudonym.
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    doctor_id: str = Field(max_length=36, index=True)
    patient_id: str = Field(max_length=36)
    resource: str = Field(max_length=12)
    resource_id: str = Field(max_length=36)
    at: datetime = Field(sa_type=UTCDateTime)
    part: str | None = Field(default=None, max_length=12)  # of an analysis (migration 0023)


# Every field of a share but its scope (an enum in the domain, its value in the row).
SHARE_FIELDS = tuple(f.name for f in fields(Share) if f.name != "scope")


def share_to_domain(row: ShareRow) -> Share:
    return Share(scope=ShareScope(row.scope), **values_of(row, SHARE_FIELDS))


def active_target(share: Share) -> str | None:
    """The share's part of the unique key that allows one active share of the same patient,
    dermatologist and analysis: its analysis (or ALL) until it is revoked, then None (NULLs
    are never equal, so revoked shares never collide)."""
    if share.revoked_at is not None:
        return None
    return share.analysis_id or ShareScope.ALL.value


class SqlShareRepository(SqlRepository[ShareRow, Share]):
    row_type = ShareRow
    to_domain = staticmethod(share_to_domain)

    def new_row(self, share: Share) -> ShareRow:
        return ShareRow(**self._values(share))

    def update_row(self, share: Share, row: ShareRow) -> ShareRow:
        row.revoked_at, row.expires_at = share.revoked_at, share.expires_at
        if share.revoked_at is not None:
            row.active_target = None
        return row

    def add_unless_active(self, share: Share) -> Share:
        """The share, added; or the active share of the same patient, dermatologist and
        analysis that another request added after this one looked (the unique key decides:
        this insert waits for that request's commit, then fails, and that share is read and
        returned). Nothing is committed here, and a failed insert leaves the transaction
        usable on both engines (only the statement is undone)."""
        same = (
            col(ShareRow.patient_id) == share.patient_id,
            col(ShareRow.doctor_id) == share.doctor_id,
            col(ShareRow.active_target) == active_target(share),
        )
        connection = self._session.connection()
        # An expired share keeps its key until the same is shared again: it gives it up now,
        # found by a plain read and released by its id. (Released by an UPDATE that searched
        # the unique key, three requests at once deadlocked on MariaDB: the search locked the
        # new share of the first, which the other inserts' key checks wait for.)
        expired = connection.execute(
            select(ShareRow.id).where(*same, col(ShareRow.expires_at) <= share.created_at)
        ).scalar()
        if expired is not None:
            held = col(ShareRow.active_target) == active_target(share)
            connection.execute(
                update(ShareRow).where(col(ShareRow.id) == expired, held).values(active_target=None)
            )
        try:
            connection.execute(insert(core_table(ShareRow)).values(self._values(share)))
        except IntegrityError as error:
            winner = self.first(select(ShareRow).where(*same))
            if winner is None:  # another key (a dermatologist erased meanwhile)
                raise Conflict(CONFLICTING) from error
            return winner
        return share

    def extend(self, share_id: str, until: datetime) -> Share:
        runs_shorter = (col(ShareRow.id) == share_id, col(ShareRow.expires_at) < until)
        self._session.connection().execute(
            update(ShareRow).where(*runs_shorter).values(expires_at=until)
        )
        self._session.expire_all()  # rows read before now hold the old expiry
        stored = self.get(share_id)
        assert stored is not None, share_id  # shares are never deleted but with their account
        return stored

    @staticmethod
    def _values(share: Share) -> dict[str, Any]:
        return {
            "scope": share.scope.value,
            "active_target": active_target(share),
            **values_of(share, SHARE_FIELDS),
        }

    def list_for_patient(self, patient_id: str) -> list[Share]:
        return self.newest_first(ShareRow.patient_id == patient_id, ShareRow.created_at)

    def ran_out_untold(self, now: datetime, limit: int) -> list[Share]:
        query = (
            select(ShareRow)
            .where(*self._ran_out_untold(now))
            .order_by(col(ShareRow.expires_at), col(ShareRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [share_to_domain(row) for row in self._session.exec(query).all()]

    def mark_end_told(self, share_id: str, now: datetime) -> bool:
        result = self._session.connection().execute(
            update(ShareRow)
            .where(col(ShareRow.id) == share_id, *self._ran_out_untold(now))
            .values(end_told_at=now)
        )
        return bool(result.rowcount)

    @staticmethod
    def _ran_out_untold(now: datetime) -> tuple[Any, ...]:
        return (
            col(ShareRow.revoked_at).is_(None),
            col(ShareRow.end_told_at).is_(None),
            col(ShareRow.expires_at) <= now,
        )

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        return self.all(
            select(ShareRow).where(ShareRow.patient_id == patient_id, *self._active(doctor_id, now))
        )

    def active_for_doctor(self, doctor_id: str, now: datetime) -> list[Share]:
        return self.all(select(ShareRow).where(*self._active(doctor_id, now)))

    def shared_analyses(
        self,
        doctor_id: str,
        now: datetime,
        patient_id: str | None,
        before: CreatedKey | None,
        limit: int,
    ) -> list[Analysis]:
        """Finished analyses under an active share with the dermatologist, newest first."""
        whole = select(ShareRow.patient_id).where(
            ShareRow.scope == ShareScope.ALL.value, *self._active(doctor_id, now)
        )
        single = select(ShareRow.analysis_id).where(
            ShareRow.scope == ShareScope.ANALYSIS.value, *self._active(doctor_id, now)
        )
        query = select(AnalysisRow).where(
            AnalysisRow.status == AnalysisStatus.DONE.value,
            or_(col(AnalysisRow.owner_id).in_(whole), col(AnalysisRow.id).in_(single)),
        )
        if patient_id is not None:
            query = query.where(AnalysisRow.owner_id == patient_id)
        order = (col(AnalysisRow.created_at), col(AnalysisRow.id))
        query = keyset_page(query, order, before, limit, newest=True)
        return [analysis_to_domain(row) for row in self._session.exec(query)]

    def patients(
        self,
        doctor_id: str,
        now: datetime,
        after: tuple[str, str] | None,
        limit: int,
        only: str | None,
    ) -> list[PatientEntry]:
        """One query: the users with an upcoming booking (the appointments' rule) or an active
        share, each with the end of their latest active share, paged on the stored sort key
        and the id (`ix_users_sort_name`)."""
        shared = (
            select(
                col(ShareRow.patient_id).label("patient_id"),
                func.max(ShareRow.expires_at).label("until"),
            )
            .where(*self._active(doctor_id, now))
            .group_by(col(ShareRow.patient_id))
            .subquery()
        )
        users = core_table(UserRow)
        query = (
            core_select(users, shared.c.until)
            .outerjoin(shared, shared.c.patient_id == users.c.id)
            .where(
                or_(
                    users.c.id.in_(upcoming_patients(doctor_id, now)),
                    shared.c.patient_id.is_not(None),
                )
            )
        )
        if only is not None:
            query = query.where(users.c.id == only)
        order = (users.c.sort_name, users.c.id)
        query = keyset_page(query, order, after, limit, newest=False)
        rows = self._session.connection().execute(query)
        return [PatientEntry(user_to_domain(row), row.until) for row in rows]

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
                    part=e.part.value if e.part else None,
                )
                for e in entries
            ]
        )

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, int] | None, limit: int
    ) -> list[AccessEntry]:
        query = select(AccessLogRow).where(AccessLogRow.patient_id == patient_id)
        order = (col(AccessLogRow.at), col(AccessLogRow.id))
        query = keyset_page(query, order, before, limit, newest=True)
        return [
            AccessEntry(
                r.doctor_id,
                r.patient_id,
                Resource(r.resource),
                r.resource_id,
                r.at,
                r.id,
                AccessPart(r.part) if r.part else None,
            )
            for r in self._session.exec(query)
        ]
