"""Value objects returned by the analysis engine."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metskin.domain.analysis.capture import Capture
from metskin.domain.i18n.said import Said, said_json


def _round(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def _maybe(value: float | None, digits: int) -> float | None:
    return None if value is None else _round(value, digits)


def _round_dict(values: dict[str, float]) -> dict[str, float]:
    return {key: _round(value, 3) for key, value in values.items()}


@dataclass(frozen=True)
class QualityIssue:
    code: str  # NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, POSE_TOO_STRONG, BLURRY, TOO_DARK, ...
    message: str
    guidance: str
    value: float | None = None
    blocking: bool = False  # True when no analysis could be made at all

    def to_dict(self) -> dict[str, Any]:
        found = {
            "code": self.code,
            "message": self.message,
            "guidance": self.guidance,
            "value": None if self.value is None else _round(self.value, 3),
            "blocking": self.blocking,
        }
        if isinstance(self.message, Said):  # numbers in it: its template, to translate
            found["said"] = said_json(self.message)
        return found


@dataclass(frozen=True)
class Tone:
    lab: tuple[float, float, float]  # robust CIELAB (D65) of the usable skin pixels
    ita_deg: float
    fitzpatrick: str  # roman band I..VI from the Chardon / Del Bino ITA cuts
    ita_category: str  # "very light" .. "dark"
    monk: int  # 1..10, from the calibrated ITA (metskin.domain.analysis.monk)
    monk_delta_e: float  # CIEDE2000 to the chosen Monk swatch
    undertone: str  # warm / neutral / cool
    hue_deg: float
    confidence: float
    pixels: int
    white_balance_gains: tuple[float, float, float]
    # Added for issue 12; optional so that older stored results still read.
    ita_uncertainty_deg: float | None = None  # about one sigma: what a retake moves ITA by
    monk_position: float | None = None  # continuous 1.0..10.0 behind `monk`
    monk_range: tuple[int, int] | None = None  # Monk tones at ITA + and - the uncertainty
    side_light_stops: float | None = None  # how much darker the shaded half is (tone.side_light)
    forehead_shade_stops: float | None = None  # top_shade.forehead_shade: a brim's shade

    def uncertainty_dict(self) -> dict[str, Any]:
        """The uncertainty fields, kept out of `to_dict` (whose keys readers map one to one)."""
        return {
            "ita_uncertainty_deg": _maybe(self.ita_uncertainty_deg, 2),
            "monk_position": _maybe(self.monk_position, 2),
            "monk_range": None if self.monk_range is None else list(self.monk_range),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab": [_round(v) for v in self.lab],
            "ita_deg": _round(self.ita_deg),
            "fitzpatrick": self.fitzpatrick,
            "ita_category": self.ita_category,
            "monk": self.monk,
            "monk_delta_e": _round(self.monk_delta_e),
            "undertone": self.undertone,
            "hue_deg": _round(self.hue_deg),
            "confidence": _round(self.confidence, 3),
            "pixels": self.pixels,
            "white_balance_gains": [_round(v, 3) for v in self.white_balance_gains],
        }


@dataclass(frozen=True)
class SkinType:
    kind: str  # oily / dry / combination / normal
    decided_by: str  # image / questionnaire / image+questionnaire
    image_kind: str
    self_reported: str | None
    measurements: dict[str, float]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "decided_by": self.decided_by,
            "image_kind": self.image_kind,
            "self_reported": self.self_reported,
            "measurements": _round_dict(self.measurements),
            "confidence": _round(self.confidence, 3),
        }


@dataclass(frozen=True)
class SpotInCrop:
    """A dark spot as found on the measured crop. Area and contrast are None for a spot that
    was seen but not measured (faint, elongated, or cut by the edge of the skin)."""

    centre: tuple[float, float]  # x, y in crop pixels
    area_px: float | None = None  # the spot's darkening over its core's, in crop pixels
    delta_l_star: float | None = None  # how much darker (L*) the core is than the surround
    region: str | None = None  # the main region whose zone the dark-spot score counts it in


@dataclass(frozen=True)
class DarkSpot:
    """A pigmented spot in the aligned face frame (see `metskin.domain.analysis.spots`).

    Area and darkness are None for a spot that was seen but could not be measured; it still
    tells the history that something dark was there."""

    x: float  # towards the subject's left, from the midpoint of the eyes; 1 = 150 mm
    y: float  # towards the chin
    area_mm2: float | None  # on a frontal view, in nominal millimetres
    darkness: float | None  # 0..100 from the core's L* below the surround
    delta_l_star: float | None
    region: str | None  # the main region a measured spot lies in or beside (its `scoring.zones`)

    @property
    def measured(self) -> bool:
        return self.area_mm2 is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": _round(self.x, 4),
            "y": _round(self.y, 4),
            "area_mm2": _maybe(self.area_mm2, 2),
            "darkness": _maybe(self.darkness, 1),
            "delta_l_star": _maybe(self.delta_l_star, 2),
            "region": self.region,
        }


@dataclass(frozen=True, eq=False)
class Concern:
    name: str  # redness, pigmentation, acne, wrinkles, pores, dark_circles, shine
    score: float  # 0..100 for the whole face
    regions: dict[str, float]  # 0..100 per region
    measurements: dict[str, float]  # the quantities the score is computed from
    explanation: str
    # the heat map, or how to draw it: only the overlay needs it, so it is drawn on first use
    heat_source: np.ndarray | Callable[[], np.ndarray] | None = field(default=None, repr=False)
    spots: tuple[SpotInCrop, ...] = field(default=(), repr=False)  # pigmentation: the spots
    score_range: tuple[float, float] | None = None  # plausible low..high of the score

    @property
    def heatmap(self) -> np.ndarray | None:
        """float32 0..1, crop-sized (computed once, when first asked for)."""
        source = self.heat_source
        if callable(source):
            source = np.clip(source(), 0.0, 1.0).astype(np.float32)
            object.__setattr__(self, "heat_source", source)
        return source

    @property
    def band(self) -> str:
        return score_band(self.score)

    def to_dict(self) -> dict[str, Any]:
        found = {
            "name": self.name,
            "score": _round(self.score, 1),
            "regions": {key: _round(value, 1) for key, value in self.regions.items()},
            "measurements": _round_dict(self.measurements),
            "explanation": self.explanation,
            "band": self.band,
        }
        if self.score_range is not None:
            found["score_range"] = [_round(value, 1) for value in self.score_range]
        return found


BANDS = ((15.0, "none"), (35.0, "mild"), (60.0, "moderate"), (math.inf, "marked"))


def score_band(score: float) -> str:
    """none < 15 <= mild < 35 <= moderate < 60 <= marked (see docs/benchmarks.md), of the
    score as people see it, a whole number rounded half up (the web app's `Math.round`): a
    card must not say "15 of 100" and "none"."""
    shown = shown_score(score)
    return next(name for limit, name in BANDS if shown < limit)


def shown_score(score: float) -> int:
    """A 0-100 score as a whole number, rounded half up as the web app's `Math.round` does."""
    return math.floor(score + 0.5)


@dataclass(frozen=True, eq=False)
class FaceGeometry:
    """Where the analysed face is: crop box in image pixels and the region masks of the crop."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels
    scale: float  # crop pixels per image pixel
    landmarks: np.ndarray = field(repr=False)  # (478, 3) in image pixels
    masks: dict[str, np.ndarray] = field(repr=False)  # bool, crop-sized (after scale)
    # (2, 3) affine from image to crop pixels when the crop was turned to level the eyes (a
    # tilted head, `geometry.upright_crop`); None: crop = (image - box[:2]) x scale
    turn: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    quality: tuple[QualityIssue, ...]
    confidence: float
    tone: Tone | None = None
    skin_type: SkinType | None = None
    concerns: tuple[Concern, ...] = ()
    geometry: FaceGeometry | None = field(default=None, repr=False)
    frames_analysed: int = 1
    spread: dict[str, float] = field(default_factory=dict)  # video: spread across frames
    frame: np.ndarray | None = field(default=None, repr=False)  # video: the frame geometry is on
    spots: tuple[DarkSpot, ...] | None = None  # None: not measured (no face); (): none found
    capture: Capture | None = None  # how the photo was taken, for comparing visits (issue 16)

    @property
    def ok(self) -> bool:
        return self.tone is not None

    def concern(self, name: str) -> Concern:
        for item in self.concerns:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "confidence": _round(self.confidence, 3),
            "quality": [issue.to_dict() for issue in self.quality],
            "tone": None if self.tone is None else self.tone.to_dict(),
            "tone_uncertainty": None if self.tone is None else self.tone.uncertainty_dict(),
            "skin_type": None if self.skin_type is None else self.skin_type.to_dict(),
            "concerns": {item.name: item.to_dict() for item in self.concerns},
            "face_box": None if self.geometry is None else list(self.geometry.box),
            "frames_analysed": self.frames_analysed,
            "spread": _round_dict(self.spread),
            "spots": None if self.spots is None else [spot.to_dict() for spot in self.spots],
            "capture": None if self.capture is None else self.capture.to_dict(),
        }
