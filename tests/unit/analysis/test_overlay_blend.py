"""The overlay's heat maps are blended only where they are not zero, colour plane by colour
plane: the pixels (and so the stored JPEG) must be exactly those of blending every pixel of the
face box in turn, as the overlay was drawn before."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from metskin.adapters.vision.engine import OVERLAY_QUALITY
from metskin.adapters.vision.images import encode_jpeg
from metskin.domain.analysis.model import Concern
from metskin.domain.analysis.overlay import (
    CONCERN_COLOURS,
    HEAT_OPACITY,
    blend_heat,
    heat_strength,
)


def whole_box_blend(patch: np.ndarray, concerns: list[Concern]) -> np.ndarray:
    """The blend as the worker drew it before: every pixel of the box, one concern at a time."""
    height, width = patch.shape[:2]
    blended: np.ndarray = patch.astype(np.float32)
    for concern in concerns:
        heat = concern.heatmap
        if heat is None:
            continue
        resized = cv2.resize(heat, (width, height), interpolation=cv2.INTER_LINEAR)
        alpha = (HEAT_OPACITY * heat_strength(concern.score) * resized)[..., np.newaxis]
        colour = np.array(CONCERN_COLOURS.get(concern.name, (255, 255, 255)), dtype=np.float32)
        blended = blended * (1.0 - alpha) + colour * alpha
    return np.clip(blended, 0, 255).astype(np.uint8)


def heat_maps(seed: int, shape: tuple[int, int]) -> list[np.ndarray]:
    """Maps shaped like the detectors': blurred blobs (mostly zero), a dense one, an empty one,
    one touching the edges, and values down to the smallest float32s."""
    rng = np.random.default_rng(seed)
    maps = []
    for count in (0, 3, 40, 1):
        blobs = np.zeros(shape, dtype=np.float32)
        for _ in range(count):
            y, x = rng.integers(0, shape[0]), rng.integers(0, shape[1])
            blobs[max(0, y - 3) : y + 4, max(0, x - 3) : x + 4] = rng.uniform(0.2, 1.0)
        maps.append(np.clip(cv2.GaussianBlur(blobs, (0, 0), 2.0), 0, 1))
    maps.append(rng.uniform(0, 1, shape).astype(np.float32))
    edges = np.zeros(shape, dtype=np.float32)
    edges[0, :], edges[:, -1] = 1.0, 0.5
    maps.append(edges)
    tiny = np.zeros(shape, dtype=np.float32)
    tiny[shape[0] // 2, shape[1] // 3] = np.finfo(np.float32).tiny
    maps.append(tiny)
    return maps


@pytest.mark.parametrize(
    ("seed", "box", "crop"),
    [(1, (120, 150), (147, 126)), (2, (291, 261), (300, 250)), (3, (40, 33), (90, 70))],
)
def test_the_blend_gives_the_pixels_of_the_whole_box_blend(
    seed: int, box: tuple[int, int], crop: tuple[int, int]
) -> None:
    rng = np.random.default_rng(seed)
    patch = rng.integers(0, 256, (*box, 3), dtype=np.uint8)
    names = list(CONCERN_COLOURS)
    scores = rng.uniform(0, 100, len(names))
    concerns = [
        Concern(name, float(score), {}, {}, "", heat)
        for name, score, heat in zip(names, scores, heat_maps(seed, crop), strict=True)
    ]
    expected = whole_box_blend(patch, concerns)
    ours = patch.copy()
    blend_heat(ours, concerns)
    assert not np.array_equal(ours, patch)  # something was painted
    assert np.array_equal(ours, expected)
    assert encode_jpeg(ours, OVERLAY_QUALITY) == encode_jpeg(expected, OVERLAY_QUALITY)


def test_a_box_without_heat_is_left_as_it_was() -> None:
    patch = np.random.default_rng(4).integers(0, 256, (50, 40, 3), dtype=np.uint8)
    concerns = [
        Concern("redness", 80.0, {}, {}, "", np.zeros((30, 30), np.float32)),
        Concern("acne", 10.0, {}, {}, "", None),
    ]
    ours = patch.copy()
    blend_heat(ours, concerns)
    assert np.array_equal(ours, patch)
    assert np.array_equal(whole_box_blend(patch, concerns), patch)
