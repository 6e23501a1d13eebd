"""In-memory fakes of the skin model registry, the shadow scores and their unit of work."""

from __future__ import annotations

import copy

from metskin.domain.privacy.ports import ConsentRecords
from metskin.domain.skinmodel.model import ModelState, ShadowScore, SkinModelVersion
from metskin.domain.skinmodel.ports import ShadowScoreRepository, SkinModelRepository
from tests.fakes.labels import FakeLabelsUnitOfWork
from tests.fakes.privacy import FakeConsentRecords
from tests.fakes.uow import InMemoryRepository, InMemoryTable


class FakeSkinModels(InMemoryTable[SkinModelVersion]):
    noun = "skin model"
    key_field = "version"

    def all(self) -> list[SkinModelVersion]:
        return copy.deepcopy(sorted(self.rows.values(), key=lambda v: v.version))

    def in_state(self, state: ModelState) -> list[SkinModelVersion]:
        return [v for v in self.all() if v.state is state]

    def next_version(self) -> int:
        return max(self.rows, default=0) + 1


class FakeShadowScores(InMemoryRepository):
    def __init__(self) -> None:
        self.scores: dict[tuple[str, int], ShadowScore] = {}

    def add(self, score: ShadowScore) -> None:
        self.scores.setdefault((score.analysis_id, score.version), copy.deepcopy(score))

    def for_version(self, version: int) -> list[ShadowScore]:
        found = [s for (_, v), s in self.scores.items() if v == version]
        return copy.deepcopy(sorted(found, key=lambda s: s.created_at))


class FakeSkinModelUnitOfWork(FakeLabelsUnitOfWork):
    """The labels fake (labels, consents, analyses, media) with the registry beside it, and
    the photo consents an analysis of it needs."""

    def __post_init__(self) -> None:
        self.consent_records: ConsentRecords = FakeConsentRecords()
        self.skin_models: SkinModelRepository = FakeSkinModels()
        self.shadow_scores: ShadowScoreRepository = FakeShadowScores()
        super().__post_init__()
