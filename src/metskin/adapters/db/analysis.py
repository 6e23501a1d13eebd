"""Media and analyses: tables, mappers to the domain, repositories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Row, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Field, SQLModel, col, select

from metskin.adapters.db.lazy_session import orm_built
from metskin.adapters.db.repository import KeysetStatements, SqlRepository, held_row, values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    AnalysisSummary,
    Media,
    MediaKind,
    Stage,
)
from metskin.domain.ports import CreatedKey


class MediaRow(SQLModel, table=True):
    __tablename__ = "media"
    __table_args__ = MYSQL_TABLE_ARGS

    id: str = Field(primary_key=True, max_length=36)
    owner_id: str = Field(foreign_key="users.id", max_length=36, index=True, ondelete="CASCADE")
    kind: str = Field(max_length=8)
    content_type: str = Field(max_length=40)
    size_bytes: int = Field(sa_type=BigInteger)
    width: int
    height: int
    duration_s: float | None = None
    storage_name: str = Field(max_length=200)
    thumbnail_name: str = Field(max_length=200)
    key_id: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AnalysisRow(SQLModel, table=True):
    __tablename__ = "analyses"
    __table_args__ = (
        Index("ix_analyses_owner_created", "owner_id", "created_at", "id"),
        Index("ix_analyses_status", "status"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    owner_id: str = Field(foreign_key="users.id", max_length=36, ondelete="CASCADE")
    media_id: str = Field(foreign_key="media.id", max_length=36, index=True, ondelete="CASCADE")
    status: str = Field(max_length=12)
    stage: str = Field(max_length=16)
    progress: float = 0.0
    created_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failure_code: str | None = Field(default=None, max_length=40)
    failure_reason: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    event_seq: int = Field(default=0, sa_type=BigInteger)
    summary: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class AnalysisResultRow(SQLModel, table=True):
    """One row per analysis: the primary key makes a second result impossible."""

    __tablename__ = "analysis_results"
    __table_args__ = MYSQL_TABLE_ARGS

    analysis_id: str = Field(
        primary_key=True, max_length=36, foreign_key="analyses.id", ondelete="CASCADE"
    )
    result: dict[str, Any] = Field(sa_type=JSON)
    overlay_name: str | None = Field(default=None, max_length=200)


MEDIA_FIELDS = (
    "id",
    "owner_id",
    "content_type",
    "size_bytes",
    "width",
    "height",
    "duration_s",
    "storage_name",
    "thumbnail_name",
    "key_id",
    "sha256",
    "created_at",
)
ANALYSIS_FIELDS = (
    "id",
    "owner_id",
    "media_id",
    "progress",
    "created_at",
    "started_at",
    "finished_at",
    "failure_code",
    "failure_reason",
    "attempts",
    "event_seq",
)


def media_to_domain(row: MediaRow) -> Media:
    return Media(kind=MediaKind(row.kind), **values_of(row, MEDIA_FIELDS))


def analysis_to_domain(row: AnalysisRow | Row[Any]) -> Analysis:
    """From an ORM row or a plain Core row of the table (the same names)."""
    return Analysis(
        status=AnalysisStatus(row.status),
        stage=Stage(row.stage),
        summary=AnalysisSummary(**row.summary) if row.summary else None,
        **values_of(row, ANALYSIS_FIELDS),
    )


def _copy_analysis(analysis: Analysis, row: AnalysisRow) -> AnalysisRow:
    for name in ANALYSIS_FIELDS:
        setattr(row, name, getattr(analysis, name))
    row.status = analysis.status.value
    row.stage = analysis.stage.value
    row.summary = asdict(analysis.summary) if analysis.summary else None
    return row


_ANALYSES = core_table(AnalysisRow)
_RESULTS = core_table(AnalysisResultRow)
# The worker's units of work (begin, finish, fail): the row read under its lock, written back
# and the result inserted by Core statements built once, no ORM row built, tracked or flushed.
_BY_ID = core_select(_ANALYSES).where(_ANALYSES.c.id == bindparam("key"))
_LOCKED = _BY_ID.with_for_update()
_UPDATE = _ANALYSES.update().where(_ANALYSES.c.id == bindparam("key"))
_INSERT_RESULT = _RESULTS.insert()
_WRITTEN_FIELDS = tuple(name for name in ANALYSIS_FIELDS if name != "id")
# A person's analyses, newest first: plain rows of the whole table (every column the API's
# `Analysis` can be asked for), the statements built once.
_OWNER_PAGE = KeysetStatements.of(_ANALYSES, _ANALYSES.c.owner_id == bindparam("owner"))
_PAGE_COLUMNS = tuple(column.name for column in _OWNER_PAGE.first.selected_columns)
_STATUSES = {status.value: status for status in AnalysisStatus}
_STAGES = {stage.value: stage for stage in Stage}


def analyses_from_rows(rows: Iterable[Sequence[Any]]) -> list[Analysis]:
    """What `analysis_to_domain` makes, from plain Core rows of the whole table (the columns of
    `_OWNER_PAGE`, in order), by position: a page of 11 in a fifth of the time (no attribute
    read by name per column, no Enum call)."""
    found = []
    for row in rows:
        values = dict(zip(_PAGE_COLUMNS, row, strict=True))
        values["status"] = _STATUSES[values["status"]]
        values["stage"] = _STAGES[values["stage"]]
        summary = values["summary"]
        values["summary"] = AnalysisSummary(**summary) if summary else None
        found.append(Analysis(**values))
    return found


class SqlMediaRepository(SqlRepository[MediaRow, Media]):
    row_type = MediaRow
    to_domain = staticmethod(media_to_domain)

    def new_row(self, media: Media) -> MediaRow:
        return MediaRow(kind=media.kind.value, **values_of(media, MEDIA_FIELDS))

    def list_by_ids(self, media_ids: list[str]) -> list[Media]:
        return self.get_many(media_ids)


class SqlAnalysisRepository(SqlRepository[AnalysisRow, Analysis]):
    row_type = AnalysisRow
    to_domain = staticmethod(analysis_to_domain)
    update_row = staticmethod(_copy_analysis)

    def list_for_owner(
        self, owner_id: str, before: CreatedKey | None, limit: int
    ) -> list[Analysis]:
        """Plain Core rows mapped straight to the domain: no ORM rows, none kept in the
        session (every caller only reads them)."""
        return analyses_from_rows(_OWNER_PAGE.rows(self._session, before, limit, owner=owner_id))

    def get(self, key: Any, *, for_update: bool = False) -> Analysis | None:
        """Locked (`for_update`): one Core SELECT ... FOR UPDATE, the row not kept in the
        session (`save` writes it back with one UPDATE). Unlocked, in a unit of work that has
        used no ORM row yet: one Core SELECT too (loading one ORM row cost several times its
        SELECT, in reads such as a live stream's check before each update); else through the
        ORM Session, which sees the rows it holds or has pending."""
        if for_update:
            row = self._session.connection().execute(_LOCKED, {"key": key}).first()
        elif orm_built(self._session):
            return super().get(key)
        else:
            row = self._session.connection().execute(_BY_ID, {"key": key}).first()
        return analysis_to_domain(row) if row else None

    def save(self, analysis: Analysis) -> None:
        """One Core UPDATE of every column but the key; through the session's ORM row when it
        holds one (read unlocked in this unit of work), so that row stays current."""
        if held_row(self._session, AnalysisRow, analysis.id) is not None:
            super().save(analysis)
            return
        values = values_of(analysis, _WRITTEN_FIELDS)
        values["status"] = analysis.status.value
        values["stage"] = analysis.stage.value
        values["summary"] = asdict(analysis.summary) if analysis.summary else None
        written = self._session.connection().execute(_UPDATE, {"key": analysis.id, **values})
        if written.rowcount != 1:
            raise LookupError(analysis.id)

    def add_result(
        self, analysis_id: str, result: dict[str, Any], overlay_name: str | None
    ) -> None:
        """One Core INSERT now (the primary key refuses a second result)."""
        values = {"analysis_id": analysis_id, "result": result, "overlay_name": overlay_name}
        self._session.connection().execute(_INSERT_RESULT, values)

    def get_results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        if not analysis_ids:
            return {}
        query = select(AnalysisResultRow).where(
            col(AnalysisResultRow.analysis_id).in_(analysis_ids)
        )
        rows = self._session.exec(query)
        return {row.analysis_id: (row.result, row.overlay_name) for row in rows}

    def overlay_name(self, analysis_id: str) -> str | None:
        query = select(AnalysisResultRow.overlay_name).where(
            col(AnalysisResultRow.analysis_id) == analysis_id
        )
        return self._session.exec(query).first()

    def unfinished_of_media(self, media_id: str) -> Analysis | None:
        unfinished = (AnalysisStatus.QUEUED.value, AnalysisStatus.RUNNING.value)
        query = (
            select(AnalysisRow)
            .where(col(AnalysisRow.media_id) == media_id, col(AnalysisRow.status).in_(unfinished))
            .order_by(col(AnalysisRow.created_at).desc())
        )
        row = self._session.exec(query).first()
        return analysis_to_domain(row) if row else None

    def list_unfinished(self) -> list[str]:
        unfinished = (AnalysisStatus.QUEUED.value, AnalysisStatus.RUNNING.value)
        query = select(AnalysisRow.id).where(col(AnalysisRow.status).in_(unfinished))
        return list(self._session.exec(query))
