"""The whites of the eyes as a second estimate of the light, fused with the background's.

Every frontal face photo shows some sclera, lit by the same light as the skin; the background
may be lit differently, or be colourful enough to fool a gray-world estimate (a red cup, a cat,
a night sky). The sclera is not gray, though: under the studio light of the London Set (102
faces, the gray wall taken as neutral) it reads redder and slightly yellower, and it varies from
person to person by about 0.08 (red/green) and 0.06 (blue/green) in log-chromaticity, more than
a background with much gray in it is off. So neither estimate simply wins:

- the background estimate is "good" (error SIGMA_GOOD, the spread of the wall estimate over the
  London Set) with the probability that its own refinement explains the background as gray (the
  share of near-gray pixels), otherwise "fooled" (error SIGMA_FOOLED);
- the sclera is good (error SCLERA_SPREAD) with probability SCLERA_GOOD, otherwise fooled (half
  closed eyes, lid shadow, tinted glasses: 3 of the 102 London faces are beyond 3 sigma) and
  says nothing. In small faces the skin bleeds into the sclera, so its prior fades out below an
  eye distance of SCLERA_FULL_EYE_DISTANCE px and is nil below SCLERA_MIN_EYE_DISTANCE.

The estimate is the posterior mean over the four cases: each case fuses the two Gaussians (or
keeps the background's when the sclera is fooled), and is weighted by its prior and by how
likely it makes the disagreement between the two. A background that is mostly gray keeps its
estimate unless the eyes disagree far beyond their own spread; a colourful background gives way
to the eyes. The result goes through the same bounds as before (colour.gains_for_illuminant),
which fade out when the background is mostly gray (its gray share).
Without usable sclera the background decides alone, as before.

The background's estimator can settle on two solutions (refined from its Minkowski estimate and
from no cast), and which explains more of it as gray can flip with the light: under tungsten the
recolour benchmark's rocket scene has a blue sky that looks gray, and the grayer solution moved
against the cast. When the eyes are read they choose the solution (`background_solution`).

The background's estimate is then made equivariant under a global cast (`equivariant_light`):
the Minkowski mean weighs the brightest pixels, and which of them a cast pushes past clipping
depends on the cast (on the London wall it left 0.5-1.5 % of each cast in the estimate; on the
astronaut's suit 20 % of shade's). The pixels are chosen on the image corrected by the estimate
so far (the same pixels before and after a cast), below a ceiling that ordinary casts seldom
clip: a mostly gray background averages the log-chromaticity of its near-gray ones, a colourful
one keeps the Minkowski estimator on them, in proportion to its gray share.

The sclera constants come from the London Set (`bench/analysis_bench.py --calibrate-sclera`
reprints them, with a two-fold check), the eye-distance ramp from a sweep of the sclera reading
over resolutions; none was fitted to the recolour benchmark's scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.eyes import (
    MIN_PIXELS,
    SCLERA_FULL_EYE_DISTANCE,
    SCLERA_MIN_EYE_DISTANCE,
    SCLERA_OFFSET,
    sclera_pixels,
)
from metskin.domain.analysis.filters import column_medians

MIN_BACKGROUND_PIXELS = 100

# The sclera's person-to-person spread (robust sigma) around eyes.SCLERA_OFFSET, London Set.
SCLERA_SPREAD = np.array([0.077, 0.055])
SCLERA_GOOD = 0.9
SIGMA_GOOD = 0.02  # a background estimate that is right is right to about this
SIGMA_FOOLED = 0.3  # a fooled estimate can be off by a whole cast
# The equivariant refinement keeps background pixels whose brightest channel, once corrected
# by the estimate (luminance kept), is below EQUIVARIANT_CEILING and whose log-chromaticity lies
# within GRAY_RADIUS of it, and averages their log-chromaticity. A lower ceiling is safer under
# strong casts (a tungsten light raises red by 1.29 at constant luminance) but drops the
# brightest wall, the part lit like the face: on the London neutral / smiling pairs 0.75 gave
# ITA p90 6.22 deg (5.65 with the Minkowski estimate), 0.85 6.09; under the casts 0.75 left
# shade 0.19 deg, 0.85 0.32 (0.50 before). bench --london-casts; fifth pass in the docs.
EQUIVARIANT_CEILING = 0.85
GRAY_RADIUS = 0.15
EQUIVARIANT_ROUNDS = 3
USABLE = colour.USABLE  # linear brightest channel: too dark to read, or (nearly) clipped


@dataclass(frozen=True)
class Estimate:
    """An illuminant estimate as log-chromaticity (log R/G, log B/G)."""

    chroma: np.ndarray
    pixels: int


def log_chroma(illuminant: np.ndarray) -> np.ndarray:
    return np.log(np.array([illuminant[0] / illuminant[1], illuminant[2] / illuminant[1]]))


def illuminant_of(chroma: np.ndarray) -> np.ndarray:
    """Linear RGB illuminant (mean 1) of a log-chromaticity."""
    rgb = np.exp(np.array([chroma[0], 0.0, chroma[1]]))
    return rgb / rgb.mean()


def sclera_estimate(
    crop: np.ndarray, points: np.ndarray, linear: np.ndarray | None = None
) -> Estimate | None:
    """The light's log-chromaticity according to the sclera, or None when too little shows.
    `linear`: the crop's `sclera_pixels`, when already read."""
    linear = sclera_pixels(crop, points) if linear is None else linear
    if len(linear) < MIN_PIXELS:
        return None
    chroma = column_medians(np.log(linear[:, [0, 2]] / linear[:, [1]]))
    return Estimate(chroma - SCLERA_OFFSET, len(linear))


def equivariant_light(
    background: np.ndarray,
    illuminant: np.ndarray,
    gray_share: float,
    linear: np.ndarray | None = None,
) -> np.ndarray:
    """`illuminant` (the background's estimate) refined on the same pixels whatever the cast:
    those below EQUIVARIANT_CEILING once corrected by the estimate so far. A background trusted
    as gray (colour's fade from GRAY_TRUSTED_FROM to GRAY_TRUSTED) becomes the mean
    log-chromaticity of its near-gray pixels. A colourful one keeps colour's own estimator
    (near-gray Minkowski) on those pixels, weighted by its gray share over GRAY_TRUSTED_FROM:
    unrefined, the cast-dependent clipping of its brightest pixels made it follow shade 7500 K
    only 80 % of the way on the recolour benchmark's astronaut (share 0.57); a background with
    little gray (a cat, coffee, a rocket: 0.02-0.3) is fooled anyway, and refining it fully
    moved its estimate by more than it gained (sixth pass in docs/benchmarks.md).
    `linear`: `colour.usable_linear(background)`, when already computed."""
    trust = float(
        np.clip(
            (gray_share - colour.GRAY_TRUSTED_FROM)
            / (colour.GRAY_TRUSTED - colour.GRAY_TRUSTED_FROM),
            0.0,
            1.0,
        )
    )
    linear = colour.usable_linear(background) if linear is None else linear
    if len(linear) < MIN_BACKGROUND_PIXELS:
        return illuminant
    start = log_chroma(illuminant)
    gray = _gray_mean(linear, start) if trust > 0.0 else start
    colourful = start
    if trust < 1.0:
        weight = min(gray_share / colour.GRAY_TRUSTED_FROM, 1.0)
        colourful = weight * _colourful(linear, illuminant) + (1.0 - weight) * start
    return illuminant_of(trust * gray + (1.0 - trust) * colourful)


def _below_ceiling(linear: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Pixels whose brightest channel, corrected by `light` (luminance kept), is below
    EQUIVARIANT_CEILING: the same pixels before and after a global cast. The channels are
    divided and compared one column at a time (the same quotients as dividing the (N, 3)
    array; reducing its short axis costs more than the divisions)."""
    scale = light / float(colour.LUMA @ light)
    brightest = np.maximum(linear[:, 0] / scale[0], linear[:, 1] / scale[1])
    return np.asarray(np.maximum(brightest, linear[:, 2] / scale[2]) < EQUIVARIANT_CEILING)


def _gray_mean(linear: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Mean log-chromaticity of the pixels within GRAY_RADIUS of the estimate, below the
    ceiling (a background trusted as gray). A round that keeps the same pixels as the round
    before gives the same mean again: the rounds stop there (the same result)."""
    chroma = np.log(np.maximum(linear[:, [0, 2]], 1e-6) / np.maximum(linear[:, [1]], 1e-6))
    red, blue = chroma[:, 0].copy(), chroma[:, 1].copy()
    estimate, kept = start, None
    for _ in range(EQUIVARIANT_ROUNDS):
        # the distance as np.linalg.norm(chroma - estimate, axis=1) computes it, per column
        red_off, blue_off = red - estimate[0], blue - estimate[1]
        distance = np.sqrt(red_off * red_off + blue_off * blue_off)
        keep = _below_ceiling(linear, illuminant_of(estimate)) & (distance < GRAY_RADIUS)
        if keep.sum() < MIN_BACKGROUND_PIXELS or (kept is not None and np.array_equal(keep, kept)):
            break
        estimate, kept = chroma[keep].mean(axis=0), keep
    return estimate


def _colourful(linear: np.ndarray, illuminant: np.ndarray) -> np.ndarray:
    """colour's near-gray Minkowski estimate on the pixels below the ceiling (a colourful
    background), as log-chromaticity."""
    estimate = illuminant
    for _ in range(EQUIVARIANT_ROUNDS):
        refined = colour.gray_refined(linear[_below_ceiling(linear, estimate)], estimate)
        if refined is None:
            break
        estimate = refined
    return log_chroma(estimate)


def fuse(
    background: Estimate, gray_share: float, sclera: Estimate, sclera_good: float = SCLERA_GOOD
) -> np.ndarray:
    """Posterior mean log-chromaticity over (background good / fooled) x (sclera good /
    fooled). A fooled sclera says nothing: those two cases keep the background's estimate."""
    weights, means = _cases(background, gray_share, sclera, sclera_good)
    share = weights / max(float(np.sum(weights)), 1e-300)
    return np.asarray(share @ means)


def evidence(
    background: Estimate, gray_share: float, sclera: Estimate, sclera_good: float = SCLERA_GOOD
) -> float:
    """How likely the sclera's reading is given the background's (the four cases' weights
    summed): what tells which of the background's solutions the eyes agree with."""
    return float(np.sum(_cases(background, gray_share, sclera, sclera_good)[0]))


def _cases(
    background: Estimate, gray_share: float, sclera: Estimate, sclera_good: float
) -> tuple[np.ndarray, np.ndarray]:
    """The four cases' unnormalised posterior weights and their means (`fuse`)."""
    difference = background.chroma - sclera.chroma
    fooled = np.full(2, SIGMA_FOOLED**2)
    means, weights = [], []
    for background_var, background_prior in (
        (SIGMA_GOOD**2, gray_share),
        (SIGMA_FOOLED**2, 1.0 - gray_share),
    ):
        for sclera_var, sclera_prior, informative in (
            (SCLERA_SPREAD**2, sclera_good, True),
            (fooled, 1.0 - sclera_good, False),
        ):
            total = background_var + sclera_var
            likelihood = np.exp(-0.5 * float(np.sum(difference**2 / total)))
            weights.append(
                background_prior * sclera_prior * likelihood / float(np.sqrt(np.prod(total)))
            )
            means.append(
                (background.chroma * sclera_var + sclera.chroma * background_var) / total
                if informative
                else background.chroma
            )
    return np.array(weights), np.array(means)


def background_solution(
    solutions: list[tuple[np.ndarray, float]], sclera: Estimate | None, sclera_good: float
) -> tuple[np.ndarray, float]:
    """The background's solution (illuminant, gray share) to refine and fuse: the grayer one
    (colour.usable_illuminant), or, when the eyes are read, the one that makes their reading
    most likely (`evidence`, the solutions equally likely a priori). Which solution is grayer
    can flip with the light on a colourful background (a blue sky looks gray under tungsten);
    the sclera's reading moves with the light, so the solution it agrees with does too.
    Solutions within SIGMA_GOOD of each other (a background estimate's own precision) are the
    same solution: the grayer is kept."""
    grayer = max(solutions, key=lambda item: item[1])
    chroma = [log_chroma(item[0]) for item in solutions]
    if sclera is None or max(np.linalg.norm(c - chroma[0]) for c in chroma) <= SIGMA_GOOD:
        return grayer
    return max(
        solutions,
        key=lambda item: evidence(Estimate(log_chroma(item[0]), 0), item[1], sclera, sclera_good),
    )


def sclera_trust(eye_distance: float) -> float:
    """Prior that the sclera reading is good, given the eye distance in the photo's pixels."""
    ramp = (eye_distance - SCLERA_MIN_EYE_DISTANCE) / (
        SCLERA_FULL_EYE_DISTANCE - SCLERA_MIN_EYE_DISTANCE
    )
    return SCLERA_GOOD * float(np.clip(ramp, 0.0, 1.0))


def face_white_balance(
    background: np.ndarray, crop: np.ndarray, points: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """Bounded gains from the background pixels and, when they show large enough, the whites of
    the eyes (`crop`, its `points`, and the `scale` the crop was shrunk by from the photo)."""
    return white_balance(background, crop, points, scale)[0]


def white_balance(
    background: np.ndarray,
    crop: np.ndarray,
    points: np.ndarray,
    scale: float = 1.0,
    eyes: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """`face_white_balance`'s gains, and the cast they leave: the log-chromaticity length of
    the estimated light once corrected (0 when fully corrected or when nothing was estimated;
    the bounds leave at most about 0.2 of a plausible cast, more when it is too strong).
    `eyes`: the crop's `sclera_pixels`, when already read (`readable_sclera`)."""
    linear = colour.usable_linear(background)
    trust = sclera_trust(lm.eye_distance(points) / max(scale, 1e-6))
    sclera = sclera_estimate(crop, points, eyes) if trust > 0 else None
    solutions = colour.usable_solutions(linear)
    found = None if solutions is None else background_solution(solutions, sclera, trust)
    if found is not None:
        found = (equivariant_light(background, *found, linear), found[1])
    if sclera is None or (found is None and trust < SCLERA_GOOD):
        illuminant = None if found is None else found[0]
    elif found is None:  # a tight crop with no background: large eyes decide alone
        illuminant = illuminant_of(sclera.chroma)
    else:
        estimate = Estimate(log_chroma(found[0]), len(background))
        illuminant = illuminant_of(fuse(estimate, found[1], sclera, trust))
    gains = colour.gains_for_illuminant(illuminant, 0.0 if found is None else found[1])
    if illuminant is None:
        return gains, 0.0
    return gains, float(np.linalg.norm(log_chroma(illuminant * gains)))
