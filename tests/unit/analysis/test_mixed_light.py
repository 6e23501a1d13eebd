"""The two halves of the face and the background beside each: which side a pixel is on, how
far apart the halves' skin colours are, and when the lights beside them are trusted."""

from __future__ import annotations

import numpy as np
import pytest

from metskin.domain.analysis.colour import linear_to_srgb, srgb_to_linear
from metskin.domain.analysis.landmarks import CHIN_BOTTOM, FOREHEAD_TOP
from metskin.domain.analysis.mixed_light import (
    background_halves,
    face_light_gains,
    halves_gap,
    mixed_light,
    sides_of,
)


def midline(top: tuple[float, float], bottom: tuple[float, float]) -> np.ndarray:
    points = np.zeros((478, 3), np.float32)
    points[FOREHEAD_TOP, :2], points[CHIN_BOTTOM, :2] = top, bottom
    return points


def test_a_pixel_keeps_its_side_when_the_face_is_turned() -> None:
    upright = midline((50, 10), (50, 90))
    xy = np.array([[70, 50], [30, 50], [50, 5]], np.float32)
    sides = sides_of(xy, upright)
    assert sides[0] == -sides[1]
    # the same face and pixels turned a quarter: (x, y) -> (y, 100 - x)
    turn = lambda p: np.column_stack([p[:, 1], 100 - p[:, 0]])  # noqa: E731
    turned = upright.copy()
    turned[:, :2] = turn(upright[:, :2])
    assert np.array_equal(sides_of(turn(xy).astype(np.float32), turned), sides)


def skin_crop(gain_right: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """A 120 x 100 crop of one skin colour with texture, its right half under a light whose
    gains per linear channel are `gain_right`, and its skin mask (everything)."""
    rng = np.random.default_rng(3)
    base = srgb_to_linear(np.array([[[200, 150, 120]]], np.uint8))
    linear = np.repeat(np.repeat(base, 120, axis=0), 100, axis=1)
    linear = linear * rng.uniform(0.85, 1.15, (120, 100, 1))
    linear[:, 50:] *= np.array(gain_right)
    crop = np.round(np.clip(linear_to_srgb(linear), 0, 1) * 255).astype(np.uint8)
    return crop, np.ones((120, 100), bool)


def test_the_halves_gap_is_the_second_light_s_colour() -> None:
    points = midline((50, 0), (50, 119))
    crop, skin = skin_crop((1.0, 1.0, 1.0))
    same = halves_gap(crop, skin, points)
    assert same is not None and np.hypot(*same) < 0.01
    crop, skin = skin_crop((1.1, 0.95, 0.7))  # warmer on the right (x > 50)
    found = halves_gap(crop, skin, points)
    right = 1 if sides_of(np.array([[80, 60]], np.float32), points)[0] == 1 else -1
    expected = right * np.log([1.1 / 0.95, 0.7 / 0.95])
    assert found == pytest.approx(expected, abs=0.01)
    skin[:, 50:] = False  # one half without skin says nothing
    assert halves_gap(crop, skin, points) is None


def test_the_background_beside_each_half_is_level_with_the_face() -> None:
    sample = np.zeros((100, 100, 3), np.uint8)
    sample[:, :50] = (10, 200, 10)  # the photo's left half green, its right half blue
    sample[:, 50:] = (10, 10, 200)
    points = midline((50, 30), (50, 70))  # the face from row 30 to row 70
    plus, minus = background_halves(sample, 1, (40, 30, 60, 70), 0.0, points)
    assert len(plus) and len(minus)
    colours = {tuple(plus[0]), tuple(minus[0])}
    assert colours == {(10, 200, 10), (10, 10, 200)}
    assert len(plus) + len(minus) == 41 * 79  # rows 30-70, outside columns 40-60
    for side in (plus, minus):
        assert len({tuple(pixel) for pixel in side}) == 1  # no pixel from the other half


def test_the_lights_beside_the_face_are_used_only_when_they_differ_as_its_halves_do() -> None:
    warm, cool = np.array([0.8, 1.0, 1.4]), np.array([1.1, 1.0, 0.85])  # gains
    gap = -np.log([0.8 / 1.1, 1.4 / 0.85])  # the +1 half under the warm light's colour
    found = face_light_gains(gap, (warm, cool))
    assert found == pytest.approx(np.sqrt(warm * cool))
    assert face_light_gains(gap, (cool, warm)) is None  # the other way round
    assert face_light_gains(gap, (warm, warm)) is None  # one light beside both
    small = np.exp(0.3 * np.log(warm / cool)) * cool  # a third of the difference
    assert face_light_gains(gap, (small, cool)) is None


def test_mixed_light_needs_the_background_beside_the_halves_to_agree() -> None:
    """Halves apart (the right one under a warmer light): named only when the background on
    each side reads that side's light; under one light for the whole background (a shaded
    half that reads warmer under one lamp) nothing is named."""
    crop, skin = skin_crop((1.1, 0.95, 0.7))
    points = midline((50, 0), (50, 119))  # the crop's +1 half is its right (x > 50)
    sample = np.zeros((60, 60, 3), np.uint8)
    sample[:, :30], sample[:, 30:] = (180, 200, 230), (230, 200, 160)  # cool left, warm right
    where = midline((30, 0), (30, 59))
    warm, cool = np.array([0.8, 1.0, 1.4]), np.array([1.1, 1.0, 0.85])

    def two_lights(pixels: np.ndarray) -> np.ndarray:
        return warm if pixels[:, 0].mean() > pixels[:, 2].mean() else cool

    found = mixed_light(crop, skin, points, sample, 1, (25, 0, 35, 60), 0.0, where, two_lights)
    assert found is not None and found.gains == pytest.approx(np.sqrt(warm * cool))
    one = mixed_light(crop, skin, points, sample, 1, (25, 0, 35, 60), 0.0, where, lambda _: cool)
    assert one is None
