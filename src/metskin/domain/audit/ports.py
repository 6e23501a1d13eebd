"""Where the audit trail is kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from metskin.domain.audit.model import AccessEntry


class AccessLogRepository(Protocol):
    def add_many(self, entries: Sequence[AccessEntry]) -> None: ...

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, int] | None, limit: int
    ) -> list[AccessEntry]:
        """Newest first."""
        ...
