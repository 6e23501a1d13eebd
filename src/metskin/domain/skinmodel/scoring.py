"""The analysis worker's learned step: the live model's scores into a photo's stored result,
the shadow model's kept aside."""

from __future__ import annotations

from typing import Any

import numpy as np

from metskin.domain.skinmodel.model import FaceScores, apply_scores
from metskin.domain.skinmodel.ports import FaceModels


def score_result(
    result: dict[str, Any],
    models: FaceModels | None,
    rgb: np.ndarray | None,
    landmarks: np.ndarray | None,
) -> dict[str, Any] | None:
    """The analysis worker's learned step on a photo's stored result (`apply_scores`); without
    models, a photo or a face, every score is the engine's, and so it is on a face of a Monk
    tone the live model was not checked on."""
    scores = FaceScores()
    if models is not None and rgb is not None and landmarks is not None and result.get("ok"):
        monk = (result.get("tone") or {}).get("monk")
        scores = models.score(rgb, landmarks, monk)
    return apply_scores(result, scores)
