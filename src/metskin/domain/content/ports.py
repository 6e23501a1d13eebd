"""Ports of the content component: the editors' changes, their log, and its unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.content.model import ContentEdit, ContentKind, EditorChange


class ContentEdits(Protocol):
    """The latest edit of each (kind, slug); an edit replaces the one before it."""

    def all(self, kind: ContentKind) -> list[ContentEdit]: ...
    def put(self, edit: ContentEdit) -> None: ...


class EditorLog(Protocol):
    def add(self, change: EditorChange) -> None: ...
    def newest(self, limit: int) -> list[EditorChange]: ...


class ContentUnitOfWork(UnitOfWork, Protocol):
    content_edits: ContentEdits
    editor_log: EditorLog


ContentUowFactory = Callable[[], ContentUnitOfWork]
