"""Ports of the skin model: its registry, the shadow scores, the unit of work, the trainer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    import numpy as np

    from metskin.domain.labels.dataset import Dataset
    from metskin.domain.labels.ports import ConsentRepository, DatasetMembers, LabelRepository
    from metskin.domain.skinmodel.model import (
        FaceScores,
        ModelState,
        ShadowScore,
        SkinModelVersion,
    )


class SkinModelRepository(Protocol):
    def add(self, version: SkinModelVersion) -> None: ...
    def save(self, version: SkinModelVersion) -> None: ...
    def get(self, version: int) -> SkinModelVersion | None: ...
    def all(self) -> list[SkinModelVersion]:
        """Every version, oldest first."""
        ...

    def in_state(self, state: ModelState) -> list[SkinModelVersion]: ...
    def next_version(self) -> int: ...


class ShadowScoreRepository(Protocol):
    def add(self, score: ShadowScore) -> None:
        """Kept once per (analysis, version): a second write is ignored."""
        ...

    def for_version(self, version: int) -> list[ShadowScore]: ...


class SkinModelUnitOfWork(UnitOfWork, Protocol):
    """The registry, the shadow scores, and the labels, consents and dataset members
    retraining counts."""

    skin_models: SkinModelRepository
    shadow_scores: ShadowScoreRepository
    labels: LabelRepository
    consents: ConsentRepository
    dataset_members: DatasetMembers


SkinModelUowFactory = Callable[[], SkinModelUnitOfWork]


@dataclass(frozen=True)
class TrainedCandidate:
    """What training hands the registry: the weights file (already written), the dataset it
    learned from, the code that trained it, its held-out metrics and its model card."""

    weights: str
    dataset_hash: str
    code_version: str
    metrics: dict[str, Any]
    card: str


class SkinTrainer(Protocol):
    def train(
        self, dataset: Dataset, version: int, live: SkinModelVersion | None
    ) -> TrainedCandidate:
        """Train on the train split, evaluate on the test split beside the engine and `live`
        (what is shown now), write the weights as version `version`."""
        ...


class FaceModels(Protocol):
    """The learned models the analysis worker scores a face with (live and shadow)."""

    def score(self, rgb: np.ndarray, landmarks: np.ndarray, monk: int | None) -> FaceScores:
        """The live model's scores to show (only if it `scores_tone(monk)`, the face's
        measured Monk tone) and the shadow model's, kept whatever the tone."""
        ...
