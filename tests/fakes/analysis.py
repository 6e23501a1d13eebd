"""In-memory fakes of the analysis repositories and the analysis unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.analysis.ports import AnalysisRepository, MediaRepository
from metskin.domain.analysis.records import Analysis, Media
from metskin.domain.errors import Conflict
from metskin.domain.privacy.ports import ConsentRecords
from tests.fakes.accounts import FakeRefreshTokenRepository, FakeUserRepository
from tests.fakes.inbox import FakeInboxUnitOfWork
from tests.fakes.privacy import FakeConsentRecords
from tests.fakes.uow import InMemoryTable


class FakeMediaRepository(InMemoryTable[Media]):
    noun = "media"

    def get(self, media_id: str, *, for_update: bool = False) -> Media | None:
        return super().get(media_id)

    def list_by_ids(self, media_ids: list[str]) -> list[Media]:
        return self.get_many(media_ids)


class FakeAnalysisRepository(InMemoryTable[Analysis]):
    """Analyses and their results (one result per analysis); `for_update` is ignored."""

    noun = "analysis"

    def __init__(self) -> None:
        super().__init__()
        self.results: dict[str, tuple[dict[str, Any], str | None]] = {}

    def get(self, analysis_id: str, *, for_update: bool = False) -> Analysis | None:
        return super().get(analysis_id)

    def list_for_owner(
        self, owner_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[Analysis]:
        return self.page(lambda a: a.owner_id == owner_id, before, limit, newest=True)

    def add_result(
        self, analysis_id: str, result: dict[str, Any], overlay_name: str | None
    ) -> None:
        if analysis_id in self.results:
            raise Conflict("duplicate result")
        self.results[analysis_id] = (copy.deepcopy(result), overlay_name)

    def get_results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        return {i: copy.deepcopy(self.results[i]) for i in analysis_ids if i in self.results}

    def overlay_name(self, analysis_id: str) -> str | None:
        return self.results[analysis_id][1] if analysis_id in self.results else None

    def unfinished_of_media(self, media_id: str) -> Analysis | None:
        found = [a for a in self.rows.values() if a.media_id == media_id and not a.status.finished]
        return copy.deepcopy(max(found, key=lambda a: a.created_at)) if found else None

    def list_unfinished(self) -> list[str]:
        return [a.id for a in self.rows.values() if not a.status.finished]


@dataclass(eq=False)
class FakeAnalysisUnitOfWork(FakeInboxUnitOfWork):  # the inbox: "your analysis is done"
    media: MediaRepository = field(default_factory=FakeMediaRepository)
    analyses: AnalysisRepository = field(default_factory=FakeAnalysisRepository)
    users: UserRepository = field(default_factory=FakeUserRepository)
    refresh_tokens: RefreshTokenRepository = field(default_factory=FakeRefreshTokenRepository)
    # nobody consents to photo analysis until a test says so (`consent_records.give_to`)
    consent_records: ConsentRecords = field(default_factory=FakeConsentRecords)
