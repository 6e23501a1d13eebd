"""The skin model registry in SQL: one row per version (state, dataset hash, code version,
metrics, card), and the scores of a model in shadow, once per (analysis, version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, func, insert
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.repository import values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.skinmodel.model import ModelState, ShadowScore, SkinModelVersion


class SkinModelRow(SQLModel, table=True):
    __tablename__ = "skin_models"
    __table_args__ = (Index("ix_skin_models_state", "state"), MYSQL_TABLE_ARGS)

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    state: str = Field(max_length=16)
    dataset_hash: str = Field(max_length=64)
    code_version: str = Field(max_length=64)
    weights: str = Field(max_length=120)
    uses: str = Field(default="", max_length=200)  # comma-separated labels' concern names
    metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    card: str = Field(default="", sa_type=JSON)  # markdown, kept whole
    created_at: datetime = Field(sa_type=UTCDateTime)
    promoted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replaces: int | None = Field(default=None)  # the version live when it was promoted


class SkinModelScoreRow(SQLModel, table=True):
    """What a model in shadow scored on an analysis (never shown); gone with the analysis."""

    __tablename__ = "skin_model_scores"
    __table_args__ = (Index("ix_skin_model_scores_version", "version"), MYSQL_TABLE_ARGS)

    analysis_id: str = Field(
        primary_key=True, max_length=36, foreign_key="analyses.id", ondelete="CASCADE"
    )
    version: int = Field(
        primary_key=True,
        foreign_key="skin_models.version",
        ondelete="CASCADE",
        sa_column_kwargs={"autoincrement": False},
    )
    scores: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    shown: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)


COLUMNS = (
    "version",
    "dataset_hash",
    "code_version",
    "weights",
    "metrics",
    "card",
    "created_at",
    "promoted_at",
    "retired_at",
    "replaces",
)
INSERT_ONCE = (
    insert(core_table(SkinModelScoreRow))
    .prefix_with("IGNORE", dialect="mysql")
    .prefix_with("OR IGNORE", dialect="sqlite")
)


def _to_domain(row: SkinModelRow) -> SkinModelVersion:
    return SkinModelVersion(
        **values_of(row, COLUMNS),
        state=ModelState(row.state),
        uses=tuple(x for x in row.uses.split(",") if x),
    )


def _values(version: SkinModelVersion) -> dict[str, Any]:
    return {
        **values_of(version, COLUMNS),
        "state": version.state.value,
        "uses": ",".join(version.uses),
    }


class SqlSkinModels:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, version: SkinModelVersion) -> None:
        self._session.add(SkinModelRow(**_values(version)))
        self._session.flush()

    def save(self, version: SkinModelVersion) -> None:
        row = self._session.get(SkinModelRow, version.version)
        assert row is not None
        for name, value in _values(version).items():
            setattr(row, name, value)
        self._session.add(row)
        self._session.flush()

    def get(self, version: int) -> SkinModelVersion | None:
        row = self._session.get(SkinModelRow, version)
        return _to_domain(row) if row else None

    def all(self) -> list[SkinModelVersion]:
        rows = self._session.exec(select(SkinModelRow).order_by(col(SkinModelRow.version)))
        return [_to_domain(row) for row in rows]

    def in_state(self, state: ModelState) -> list[SkinModelVersion]:
        query = select(SkinModelRow).where(SkinModelRow.state == state.value)
        return [
            _to_domain(row) for row in self._session.exec(query.order_by(col(SkinModelRow.version)))
        ]

    def next_version(self) -> int:
        top = self._session.exec(select(func.max(SkinModelRow.version))).one()
        return int(top or 0) + 1


class SqlShadowScores:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, score: ShadowScore) -> None:
        values = values_of(score, ("analysis_id", "version", "scores", "shown", "created_at"))
        self._session.connection().execute(INSERT_ONCE, values)

    def for_version(self, version: int) -> list[ShadowScore]:
        query = select(SkinModelScoreRow).where(SkinModelScoreRow.version == version)
        rows = self._session.exec(query.order_by(col(SkinModelScoreRow.created_at)))
        return [
            ShadowScore(r.analysis_id, r.version, r.scores, r.shown, r.created_at) for r in rows
        ]
