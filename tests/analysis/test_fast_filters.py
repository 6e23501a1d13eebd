"""The engine's faster filters give exactly the values of the plain numpy formulation they
replace: robust medians, blob means, the background sample, the hair mask on the dark box,
byte percentiles off a histogram, float percentiles by one partition, the quality gate's
sample and clipped shares, fine texture on the mask's box, the capture's region medians and
the validity gate's colour medians."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.capture import MAX_REGION_PIXELS, measure_capture
from metskin.domain.analysis.engine import (
    BACKGROUND_MARGIN,
    SAMPLE_SIDE,
    background_pixels,
    check_frame,
)
from metskin.domain.analysis.face_image import build_face_image, hair_mask
from metskin.domain.analysis.filters import (
    ROBUST_SAMPLE,
    blob_means,
    blobs,
    blur,
    byte_counts,
    byte_median,
    byte_percentile,
    column_medians,
    disk,
    fine_texture,
    median_in_place,
    percentiles_in_place,
    robust_stats,
)
from metskin.domain.analysis.quality import (
    brightest_channel,
    clipped_fractions,
    luma,
    sample_planes,
)
from metskin.domain.analysis.validity import measure_validity
from metskin.domain.analysis.white_reference import white_balance


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


def test_column_medians_equal_numpy_and_keep_the_order() -> None:
    rng = np.random.default_rng(5)
    for rows in (1, 2, 3, 10, 11, 400, 401):
        for dtype in (np.float32, np.float64):
            values = rng.normal(0, 0.3, (rows, 2)).astype(dtype)
            values[::4, 1] = values[0, 1]  # ties
            before = values.copy()
            found = column_medians(values)
            expected = np.median(values, axis=0)
            assert found.dtype == expected.dtype and np.array_equal(found, expected)
            assert np.array_equal(values, before)


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


def test_byte_percentiles_and_median_equal_numpy() -> None:
    rng = np.random.default_rng(7)
    for trial in range(600):
        size = int(rng.integers(1, 12 if trial % 3 == 0 else 4000))
        centre, spread = rng.uniform(0, 255), rng.uniform(0.1, 60)
        values = rng.normal(centre, spread, size).clip(0, 255).astype(np.uint8)
        counts = byte_counts(values)
        for percent in (0, 10, 37.3, 50, 95, 99, 99.9, 100):
            assert byte_percentile(counts, percent) == float(np.percentile(values, percent))
        assert byte_median(counts) == float(np.median(values))


def test_float_percentiles_equal_numpy() -> None:
    rng = np.random.default_rng(10)
    for trial in range(400):
        size = int(rng.integers(1, 12 if trial % 4 == 0 else 30000))
        dtype = np.float32 if trial % 2 else np.float64
        values = rng.normal(rng.uniform(-20, 60), rng.uniform(0.01, 30), size).astype(dtype)
        values[:: int(rng.integers(2, 6))] = values[0]  # ties
        for percents in ((10, 50), (0, 95, 99.9, 100, 37.3)):
            found = percentiles_in_place(values.copy(), percents)
            assert found == [float(value) for value in np.percentile(values, percents)]
    with_nan = np.arange(10, dtype=np.float32)
    with_nan[4] = np.nan
    assert all(np.isnan(percentiles_in_place(with_nan.copy(), (10, 50))))


def test_quality_sample_and_clipped_shares_equal_the_plain_formulation() -> None:
    rng = np.random.default_rng(8)
    for height, width in ((640, 640), (613, 817), (40, 300)):
        image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        image[: height // 3] = 252  # clipped rows: every channel
        image[height // 3 : height // 2, :, 1] = 255  # one channel
        for step in (1, 2, 3, 7):
            sample = image[::step, ::step]
            grey, brightest = sample_planes(image, step)
            np.testing.assert_array_equal(grey, luma(sample))
            np.testing.assert_array_equal(brightest, brightest_channel(sample))
        for skin in (rng.random((height, width)) > 0.4, np.zeros((height, width), dtype=bool)):
            hot = image[skin] >= 250 if skin.any() else np.zeros((1, 3), dtype=bool)
            counts = hot[:, 0].astype(np.uint8) + hot[:, 1] + hot[:, 2]
            plain = (float((counts >= 1).mean()), float((counts >= 2).mean()))
            assert clipped_fractions(image, skin) == plain


def test_fine_texture_on_the_mask_box_equals_the_whole_image() -> None:
    rng = np.random.default_rng(9)
    for _ in range(120):
        height, width = (int(side) for side in rng.integers(40, 300, 2))
        image = rng.normal(60, 8, (height, width)).astype(np.float32)
        mask = np.zeros((height, width), dtype=bool)
        y0, x0 = int(rng.integers(0, height - 5)), int(rng.integers(0, width - 5))
        mask[y0 : y0 + int(rng.integers(1, 60)), x0 : x0 + int(rng.integers(1, 60))] = True
        mask &= rng.random(mask.shape) > 0.3
        fine = float(rng.uniform(0.3, 8.0))
        values = (image - blur(image, fine))[mask]
        plain = robust_stats(values)[1] if values.size else 0.0
        assert fine_texture(image, mask, fine) == plain


def test_capture_and_validity_medians_equal_numpy_on_a_real_face(landmarker, london_face) -> None:  # type: ignore[no-untyped-def]
    checked = check_frame(london_face, landmarker.detect(london_face))
    assert not isinstance(checked, list)
    geometry = checked.geometry
    pts = checked.points_in_crop()
    gains, cast = white_balance(checked.background, checked.crop, pts, geometry.scale)
    face = build_face_image(checked.crop, pts, geometry.masks, gains)
    usable = face.masks["usable"]
    lab = np.stack([face.plane(channel).ravel() for channel in range(3)])
    expected = {}
    for name in lm.REGIONS:
        chosen = np.flatnonzero(face.region(name) & usable)
        if len(chosen) >= 50:
            median = np.median(lab[:, chosen[:: max(1, len(chosen) // MAX_REGION_PIXELS)]], axis=1)
            expected[name] = (float(median[0]), float(median[1]), float(median[2]))
    assert len(expected) == len(lm.REGIONS)
    assert measure_capture(face, checked.points).region_lab == expected
    step = max(1, face.values(1).size // 20000)
    a_star, b_star = face.values(1)[::step], face.values(2)[::step]
    validity = measure_validity(face, pts, geometry.scale, cast)
    assert validity.chroma == float(np.median(np.hypot(a_star, b_star)))
    hue = float(np.degrees(np.arctan2(np.median(b_star), np.median(a_star))))
    assert validity.hue_deg == hue
