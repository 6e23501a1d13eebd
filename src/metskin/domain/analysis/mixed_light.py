"""Mixed light: lights of two colours on the two halves of the face (a window on one side and a
lamp on the other, daylight and a screen).

Under one light the two halves of a face have nearly the same skin colour: on the 204 London
photos as taken the medians of their log-chromaticity (log R/G, log B/G of linear light) are at
most 0.071 apart (median 0.014). A second light of another colour on one side moves that
half's, and one white balance for the whole photo cannot be right for both: the background's
near-gray estimate settles on one side's light, and copies of the London photos lit by two
lights across the face moved ITA by a median 2.0-5.9 deg (p90 6.5-11.5), with no warning
(bench/mixed_light.py; now 0.6-1.8, p90 1.4-4.1).

When the halves are MIXED_GAP or more apart and the lights of the background beside them
(each estimated as the whole background is) differ the way the halves do (their difference
within MIXED_AGREE_DEG of the halves' direction and at least half its length: the light of a
side of the room falls on that side of the face and the background beside it), the photo is
named MIXED_LIGHT (a warning) and the light on the face is taken as the mean of those two.
The halves alone are not enough: under a strong side light from one lamp the shaded half reads
warmer and more saturated (the astronaut's portrait: 0.13 apart, the background's sides alike).
docs/benchmarks.md, "Mixed light".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.geometry import sample_window, side_of_line

MIXED_GAP = 0.1
MIXED_AGREE_DEG = 35.0
MIN_PIXELS = 200
SKIN_SAMPLE = 6000  # the skin is read evenly subsampled to about this many pixels


@dataclass(frozen=True, eq=False)
class MixedLight:
    gap: np.ndarray  # log-chromaticity of the +1 half's skin minus the -1 half's
    gains: np.ndarray  # the white balance for the mean of the lights beside the two halves


def sides_of(xy: np.ndarray, points: np.ndarray) -> np.ndarray:
    """+1 or -1 for each (x, y): which side of the face's midline (forehead top to chin) it is
    on, in the coordinates `points` are in (a turn of the crop keeps the sides)."""
    return side_of_line(xy[:, 0], xy[:, 1], points[lm.FOREHEAD_TOP, :2], points[lm.CHIN_BOTTOM, :2])


def halves_gap(crop: np.ndarray, skin: np.ndarray, points: np.ndarray) -> np.ndarray | None:
    """The +1 half's median skin log-chromaticity minus the -1 half's (crop pixels and
    landmarks), or None when either half shows too little usable skin."""
    chosen = np.flatnonzero(skin)
    chosen = chosen[:: max(1, len(chosen) // SKIN_SAMPLE)]
    ys, xs = np.divmod(chosen, skin.shape[1])
    sides = sides_of(np.column_stack([xs, ys]).astype(np.float32), points)
    pixels = crop.reshape(-1, 3)[chosen]
    medians = []
    for side in (1, -1):
        linear = colour.usable_linear(pixels[sides == side])
        if len(linear) < MIN_PIXELS:
            return None
        logs = np.log(np.maximum(linear, 1e-6))
        medians.append(np.median(logs[:, [0, 2]] - logs[:, [1]], axis=0))
    return np.asarray(medians[0] - medians[1])


def background_halves(
    sample: np.ndarray, step: int, box: tuple[int, int, int, int], margin: float, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of `sample` (the photo read every `step` pixels) beside the face (level with
    it along its midline, outside its box grown by `margin` of its size), on its +1 and its -1
    side (the photo's landmarks): not the hair above it or the clothes below."""
    top, left, bottom, right = sample_window(sample.shape, step, box, margin)
    rows, cols = np.mgrid[0 : sample.shape[0], 0 : sample.shape[1]]
    rows, cols = rows.ravel(), cols.ravel()
    away = (rows < top) | (rows >= bottom) | (cols < left) | (cols >= right)
    xs, ys = cols * step, rows * step
    head, chin = points[lm.FOREHEAD_TOP, :2], points[lm.CHIN_BOTTOM, :2]
    along = chin - head
    level = ((xs - head[0]) * along[0] + (ys - head[1]) * along[1]) / float(along @ along)
    chosen = away & (level >= 0.0) & (level <= 1.0)
    sides = sides_of(np.column_stack([xs[chosen], ys[chosen]]).astype(np.float32), points)
    pixels = sample.reshape(-1, 3)[chosen]
    return pixels[sides == 1], pixels[sides == -1]


def mixed_light(
    crop: np.ndarray,
    skin: np.ndarray,
    crop_points: np.ndarray,
    sample: np.ndarray,
    step: int,
    box: tuple[int, int, int, int],
    margin: float,
    points: np.ndarray,
    balance: Callable[[np.ndarray], np.ndarray],
) -> MixedLight | None:
    """Lights of two colours on the two halves of the face, when the halves are MIXED_GAP
    apart and the background beside them agrees (`balance`: the white balance's gains for a
    set of background pixels)."""
    gap = halves_gap(crop, skin, crop_points)
    if gap is None or float(np.hypot(*gap)) < MIXED_GAP:
        return None
    plus, minus = background_halves(sample, step, box, margin, points)
    gains = face_light_gains(gap, (balance(plus), balance(minus)))
    return None if gains is None else MixedLight(gap, gains)


def gains_chroma(gains: np.ndarray) -> np.ndarray:
    """The log-chromaticity of the light that `gains` correct (the inverse of the gains)."""
    return -np.log(np.array([gains[0] / gains[1], gains[2] / gains[1]]))


def face_light_gains(
    gap: np.ndarray, side_gains: tuple[np.ndarray, np.ndarray]
) -> np.ndarray | None:
    """The gains for the mean of the two sides' lights (the geometric mean of their gains),
    or None when the sides' lights do not differ the way the halves of the face (`gap`) do."""
    difference = gains_chroma(side_gains[0]) - gains_chroma(side_gains[1])
    length, size = float(np.hypot(*difference)), float(np.hypot(*gap))
    if length < 0.5 * size:
        return None
    cosine = float(difference @ gap) / (length * size)
    if cosine < math.cos(math.radians(MIXED_AGREE_DEG)):
        return None
    return np.sqrt(side_gains[0] * side_gains[1])
