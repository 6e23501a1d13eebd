"""Ports of the progress component: it reads analyses through the analysis component's use
cases (whose access check allows the owner, an administrator, or a dermatologist with an
active share, and audits the dermatologist's reads)."""

from __future__ import annotations

from typing import Any, Protocol

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis
from metskin.domain.ports import CreatedKey


class AnalysisReader(Protocol):
    def get_for_viewer(self, viewer_id: str, viewer_role: Role, analysis_id: str) -> Analysis: ...
    def results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]: ...
    def history(self, owner_id: str, before: CreatedKey | None, limit: int) -> list[Analysis]: ...
