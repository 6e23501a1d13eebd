"""Versions of the learned skin model and what each one scores.

A version is trained on one exported dataset (its content hash) by one code version, with its
held-out metrics and a model card. It starts as a CANDIDATE, may score beside the live model
without being shown (SHADOW), becomes LIVE only through the gate, and is RETIRED when another
one takes its place or it is rolled back; a rollback brings back the version the live one
replaced. The engine stays the fallback: a concern the live model did not beat the engine on is
still scored by the engine, and so is a face of a Monk tone none of its held-out faces had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from metskin.domain.analysis.model import score_band
from metskin.domain.analysis.readout import ENGINE
from metskin.domain.labels.model import Concern
from metskin.domain.skinmodel.gate import unproven_tones

# The labels' concerns (graded) and the engine's concern of the same name (scored 0-100).
ENGINE_NAMES: dict[Concern, str] = {concern: concern.value.lower() for concern in Concern}


class ModelState(Enum):
    CANDIDATE = "CANDIDATE"
    SHADOW = "SHADOW"
    LIVE = "LIVE"
    RETIRED = "RETIRED"


@dataclass
class SkinModelVersion:
    version: int
    state: ModelState
    dataset_hash: str
    code_version: str
    weights: str  # file name in the models folder
    metrics: dict[str, Any]
    card: str
    created_at: datetime
    uses: tuple[str, ...] = ()  # the concerns (labels' names) it scores once live
    promoted_at: datetime | None = None
    retired_at: datetime | None = None
    replaces: int | None = None  # the version live when it was promoted: rollback's target

    @property
    def name(self) -> str:
        return model_name(self.version)

    def scores_tone(self, monk: int | None) -> bool:
        """Whether, live, it scores a face of this measured Monk tone: not one of the tones
        none of its held-out faces had (`gate.unproven_tones`: nobody checked it there), nor
        a face of no measured tone. The engine scores those faces."""
        if monk is None:
            return False
        held_out = self.metrics.get("candidate") or {}
        return "tone_counts" not in held_out or monk not in unproven_tones(held_out)


def model_name(version: int) -> str:
    return f"skin-cnn-v{version}"


def grade_to_score(concern: Concern, grade: float) -> float:
    """A predicted grade as a 0-100 score of the engine's scale."""
    return round(100.0 * min(max(grade, 0.0), concern.max_grade) / concern.max_grade, 1)


@dataclass(frozen=True)
class ShadowScore:
    """What a model in shadow scored on one analysis, beside what was shown; never shown."""

    analysis_id: str
    version: int
    scores: dict[str, float]  # engine concern name -> 0-100
    shown: dict[str, float]  # what the result showed for the same concerns
    created_at: datetime


@dataclass(frozen=True)
class FaceScores:
    """The learned scores of one face: those to show (with the model that made each) and those
    of the model in shadow, if any."""

    shown: dict[str, tuple[float, str]] = field(default_factory=dict)  # name -> (score, by)
    shadow_version: int | None = None
    shadow: dict[str, float] = field(default_factory=dict)

    def unseen(self) -> dict[str, Any] | None:
        """What the model in shadow scored, beside what is shown (kept, never shown)."""
        if self.shadow_version is None:
            return None
        return {"version": self.shadow_version, "scores": dict(self.shadow)}


def apply_scores(result: dict[str, Any], scores: FaceScores) -> dict[str, Any] | None:
    """Write the learned scores into a stored result: each concern says who scored it
    (`scored_by`: a model version or "engine"); a concern a model scored keeps the engine's
    score as `engine_score`, its band follows the new score and the engine's plausible range
    goes (it was the engine's). Regions stay the engine's. Returns the unseen shadow scores,
    with what was shown for the same concerns."""
    for name, concern in (result.get("concerns") or {}).items():
        learned = scores.shown.get(name)
        if learned is None:
            concern["scored_by"] = ENGINE
            continue
        concern["engine_score"], concern["score"] = concern["score"], learned[0]
        concern["scored_by"], concern["band"] = learned[1], score_band(learned[0])
        concern.pop("score_range", None)
    unseen = scores.unseen()
    if unseen is not None:
        concerns = result.get("concerns") or {}
        unseen["shown"] = {n: concerns[n]["score"] for n in unseen["scores"] if n in concerns}
    return unseen
