"""In-memory fakes of the content edits, the editors' log and the content unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from metskin.domain.content.model import ContentEdit, ContentKind, EditorChange
from metskin.domain.content.ports import ContentEdits, EditorLog
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeContentEdits(InMemoryRepository):
    def __init__(self) -> None:
        self.edits: dict[tuple[ContentKind, str], ContentEdit] = {}

    def all(self, kind: ContentKind) -> list[ContentEdit]:
        return [copy.deepcopy(e) for (k, _), e in self.edits.items() if k is kind]

    def put(self, edit: ContentEdit) -> None:
        self.edits[(edit.kind, edit.slug)] = copy.deepcopy(edit)


class FakeEditorLog(InMemoryRepository):
    def __init__(self) -> None:
        self.changes: list[EditorChange] = []

    def add(self, change: EditorChange) -> None:
        self.changes.append(replace(change, id=len(self.changes) + 1))

    def newest(self, limit: int) -> list[EditorChange]:
        return list(reversed(self.changes))[:limit]


@dataclass(eq=False)
class FakeContentUnitOfWork(FakeUnitOfWork):
    content_edits: ContentEdits = field(default_factory=FakeContentEdits)
    editor_log: EditorLog = field(default_factory=FakeEditorLog)
