"""The newest learned recommender, loaded lazily and reloaded when a newer version appears or
the one in use is rolled back."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from metskin.adapters.ml.recommender_files import newest_version
from metskin.domain.recommendations.ports import Ranker

if TYPE_CHECKING:
    from metskin.adapters.ml.recommender import TrainedModel

RECHECK_SECONDS = 60.0


class LearnedRankers:
    """Gives each person a blended ranker, or none when no model has been trained yet."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._model: TrainedModel | None = None
        self._checked_at = float("-inf")

    def __call__(self, user_id: str) -> tuple[Ranker | None, str]:
        model = self._current()
        if model is None:
            return None, ""
        weight = float(model.metrics.get("blend_weight", 0.5))
        return model.ranker(weight, user_id=user_id), f"v{model.version}"

    def _current(self) -> TrainedModel | None:
        with self._lock:
            if time.monotonic() - self._checked_at > RECHECK_SECONDS:
                self._checked_at = time.monotonic()
                self._follow_the_folder()
            return self._model

    def _follow_the_folder(self) -> None:
        """The newest version saved and not rolled back; none left (every one rolled back):
        the content score alone. Torch is imported only when a version is to be loaded."""
        newest = newest_version(self._folder)
        if newest is None:
            self._model = None
        elif self._model is None or self._model.version != newest:
            from metskin.adapters.ml.recommender import load_newest

            self._model = load_newest(self._folder)
