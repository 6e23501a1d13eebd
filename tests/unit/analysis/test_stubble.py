"""Stubble found as fine texture below the nose, against the forehead's own (stubble.py)."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.stubble import stubble_mask

SIZE = 200
NOSE_ROW = 100


def face(chin_grain: float, forehead_grain: float = 1.0, seed: int = 0):
    """A flat L* 60 face: forehead rows 10-60, chin rows 150-190, with Gaussian grain of the
    given sd on each (stubble is a dense fine texture), and landmarks with the nose at row 100."""
    rng = np.random.default_rng(seed)
    lightness = np.full((SIZE, SIZE), 60.0, dtype=np.float32)
    lightness[10:60] += rng.normal(0.0, forehead_grain, (50, SIZE))
    lightness[150:190] += rng.normal(0.0, chin_grain, (40, SIZE))
    masks = {name: np.zeros((SIZE, SIZE), dtype=bool) for name in ("forehead", "chin")}
    masks["forehead"][10:60, 20:180] = True
    masks["chin"][150:190, 60:140] = True
    masks["skin"] = np.zeros((SIZE, SIZE), dtype=bool)
    masks["skin"][5:195, 10:190] = True
    masks["hair"] = np.zeros_like(masks["skin"])
    masks["specular"] = np.zeros_like(masks["skin"])
    points = np.zeros((478, 3), dtype=np.float32)
    points[lm.SUBNASALE] = (100.0, NOSE_ROW, 0.0)
    return lightness, masks, points


def test_a_stubbled_chin_is_found_below_the_nose_only() -> None:
    lightness, masks, points = face(chin_grain=4.0)
    found = stubble_mask(lightness, masks, points, eye_distance=100.0)
    assert found[160:180, 60:140].mean() > 0.9  # the chin's grain
    assert not found[:NOSE_ROW].any()  # nothing above the nose, the forehead's grain included
    assert found[110:135].mean() < 0.05  # smooth skin below the nose is not stubble


def test_a_chin_as_fine_as_the_forehead_has_none() -> None:
    """Women's chins read 0.75-1.16 x their forehead's texture on the London photos."""
    for ratio in (1.0, 1.3):
        lightness, masks, points = face(chin_grain=ratio * 2.0, forehead_grain=2.0)
        assert not stubble_mask(lightness, masks, points, eye_distance=100.0).any()


def test_no_forehead_to_compare_with_finds_nothing() -> None:
    lightness, masks, points = face(chin_grain=4.0)
    masks["hair"] = masks["forehead"].copy()  # a fringe over all of it
    assert not stubble_mask(lightness, masks, points, eye_distance=100.0).any()
