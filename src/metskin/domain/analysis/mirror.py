"""A mirrored selfie between two analyses of one person, told by their pigmented spots.

Many phones save a front-camera photo mirrored, as the preview showed it; others do not. The
face mesh names its points by where they fall in the image, so on a mirrored photo "the right
cheek" is the person's left, and a spot's x in the aligned face frame (`spots`) changes sign.
One photo cannot tell. Two photos of the same face can: a person's spots (moles, freckles,
marks) are not placed symmetrically, so more of the later photo's spots are found again at
their earlier places with x flipped than as they are when one of the two is mirrored.

The London Set, each neutral photo against the same person's smiling one (minutes apart, 102
pairs; median 15 spots placed per photo, `bench/mirrored_selfie.py`): as taken, 79 are told
"as taken", 1 "mirrored", 22 cannot be told; against the smiling photo mirrored, 76 are told
"mirrored", 1 "as taken", 25 cannot be told. Photos of different days share fewer spots, so
fewer pairs can be told; the rule does not guess then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from metskin.domain.analysis.mesh_mirror import OTHER_SIDE
from metskin.domain.analysis.spots import SAME_SPOT

Place = tuple[float, float]  # (x, y) in the aligned face frame


class Spot(Protocol):
    """A spot in the aligned face frame, its place possibly unknown (the analysis' readout and
    the referrals' snapshot each have one)."""

    @property
    def x(self) -> float | None: ...

    @property
    def y(self) -> float | None: ...


MARGIN = 2  # spots found again one way beyond the other that tell the way
SIDES = ("_right", "_left")


def seen_again(earlier: Sequence[Place], later: Sequence[Place], flipped: bool = False) -> int:
    """How many `later` spots have an `earlier` one within SAME_SPOT (x flipped if asked)."""
    if not earlier or not later:
        return 0
    before = np.asarray(earlier, dtype=np.float64)
    after = np.asarray(later, dtype=np.float64) * ([-1.0, 1.0] if flipped else [1.0, 1.0])
    gaps = np.hypot(*(after[:, np.newaxis, :] - before[np.newaxis, :, :]).transpose(2, 0, 1))
    return int(np.count_nonzero((gaps <= SAME_SPOT).any(axis=1)))


def mirrored(earlier: Sequence[Place], later: Sequence[Place]) -> bool | None:
    """True when one photo is the other's mirror image, False when they match as taken, None
    when the spots cannot tell (too few, or as many found again either way)."""
    straight = seen_again(earlier, later)
    flipped = seen_again(earlier, later, flipped=True)
    if flipped >= straight + MARGIN:
        return True
    if straight >= flipped + MARGIN:
        return False
    return None


def spots_mirrored(earlier: Sequence[Spot] | None, later: Sequence[Spot] | None) -> bool | None:
    """`mirrored` of two results' spots (None, as for a result that did not measure spots,
    when either is None); spots without a place are left out."""
    if earlier is None or later is None:
        return None
    return mirrored(_places(earlier), _places(later))


def _places(spots: Sequence[Spot]) -> list[Place]:
    return [(s.x, s.y) for s in spots if s.x is not None and s.y is not None]


def other_side(region: str) -> str:
    """The region of the same name on the face's other side ("cheek_right" <-> "cheek_left");
    a region on the midline is itself."""
    right, left = SIDES
    if region.endswith(right):
        return region.removesuffix(right) + left
    if region.endswith(left):
        return region.removesuffix(left) + right
    return region


def mirror_points(points: np.ndarray, width: float = 1.0) -> np.ndarray:
    """Face-mesh landmarks (478, x first) of the photo flipped left to right (`width` pixels
    wide; any width gives the same face up to a shift), each renamed to keep its name for the
    same part of the face."""
    moved = np.array(points, dtype=np.float64, copy=True)
    moved[:, 0] = width - 1 - moved[:, 0]
    return moved[list(OTHER_SIDE)]


def flipped(rgb: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The photo flipped left to right, and its landmarks (image pixels) to match."""
    return np.ascontiguousarray(rgb[:, ::-1]), mirror_points(points, rgb.shape[1])
