"""The engine's faster filters give exactly the values of the plain numpy formulation they
replace: robust medians, blob means, the background sample, the hair mask on the dark box."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis.engine import BACKGROUND_MARGIN, SAMPLE_SIDE, background_pixels
from metskin.domain.analysis.face_image import hair_mask
from metskin.domain.analysis.filters import (
    ROBUST_SAMPLE,
    blob_means,
    blobs,
    disk,
    median_in_place,
    robust_stats,
)


def plain_robust_stats(values: np.ndarray) -> tuple[float, float]:
    values = values.ravel()[:: -(-values.size // ROBUST_SAMPLE)]
    median = float(np.median(values))
    return median, 1.4826 * float(np.median(np.abs(values - median)))


def test_robust_stats_equal_numpy_medians() -> None:
    rng = np.random.default_rng(3)
    for size in (*range(1, 12), 1000, 1001, ROBUST_SAMPLE + 1, 3 * ROBUST_SAMPLE + 7):
        for dtype in (np.float32, np.float64, np.uint8, np.int32):
            values = (rng.normal(60, 9, size)).clip(0, 255).astype(dtype)
            values[::5] = values[0]  # ties
            assert robust_stats(values) == plain_robust_stats(values)
    with_nan = np.arange(10, dtype=np.float32)
    with_nan[3] = np.nan
    assert np.isnan(median_in_place(with_nan.copy())) and np.isnan(np.median(with_nan))
    assert robust_stats(np.zeros(0, dtype=np.float32)) == (0.0, 0.0)


def test_blob_means_equal_the_whole_image_sums() -> None:
    rng = np.random.default_rng(4)
    mask = cv2.dilate((rng.random((120, 90)) > 0.97).astype(np.uint8), disk(1)).astype(bool)
    values = rng.normal(0, 3, mask.shape).astype(np.float32)
    found, labels = blobs(mask, 2, 1000)
    sums = np.bincount(labels.ravel(), weights=values.ravel())
    means = blob_means(labels, found, values)
    assert len(means) == len(found) > 10
    assert [blob.mean for blob in means] == [float(sums[b.label] / b.area) for b in found]


def plain_background(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    step = max(1, max(rgb.shape[:2]) // SAMPLE_SIDE)
    sample = rgb[::step, ::step]
    x0, y0, x1, y1 = box
    grow_x, grow_y = (x1 - x0) * BACKGROUND_MARGIN, (y1 - y0) * BACKGROUND_MARGIN
    keep = np.ones(sample.shape[:2], dtype=bool)
    keep[
        max(0, int((y0 - grow_y) / step)) : int((y1 + grow_y) / step) + 1,
        max(0, int((x0 - grow_x) / step)) : int((x1 + grow_x) / step) + 1,
    ] = False
    return sample[keep]


def test_background_pixels_list_the_masked_sample_in_order() -> None:
    rng = np.random.default_rng(5)
    for height, width in ((612, 816), (750, 1000), (40, 300)):
        rgb = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        for _ in range(60):
            x0, y0 = int(rng.integers(0, width - 1)), int(rng.integers(0, height - 1))
            box = (
                x0,
                y0,
                int(rng.integers(x0 + 1, width + 1)),
                int(rng.integers(y0 + 1, height + 1)),
            )
            np.testing.assert_array_equal(background_pixels(rgb, box), plain_background(rgb, box))


def plain_hair(lightness, skin, face, stats, eye_distance) -> np.ndarray:  # type: ignore[no-untyped-def]
    median_l, sigma_l = stats
    dark = skin & (lightness < median_l - max(15.0, 3.0 * sigma_l))
    dark = cv2.morphologyEx(dark.astype(np.uint8), cv2.MORPH_CLOSE, disk(2)).astype(bool) & skin
    rim = face & ~cv2.erode(face.astype(np.uint8), disk(round(eye_distance * 0.06))).astype(bool)
    _, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
    keep = np.zeros(int(labels.max()) + 1, dtype=bool)
    keep[labels[rim & dark]] = True
    keep[0] = False
    return keep[labels]


def test_hair_on_the_dark_box_equals_hair_on_the_whole_crop() -> None:
    rng = np.random.default_rng(6)
    face = np.zeros((200, 160), dtype=np.uint8)
    cv2.ellipse(face, (80, 100), (70, 95), 0, 0, 360, (1,), -1)
    face = face.astype(bool)
    skin = face.copy()
    for patches in (0, 1, 3, 8):
        lightness = (60 + 2 * rng.standard_normal(face.shape)).astype(np.float32)
        for _ in range(patches):  # dark patches anywhere
            y, x = int(rng.integers(0, 190)), int(rng.integers(0, 150))
            lightness[y : y + int(rng.integers(3, 30)), x : x + int(rng.integers(3, 30))] = 20
        lightness[8:20, 70:90] = 20  # a fringe on the rim: hair
        lightness[95:105, 75:85] = 20  # a dark patch inside the face: not hair
        found = hair_mask(lightness, skin, face, (60.0, 2.0), 100.0)
        np.testing.assert_array_equal(found, plain_hair(lightness, skin, face, (60.0, 2.0), 100.0))
        assert found[12, 80] and not found[100, 80]
    no_dark = np.full(face.shape, 60.0, dtype=np.float32)
    assert not hair_mask(no_dark, skin, face, (60.0, 2.0), 100.0).any()
