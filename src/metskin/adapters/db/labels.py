"""Labels in SQL: every label write (the history), the learning consent columns of the
profile, and which people each exported dataset holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, update
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.accounts import UserRow
from metskin.adapters.db.repository import values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.labels.model import (
    Concern,
    Label,
    LabelSource,
    LearningConsent,
    Lesion,
    LesionType,
    Verdict,
)


class LabelRow(SQLModel, table=True):
    __tablename__ = "analysis_labels"
    __table_args__ = (
        Index("ix_analysis_labels_analysis_created", "analysis_id", "created_at"),
        Index("ix_analysis_labels_subject", "subject_id"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    analysis_id: str = Field(max_length=36, foreign_key="analyses.id", ondelete="CASCADE")
    subject_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    author_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE", index=True)
    source: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # {"grades": {...}, "lesions": [...], "skin_type", "monk_tone", "verdicts": [...], "note"}
    body: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class DatasetMemberRow(SQLModel, table=True):
    """Whose analyses an exported dataset version holds (erasure deletes a person's rows)."""

    __tablename__ = "dataset_members"
    __table_args__ = MYSQL_TABLE_ARGS

    dataset_version: str = Field(primary_key=True, max_length=64)
    subject_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = Field(sa_type=UTCDateTime)


def label_body(label: Label) -> dict[str, Any]:
    return {
        "grades": {concern.value: grade for concern, grade in label.grades.items()},
        "lesions": [[x.type.value, x.x, x.y, x.width, x.height] for x in label.lesions],
        "skin_type": label.skin_type,
        "monk_tone": label.monk_tone,
        "verdicts": [[v.concern.value, v.agrees, v.x, v.y] for v in label.verdicts],
        "note": label.note,
    }


LABEL_COLUMNS = ("id", "analysis_id", "subject_id", "author_id", "created_at")


def label_to_domain(row: LabelRow) -> Label:
    body = row.body
    return Label(
        **values_of(row, LABEL_COLUMNS),
        source=LabelSource(row.source),
        grades={Concern(name): int(grade) for name, grade in body.get("grades", {}).items()},
        lesions=tuple(Lesion(LesionType(t), x, y, w, h) for t, x, y, w, h in body["lesions"]),
        skin_type=body.get("skin_type"),
        monk_tone=body.get("monk_tone"),
        verdicts=tuple(Verdict(Concern(c), bool(a), x, y) for c, a, x, y in body["verdicts"]),
        note=body.get("note", ""),
    )


class SqlLabelRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, label: Label) -> None:
        self._session.add(
            LabelRow(
                id=label.id,
                analysis_id=label.analysis_id,
                subject_id=label.subject_id,
                author_id=label.author_id,
                source=label.source.value,
                created_at=label.created_at,
                body=label_body(label),
            )
        )

    def _oldest_first(self, where: Any) -> list[Label]:
        query = select(LabelRow).where(where).order_by(col(LabelRow.created_at), col(LabelRow.id))
        return [label_to_domain(row) for row in self._session.exec(query)]

    def for_analysis(self, analysis_id: str) -> list[Label]:
        return self._oldest_first(col(LabelRow.analysis_id) == analysis_id)

    def for_subjects(self, subject_ids: list[str]) -> list[Label]:
        return self._oldest_first(col(LabelRow.subject_id).in_(subject_ids))


class SqlConsentRepository:
    """The learning consent columns of the `users` table."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> LearningConsent | None:
        query = select(UserRow.learning_consent, UserRow.learning_consent_at).where(
            UserRow.id == user_id
        )
        found = self._session.exec(query).first()
        return None if found is None else LearningConsent(user_id, bool(found[0]), found[1])

    def save(self, consent: LearningConsent) -> None:
        self._session.execute(
            update(UserRow)
            .where(col(UserRow.id) == consent.user_id)
            .values(learning_consent=consent.given, learning_consent_at=consent.changed_at)
        )

    def consenting(self) -> list[str]:
        query = (
            select(UserRow.id)
            .where(col(UserRow.learning_consent).is_(True), col(UserRow.is_active).is_(True))
            .order_by(col(UserRow.id))
        )
        return list(self._session.exec(query))


class SqlDatasetMembers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, version: str, subject_ids: list[str], now: datetime) -> None:
        self._session.add_all(
            [
                DatasetMemberRow(dataset_version=version, subject_id=s, created_at=now)
                for s in subject_ids
            ]
        )

    def versions_of(self, subject_id: str) -> list[str]:
        query = select(DatasetMemberRow.dataset_version).where(
            DatasetMemberRow.subject_id == subject_id
        )
        return sorted(self._session.exec(query))

    def members_of(self, version: str) -> list[str]:
        query = select(DatasetMemberRow.subject_id).where(
            DatasetMemberRow.dataset_version == version
        )
        return sorted(set(self._session.exec(query)))
