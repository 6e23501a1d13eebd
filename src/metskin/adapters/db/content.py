"""Content in SQL: editors' versions of articles and videos (the latest per slug) and the
editors' log."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Text
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import BIG_ID, MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.content.model import (
    Article,
    ArticleText,
    ContentEdit,
    ContentKind,
    EditorChange,
    Video,
    VideoText,
)

ITEM_TYPES: dict[ContentKind, type[Article] | type[Video]] = {
    ContentKind.ARTICLE: Article,
    ContentKind.VIDEO: Video,
}
TEXT_TYPES: dict[ContentKind, type[ArticleText] | type[VideoText]] = {
    ContentKind.ARTICLE: ArticleText,
    ContentKind.VIDEO: VideoText,
}


class ContentEditRow(SQLModel, table=True):
    __tablename__ = "content_edits"
    __table_args__ = MYSQL_TABLE_ARGS

    kind: str = Field(primary_key=True, max_length=16)
    slug: str = Field(primary_key=True, max_length=80)
    deleted: bool = False
    published: bool = True  # False: a draft, read by its editors only (migration 0029)
    item: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # empty when deleted
    edited_at: datetime = Field(sa_type=UTCDateTime)
    edited_by: str = Field(max_length=36)


class EditorLogRow(SQLModel, table=True):
    __tablename__ = "editor_log"
    __table_args__ = MYSQL_TABLE_ARGS

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: str = Field(max_length=36)
    action: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    target: str = Field(max_length=80)
    summary: str = Field(sa_type=Text)


def _item(kind: ContentKind, row: ContentEditRow) -> Article | Video | None:
    if row.deleted:
        return None
    values = dict(row.item)
    values["tags"] = tuple(values["tags"])
    text_type = TEXT_TYPES[kind]
    values["translations"] = {  # absent in edits saved before items had translations
        language: text_type(**text) for language, text in values.get("translations", {}).items()
    }
    values["published"] = row.published
    item_type = ITEM_TYPES[kind]
    return item_type(**{f.name: values[f.name] for f in fields(item_type) if f.name in values})


class SqlContentEdits:
    def __init__(self, session: Session) -> None:
        self._session = session

    def all(self, kind: ContentKind) -> list[ContentEdit]:
        rows = self._session.exec(select(ContentEditRow).where(ContentEditRow.kind == kind.value))
        return [
            ContentEdit(kind, row.slug, _item(kind, row), row.edited_at, row.edited_by)
            for row in rows
        ]

    def put(self, edit: ContentEdit) -> None:
        row = self._session.get(ContentEditRow, (edit.kind.value, edit.slug))
        row = row or ContentEditRow(
            kind=edit.kind.value, slug=edit.slug, edited_at=edit.edited_at, edited_by=""
        )
        row.deleted = edit.item is None
        row.published = edit.item is None or edit.item.published
        row.item = {} if edit.item is None else _stored(edit.item)
        row.edited_at, row.edited_by = edit.edited_at, edit.edited_by
        self._session.add(row)


def _stored(item: Article | Video) -> dict[str, Any]:
    """The item's JSON: its words and shared fields (whether it is published is a column)."""
    values = {**asdict(item), "tags": list(item.tags)}
    values.pop("published")
    return values


class SqlEditorLog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, change: EditorChange) -> None:
        values = {**asdict(change), "kind": change.kind.value}
        self._session.add(EditorLogRow(**values))

    def newest(self, limit: int) -> list[EditorChange]:
        query = select(EditorLogRow).order_by(col(EditorLogRow.id).desc()).limit(limit)
        return [
            EditorChange(
                row.at,
                row.actor_id,
                row.action,
                ContentKind(row.kind),
                row.target,
                row.summary,
                row.id,
            )
            for row in self._session.exec(query)
        ]
