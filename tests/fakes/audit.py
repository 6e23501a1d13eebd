"""An in-memory fake of the audit trail."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from metskin.domain.audit.model import AccessEntry
from tests.fakes.uow import InMemoryRepository


class FakeAccessLog(InMemoryRepository):
    """Entries get increasing ids as a table would; lists are newest first by (at, id)."""

    def __init__(self) -> None:
        self.entries: list[AccessEntry] = []
        self.next_id = 1

    def add_many(self, entries: Sequence[AccessEntry]) -> None:
        for entry in entries:
            self.entries.append(dataclasses.replace(entry, id=self.next_id))
            self.next_id += 1

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, int] | None, limit: int
    ) -> list[AccessEntry]:
        mine = sorted(
            (e for e in self.entries if e.patient_id == patient_id),
            key=lambda e: (e.at, e.id or 0),
            reverse=True,
        )
        mine = [e for e in mine if before is None or (e.at, e.id or 0) < before]
        return mine[:limit]
