"""The learned skin models the analysis worker scores with: the live version (shown, on the
concerns it beat the engine on) and the one in shadow (kept, never shown). Versions are read
from the registry at most once a minute; weights are loaded once per version."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from metskin.domain.labels.model import Concern
from metskin.domain.skinmodel.errors import ModelFileInvalid
from metskin.domain.skinmodel.model import (
    ENGINE_NAMES,
    FaceScores,
    SkinModelVersion,
    grade_to_score,
)
from metskin.domain.skinmodel.patches import face_patches

if TYPE_CHECKING:
    from metskin.adapters.ml.skin_cnn import LoadedCnn
    from metskin.domain.skinmodel.service import SkinModelService

RECHECK_SECONDS = 60.0
log = logging.getLogger(__name__)
Current = tuple["SkinModelVersion | None", "SkinModelVersion | None"]  # live, shadow


class LearnedSkinModels:
    """`registry` says which versions are live and in shadow; `folder` holds their weights."""

    _current: Current = (None, None)
    _checked_at = float("-inf")

    def __init__(self, registry: SkinModelService, folder: Path) -> None:
        self._registry, self._folder = registry, folder
        self._lock = threading.Lock()
        self._loaded: dict[str, LoadedCnn] = {}

    def refresh(self) -> None:
        """Read the live and shadow versions now (after a promotion, in tests)."""
        with self._lock:
            self._checked_at = float("-inf")

    def score(self, rgb: np.ndarray, landmarks: np.ndarray, monk: int | None) -> FaceScores:
        """The learned scores of a face of Monk tone `monk` (as measured); a model that cannot
        be used (its weights missing or unreadable) never fails the analysis: the engine then
        scores everything."""
        try:
            return self._score(rgb, landmarks, monk)
        except (OSError, RuntimeError, KeyError, ValueError, ModelFileInvalid):
            log.exception("a learned skin model could not score: the engine scores this face")
            return FaceScores()

    def _score(self, rgb: np.ndarray, landmarks: np.ndarray, monk: int | None) -> FaceScores:
        live, shadow = self._versions()
        if live is not None and not live.scores_tone(monk):
            live = None  # unproven on this tone: the engine's scores are shown
        if live is None and shadow is None:
            return FaceScores()
        patches = face_patches(rgb, landmarks)
        shown: dict[str, tuple[float, str]] = {}
        if live is not None:
            for concern, grade in self._grades(live, patches).items():
                if concern in live.uses:
                    shown[ENGINE_NAMES[Concern(concern)]] = (
                        grade_to_score(Concern(concern), grade),
                        live.name,
                    )
        if shadow is None:
            return FaceScores(shown)
        scores = {
            ENGINE_NAMES[Concern(c)]: grade_to_score(Concern(c), g)
            for c, g in self._grades(shadow, patches).items()
        }
        return FaceScores(shown, shadow.version, scores)

    def _versions(self) -> Current:
        with self._lock:
            if time.monotonic() - self._checked_at > RECHECK_SECONDS:
                self._current = self._registry.current()
                self._checked_at = time.monotonic()
            return self._current

    def _grades(
        self, version: SkinModelVersion, patches: list[tuple[str, np.ndarray]]
    ) -> dict[str, float]:
        import torch

        from metskin.adapters.ml.skin_cnn import load  # torch only once a model exists

        with self._lock:
            model = self._loaded.get(version.weights)
            if model is None:
                # One intra-op thread: on ops this small, more threads only wait for each
                # other (bench/skin_model_bench.py: 1.2 ms a face on one, 417 ms on two when
                # the cores are busy).
                torch.set_num_threads(1)
                model = self._loaded[version.weights] = load(self._folder, version.weights)
        return model.face_grades(patches)
