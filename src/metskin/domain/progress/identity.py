"""Whether two analyses of one account may not be of the same person (a partner using the
phone, a family account): the comparison is then flagged DIFFERENT_PERSON and no change is
called. This is a check for gross mismatches from what every result already stores (the face
mesh's 2-D landmarks and the skin tone), not face recognition: it only flags, never blocks.

Two parts, measured on the London Set (bench/same_person.py, docs/benchmarks.md):

- **Face shape**: the landmarks that a smile moves little (SHAPE: eye corners, nose bridge and
  tip, brow ridge, forehead and the face's edge at the eyes; not the mouth nor the jaw) of the
  later face fitted onto the earlier one by an affine camera over the points lifted to 3-D with
  a mean face's depth (DEPTH): a turn or a nod of up to 20 degrees is absorbed by the fit (the
  London faces' own meshes turned; real turned heads are not measured), another face shape is
  not. What is left, per point, is weighted by how little it moves
  between two photos of one person (WEIGHTS: neutral against smiling and turned copies).
- **Skin tone**: the whole-face ITA in the earlier photo's light (`deltas.exposure_ratio`),
  only beyond TONE_ALLOWANCE: a dimmer room (up to 32 degrees after that normalisation on the
  London copies at 0.7 and 1.4 times the light) or a summer's tan moves ITA too, so tone counts
  only for a gross difference.

`evidence` is SHAPE_LIMIT-scaled shape distance plus the tone beyond its allowance; a pair is
flagged at 1 or more. None when either result has no landmarks (stored before issue 16)."""

from __future__ import annotations

import math

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import mirror
from metskin.domain.analysis.readout import CaptureReading, ResultReadout
from metskin.domain.progress.alignment import RIGID
from metskin.domain.progress.deltas import FACE, TONE, exposure_ratio, readings

BROW_RIDGE = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)
SHAPE = RIGID + BROW_RIDGE
# Mean depth of the SHAPE points (face mesh z, in eye distances from the RIGID points' centre)
# and the weight of each point's squared residual: fitted on the London Set's odd ids by
# `bench/same_person.py --fit`.
# fmt: off
DEPTH = (
    0.231, 0.14, 0.217, 0.133, -0.209, -0.133, -0.296, -0.391, -0.488,
    -0.532, -0.502, 1.119, 1.1, -0.012, -0.09, -0.151, -0.136, 0.26,
    0.125, 0.016, -0.084, -0.136, -0.14, -0.092, 0.003, 0.11, 0.243,
)
WEIGHTS = (
    0.303, 0.411, 0.383, 0.372, 0.96, 0.846, 2.12, 3.903, 4.061,
    4.622, 2.594, 0.344, 0.278, 0.096, 0.201, 0.561, 0.738, 0.777,
    0.446, 0.356, 0.317, 0.293, 0.202, 0.234, 0.332, 0.505, 0.744,
)
# fmt: on
SHAPE_LIMIT = 0.0163  # the largest of the odd ids' neutral vs smiling: flagged on its own
TONE_ALLOWANCE = 35.0  # ITA degrees a light change or a tan may move
TONE_SCALE = 15.0  # ITA degrees beyond the allowance that flag on their own


def shape_residuals(
    earlier: np.ndarray, later: np.ndarray, depth: np.ndarray | None = None
) -> np.ndarray:
    """Squared residual of each SHAPE point (in eye distances²) after the least-squares affine
    camera (x, y and the mean depth to x', y') taking `later`'s points onto `earlier`'s."""
    chosen = list(SHAPE)
    target = earlier[chosen, :2].astype(np.float64)
    source = later[chosen, :2].astype(np.float64)
    target = (target - target.mean(axis=0)) / max(lm.eye_distance(earlier), 1e-6)
    source = (source - source.mean(axis=0)) / max(lm.eye_distance(later), 1e-6)
    z = np.asarray(DEPTH if depth is None else depth, dtype=np.float64)
    design = np.column_stack([source, z, np.ones(len(chosen))])
    fitted, *_ = np.linalg.lstsq(design, target, rcond=None)
    left = target - design @ fitted
    return np.asarray((left**2).sum(axis=1))


def shape_distance(
    earlier: np.ndarray,
    later: np.ndarray,
    depth: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> float:
    """The weighted root mean square of `shape_residuals`, of `later` as it is or flipped
    (`mirror.mirror_points`), whichever fits better: a front camera's mirror image that the
    spots did not tell is still the same person (as taken, 17-20 % of them were flagged)."""
    chosen = np.asarray(WEIGHTS if weights is None else weights, dtype=np.float64)
    return min(
        float(np.sqrt(np.mean(shape_residuals(earlier, side, depth) * chosen)))
        for side in (later, mirror.mirror_points(later))
    )


def tone_gap(before: ResultReadout, after: ResultReadout) -> float | None:
    """|change of the whole-face ITA| with `after` in `before`'s light (None: unknown)."""
    first = readings(before).get((TONE, FACE))
    second = readings(after, exposure_ratio(before, after)).get((TONE, FACE))
    if first is None or second is None:
        return None
    return abs(second - first)


def evidence(
    before: ResultReadout,
    after: ResultReadout,
    a: CaptureReading | None = None,
    b: CaptureReading | None = None,
) -> float | None:
    """How strongly the two photos look like two people (flagged at 1 or more); `a` and `b`
    are the captures to compare (`after`'s un-mirrored when it is a mirror image)."""
    a = a or before.capture
    b = b or after.capture
    if a is None or b is None or len(a.landmarks) != 478 or len(b.landmarks) != 478:
        return None
    first, second = np.array(a.landmarks), np.array(b.landmarks)
    if not (np.isfinite(first).all() and np.isfinite(second).all()):
        return None
    shape = shape_distance(first, second)
    return combined(shape, tone_gap(before, after)) if math.isfinite(shape) else None


def combined(shape: float, tone: float | None) -> float:
    """The shape distance in SHAPE_LIMITs plus the tone beyond its allowance in TONE_SCALEs."""
    beyond = max(0.0, tone - TONE_ALLOWANCE) / TONE_SCALE if tone is not None else 0.0
    return shape / SHAPE_LIMIT + beyond
