"""How comparable two captures are (0..1): one factor each for the light (exposure of the skin
before white balance, colour of the light from the white-balance gains), the pose (head angles
and what the landmarks leave after the best similarity), the distance (eye distance in image
pixels), the expression (`landmarks.smile`: a smile folds the skin into lines that a face at
rest does not show) and the quality (the results' confidence). Each factor is 1 for identical
captures and halves at its HALF value; the score is their product. A comparison under
THRESHOLD is flagged, never hidden; so is one whose whole-face scores of a concern could not be
read from one scorer (`deltas.face_scorers`: reason SCORER), and one whose photos may not be of
the same person (`identity.evidence` at 1 or more: reason DIFFERENT_PERSON, named first). The
last two call no change (`service._comparison`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from metskin.domain.analysis import mirror
from metskin.domain.analysis.readout import CaptureReading, ResultReadout
from metskin.domain.i18n.marks import _
from metskin.domain.progress import identity
from metskin.domain.progress.alignment import pose_residual

THRESHOLD = 0.5
NAMED_BELOW = 0.8  # a factor under this is named among the reasons
HALF = {
    "exposure": 12.0,  # L* of the skin before white balance
    "light_colour": 0.25,  # largest change of a log white-balance gain
    "angle": 15.0,  # degrees, the largest change of yaw, pitch or roll
    "residual": 0.06,  # eye distances, median over the rigid landmarks
    "distance": math.log(2.0),  # |log| of the ratio of eye distances: twice as far
    # landmarks.smile, eye distances. London, the same person at rest twice (neither shot above
    # quality.MAX_SMILE; 37 pairs): 0.13 median change, 0.34 at most; neutral against a smile
    # that warns (65 pairs): 0.62 median, 0.26 at the 10th percentile.
    "expression": 0.5,
}
FULL_CONFIDENCE = 0.5  # the lower confidence of the two results, at or above which quality is 1
# What a flagged comparison says, in plain words (`Comparability.warning`)
MAY_BE_SOMEONE_ELSE = _(
    "These photos may not be of the same person, so no change is shown between them. If both "
    "are of you, take the next one facing the camera, in the same light, with your face at rest."
)
HARD_TO_COMPARE = _(
    "These photos are hard to compare: take the next one in the same light, pose and distance, "
    "with your face at rest."
)


def factor(change: float | None, half: float) -> float:
    """1 at no change, 0.5 at `half`, a Gaussian fall-off; unknown counts as a half."""
    if change is None or not math.isfinite(change):
        return 0.5
    return float(math.exp(-math.log(2.0) * (change / half) ** 2))


@dataclass(frozen=True)
class Comparability:
    score: float
    light: float
    pose: float
    distance: float
    quality: float
    expression: float = 1.0
    # Concerns whose whole-face scores were made by different scorers on the two sides and
    # not kept by a common one: shown, no change called on them (`deltas.RegionDelta`).
    unlike_scorers: tuple[str, ...] = ()
    # `identity.evidence` that the photos are of two people (None: landmarks not stored)
    identity: float | None = None

    @property
    def different_person(self) -> bool:
        """The photos may not be of the same person: flagged, no change called."""
        return self.identity is not None and self.identity >= 1.0

    @property
    def flagged(self) -> bool:
        return self.score < THRESHOLD or bool(self.unlike_scorers) or self.different_person

    def factors(self) -> dict[str, float]:
        return {"LIGHT": self.light, "POSE": self.pose, "DISTANCE": self.distance} | {
            "EXPRESSION": self.expression,
            "QUALITY": self.quality,
        }

    @property
    def warning(self) -> str | None:
        """The sentence to show (untranslated: a catalog msgid), None when not flagged."""
        if not self.flagged:
            return None
        return MAY_BE_SOMEONE_ELSE if self.different_person else HARD_TO_COMPARE

    @property
    def reasons(self) -> list[str]:
        found = [name for name, value in self.factors().items() if value < NAMED_BELOW]
        person = ["DIFFERENT_PERSON"] if self.different_person else []
        return [*person, *found, "SCORER"] if self.unlike_scorers else [*person, *found]


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else abs(a - b)


def light_factor(a: CaptureReading, b: CaptureReading) -> float:
    colour_change = (
        float(np.max(np.abs(np.log(a.gains) - np.log(b.gains))))
        if len(a.gains) == len(b.gains) == 3 and min(a.gains + b.gains) > 0
        else None
    )
    return factor(_diff(a.raw_skin_l, b.raw_skin_l), HALF["exposure"]) * factor(
        colour_change, HALF["light_colour"]
    )


def pose_factor(a: CaptureReading, b: CaptureReading) -> float:
    angles = [_diff(a.yaw_deg, b.yaw_deg), _diff(a.pitch_deg, b.pitch_deg)]
    angles.append(_diff(a.roll_deg, b.roll_deg))
    known = [value for value in angles if value is not None]
    angle = factor(max(known) if known else None, HALF["angle"])
    if len(a.landmarks) == len(b.landmarks) == 478:
        residual = pose_residual(np.array(a.landmarks), np.array(b.landmarks))
        return angle * factor(residual, HALF["residual"])
    return angle


def distance_factor(a: CaptureReading, b: CaptureReading) -> float:
    if not a.eye_distance_px or not b.eye_distance_px:
        return factor(None, 1.0)
    return factor(abs(math.log(a.eye_distance_px / b.eye_distance_px)), HALF["distance"])


def expression_factor(a: CaptureReading, b: CaptureReading) -> float:
    """1 when the landmarks are not stored: the expression is then not counted (unlike the
    other factors, nothing older than the landmarks would be comparable otherwise)."""
    before, after = a.smile, b.smile
    if before is None or after is None:
        return 1.0
    return factor(abs(after - before), HALF["expression"])


def as_unmirrored(capture: CaptureReading) -> CaptureReading:
    """How a mirror image's capture reads flipped back: the head's turn and tilt change sign,
    and each landmark keeps its name for the same part of the face (for the pose's residual
    and the smile, which a shift does not change)."""
    points = capture.landmarks
    if len(points) == 478:
        points = tuple(map(tuple, mirror.mirror_points(np.array(points)).tolist()))
    turned = None if capture.yaw_deg is None else -capture.yaw_deg
    tilted = None if capture.roll_deg is None else -capture.roll_deg
    return replace(capture, landmarks=points, yaw_deg=turned, roll_deg=tilted)


def comparability(
    before: ResultReadout, after: ResultReadout, mirrored: bool = False
) -> Comparability:
    """Results stored without a capture (before issue 16) score 0.5 on what cannot be known.
    `mirrored`: `after` is `before`'s mirror image (`deltas.photos_mirrored`)."""
    confidence = min(before.confidence or 0.0, after.confidence or 0.0)
    quality = min(1.0, confidence / FULL_CONFIDENCE)
    a, b = before.capture, after.capture
    if mirrored and b is not None:
        b = as_unmirrored(b)
    if a is None or b is None:
        unknown = factor(None, 1.0)
        return Comparability(unknown**3 * quality, unknown, unknown, unknown, quality)
    light, pose, distance = light_factor(a, b), pose_factor(a, b), distance_factor(a, b)
    expression = expression_factor(a, b)
    score = light * pose * distance * expression * quality
    person = identity.evidence(before, after, a, b)
    return Comparability(score, light, pose, distance, quality, expression, identity=person)


def another_person(before: ResultReadout, after: ResultReadout) -> bool:
    """Whether the two photos may not be of the same person, judged as progress judges them
    (`after` flipped back when the spots say it is `before`'s mirror image): no change is
    called between them, and triage leaves the earlier one out of the person's history."""
    flipped = mirror.spots_mirrored(before.spots, after.spots) is True
    return comparability(before, after, flipped).different_person
