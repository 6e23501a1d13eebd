"""In-memory fakes of the analysis repositories and the analysis unit of work."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.analysis.ports import AnalysisRepository, MediaRepository
from metskin.domain.analysis.records import Analysis, Media
from metskin.domain.errors import Conflict
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeMediaRepository(InMemoryRepository):
    def __init__(self) -> None:
        self.rows: dict[str, Media] = {}

    def add(self, media: Media) -> None:
        if media.id in self.rows:
            raise Conflict(f"media {media.id} exists")
        self.rows[media.id] = copy.deepcopy(media)

    def get(self, media_id: str) -> Media | None:
        return copy.deepcopy(self.rows.get(media_id))

    def list_by_ids(self, media_ids: list[str]) -> list[Media]:
        return [copy.deepcopy(self.rows[i]) for i in media_ids if i in self.rows]


class FakeAnalysisRepository(InMemoryRepository):
    """Analyses and their results (one result per analysis); `for_update` is ignored."""

    def __init__(self) -> None:
        self.rows: dict[str, Analysis] = {}
        self.results: dict[str, tuple[dict[str, Any], str | None]] = {}

    def add(self, analysis: Analysis) -> None:
        if analysis.id in self.rows:
            raise Conflict(f"analysis {analysis.id} exists")
        self.rows[analysis.id] = copy.deepcopy(analysis)

    def get(self, analysis_id: str, *, for_update: bool = False) -> Analysis | None:
        return copy.deepcopy(self.rows.get(analysis_id))

    def save(self, analysis: Analysis) -> None:
        if analysis.id not in self.rows:
            raise LookupError(analysis.id)
        self.rows[analysis.id] = copy.deepcopy(analysis)

    def list_for_owner(
        self, owner_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[Analysis]:
        mine = [a for a in self.rows.values() if a.owner_id == owner_id]
        mine.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        mine = [a for a in mine if before is None or (a.created_at, a.id) < before]
        return copy.deepcopy(mine[:limit])

    def add_result(
        self, analysis_id: str, result: dict[str, Any], overlay_name: str | None
    ) -> None:
        if analysis_id in self.results:
            raise Conflict("duplicate result")
        self.results[analysis_id] = (copy.deepcopy(result), overlay_name)

    def get_results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        return {i: copy.deepcopy(self.results[i]) for i in analysis_ids if i in self.results}

    def list_unfinished(self) -> list[str]:
        return [a.id for a in self.rows.values() if not a.status.finished]


class FakeAnalysisUnitOfWork(FakeUnitOfWork):
    def __init__(
        self,
        media: FakeMediaRepository | None = None,
        analyses: FakeAnalysisRepository | None = None,
        users: FakeUserRepository | None = None,
    ) -> None:
        super().__init__()
        self.media: MediaRepository = media or FakeMediaRepository()
        self.analyses: AnalysisRepository = analyses or FakeAnalysisRepository()
        self.users: UserRepository = users or FakeUserRepository()
