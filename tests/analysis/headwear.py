"""Headwear over a real face (`tests.analysis.degrade`'s sense: `f(rgb, points, seed) -> rgb`):
a knit beanie pulled low, a hoodie's hood up, a baseball cap from the front."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from tests.analysis.degrade import (
    LOWER_LIP,
    Variant,
    head_outline,
    line_across,
    painted,
    shaded_above,
)

HATS = {  # sRGB of the yarn; True: a marl (flecks of lighter and darker yarn)
    "black": ((24, 24, 27), False),
    "navy": ((32, 42, 88), False),
    "grey marl": ((135, 135, 138), True),
    "red": ((178, 34, 44), False),
    "camel": ((190, 150, 105), False),
}


def knit(
    rgb: np.ndarray, points: np.ndarray, covered: np.ndarray, hat: str, seed: int
) -> np.ndarray:
    """`rgb` with `covered` in a knit of HATS[hat]: ribs 0.08 eye distance apart (+-10 levels),
    a little grain and, for a marl, flecks (+-20 levels, shared by the channels); then JPEG."""
    fill, marl = HATS[hat]
    rng = np.random.default_rng(seed)
    height, width = rgb.shape[:2]
    x = np.arange(width, dtype=np.float64)
    ribs = 10.0 * np.cos(2 * np.pi * x / max(2.0, 0.08 * lm.eye_distance(points)))
    grain = ribs[np.newaxis, :, np.newaxis] + rng.normal(0.0, 4.0, (height, width, 1))
    if marl:
        flecks = cv2.GaussianBlur(rng.normal(0.0, 1.0, (height, width)), (0, 0), 0.8)
        grain += (20.0 / (flecks.std() + 1e-9)) * flecks[..., np.newaxis]
    return painted(rgb, covered, fill, grain)


def beanie(hat: str) -> Variant:
    """A knit beanie pulled low: the head above a line just above the brows (the scarf's
    "brows") in a knit of HATS[`hat`]."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        line = max(0, int(line_across(points, 1.0, -0.45)))
        around, _ = head_outline(rgb.shape, points, 0.0)
        covered = np.zeros_like(around)
        covered[:line] = around[:line]
        return knit(rgb, points, covered, hat, seed)

    return apply


def hood(hat: str, depth: float = 0.25) -> Variant:
    """A hoodie's hood up: fabric of HATS[`hat`] around the face and over its outer `depth`
    eye distances at the top and sides, down to the lower lip (the chin and neck as taken)."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        around, inner = head_outline(rgb.shape, points, depth)
        covered = around & ~inner
        covered[max(0, int(points[LOWER_LIP, 1])) :] = False
        return knit(rgb, points, covered, hat, seed)

    return apply


def cap(hat: str) -> Variant:
    """A baseball cap from the front: its crown and brim over the head above the middle of the
    forehead (the scarf's "mid"), the brim's shade (`brim_shade`, x0.5) down to just above the
    brows, in HATS[`hat`] (ribs and all: a twill's grain)."""

    def apply(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
        line = max(0, int(line_across(points, 0.5, 0.0)))
        around, _ = head_outline(rgb.shape, points, 0.0)
        covered = np.zeros_like(around)
        covered[:line] = around[:line]
        return knit(shaded_above(rgb, points, 0.5, "brows"), points, covered, hat, seed)

    return apply


HEADWEAR: dict[str, Callable[[str], Variant]] = {"beanie": beanie, "hood": hood, "cap": cap}
