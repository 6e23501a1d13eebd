"""The read model other components receive of a finished analysis: typed and frozen.

The analysis component stores its result as the dict of `AnalysisResult.to_dict()`; other
components (recommendations, referrals) read it only through `ResultReadout.from_stored`, so a
renamed key breaks here, in one place, and mypy sees every use of a renamed field. Unknown or
malformed values stay unknown (None) rather than failing: results stored by older versions of
the engine still read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metskin.domain.analysis import landmarks as lm

ENGINE = "engine"  # `scored_by` of a score the image engine made (`skinmodel.model`)


@dataclass(frozen=True)
class ConcernReading:
    score: float  # the whole-face score shown: the engine's, or a live model's
    regions: Mapping[str, float] = field(default_factory=dict)  # always the engine's
    measurements: Mapping[str, float] = field(default_factory=dict)
    scored_by: str = ENGINE  # who made `score`: the engine or a model version (skin-cnn-v2)
    engine_score: float | None = None  # the engine's, kept beside a model's score

    def score_by(self, scorer: str) -> float | None:
        """The whole-face score `scorer` made (None: it did not score this result)."""
        if scorer == self.scored_by:
            return self.score
        return self.engine_score if scorer == ENGINE else None

    def count(self, name: str) -> int | None:
        value = self.measurements.get(name)
        return int(value) if value is not None else None


@dataclass(frozen=True)
class SpotReading:
    """A pigmented spot in the aligned face frame (1 = 150 mm); sizes may be unknown."""

    x: float | None
    y: float | None
    area_mm2: float | None = None
    area: float | None = None  # results stored before areas were in mm²
    darkness: float | None = None


@dataclass(frozen=True)
class ToneReading:
    ita: float | None
    monk: int | None
    fitzpatrick: str | None


@dataclass(frozen=True)
class CaptureReading:
    """How the photo was taken (results stored before issue 16 have none)."""

    landmarks: tuple[tuple[float, float], ...]  # image pixels; () when not stored
    eye_distance_px: float | None
    yaw_deg: float | None
    pitch_deg: float | None
    roll_deg: float | None
    raw_skin_l: float | None
    gains: tuple[float, ...]
    region_lab: Mapping[str, tuple[float, float, float]]
    sclera_level: float | None = None  # log2 luminance of the whites of the eyes
    frame: str | None = None  # a video's measured frame in the media storage (JPEG)

    @property
    def smile(self) -> float | None:
        """`landmarks.smile` of the stored landmarks (None when they are not stored)."""
        if len(self.landmarks) != 478:  # the face mesh with its iris points
            return None
        return lm.smile(np.array(self.landmarks))


@dataclass(frozen=True)
class ResultReadout:
    concerns: Mapping[str, ConcernReading] = field(default_factory=dict)
    skin_type: str | None = None
    tone: ToneReading | None = None
    spots: tuple[SpotReading, ...] | None = None  # None: spots were not measured
    capture: CaptureReading | None = None
    confidence: float | None = None

    @classmethod
    def from_stored(cls, result: Mapping[str, Any]) -> ResultReadout:
        concerns = {}
        for name, item in (result.get("concerns") or {}).items():
            if isinstance(item, Mapping) and _num(item.get("score")) is not None:
                scored_by = item.get("scored_by")
                concerns[str(name)] = ConcernReading(
                    float(item["score"]),
                    _numbers(item.get("regions")),
                    _numbers(item.get("measurements")),
                    scored_by if isinstance(scored_by, str) and scored_by else ENGINE,
                    _num(item.get("engine_score")),
                )
        skin = result.get("skin_type")
        kind = skin.get("kind") if isinstance(skin, Mapping) else None
        tone = result.get("tone")
        return cls(
            concerns=concerns,
            skin_type=kind if isinstance(kind, str) else None,
            tone=_tone(tone) if isinstance(tone, Mapping) else None,
            spots=_spots(result.get("spots")),
            capture=_capture(result.get("capture")),
            confidence=_num(result.get("confidence")),
        )


def _tone(raw: Mapping[str, Any]) -> ToneReading:
    monk = raw.get("monk")
    band = raw.get("fitzpatrick")
    return ToneReading(
        _num(raw.get("ita_deg", raw.get("ita"))),
        int(monk) if isinstance(monk, int) else None,
        band if isinstance(band, str) else None,
    )


def _spots(raw: Any) -> tuple[SpotReading, ...] | None:
    if not isinstance(raw, list):
        return None
    return tuple(
        SpotReading(
            _num(s.get("x")),
            _num(s.get("y")),
            _num(s.get("area_mm2")),
            _num(s.get("area")),
            _num(s.get("darkness")),
        )
        for s in raw
        if isinstance(s, Mapping)
    )


def _capture(raw: Any) -> CaptureReading | None:
    if not isinstance(raw, Mapping):
        return None
    points = raw.get("landmarks")
    landmarks = (
        tuple((float(p[0]), float(p[1])) for p in points)
        if isinstance(points, list) and all(_pair(p) for p in points)
        else ()
    )
    regions = raw.get("region_lab")
    region_lab = {
        str(name): (float(lab[0]), float(lab[1]), float(lab[2]))
        for name, lab in (regions.items() if isinstance(regions, Mapping) else [])
        if isinstance(lab, list) and len(lab) == 3 and all(_num(v) is not None for v in lab)
    }
    gains = raw.get("gains")
    return CaptureReading(
        landmarks,
        _num(raw.get("eye_distance_px")),
        _num(raw.get("yaw_deg")),
        _num(raw.get("pitch_deg")),
        _num(raw.get("roll_deg")),
        _num(raw.get("raw_skin_l")),
        tuple(float(g) for g in gains if _num(g) is not None) if isinstance(gains, list) else (),
        region_lab,
        _num(raw.get("sclera_level")),
        raw["frame"] if isinstance(raw.get("frame"), str) else None,
    )


def _pair(raw: Any) -> bool:
    return isinstance(raw, list) and len(raw) >= 2 and all(_num(v) is not None for v in raw[:2])


def _numbers(raw: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): float(v) for k, v in raw.items() if _num(v) is not None}


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
