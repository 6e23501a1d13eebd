"""The fast sRGB table look-ups (OpenCV's) give exactly what indexing the table gives, for
every shape the engine passes, and the face image's white-balanced Lab matches the
arithmetic it replaced."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from metskin.domain.analysis import colour


@pytest.mark.parametrize("shape", [(5, 6, 1), (40, 30, 3), (9, 7, 4), (100, 3), (7,), (0, 3)])
def test_srgb_to_linear_is_the_table_for_every_shape(shape: tuple[int, ...]) -> None:
    values = np.random.default_rng(len(shape)).integers(0, 256, shape, dtype=np.uint8)
    found = colour.srgb_to_linear(values)
    assert found.shape == values.shape and found.dtype == np.float32
    assert np.array_equal(found, colour._SRGB_TO_LINEAR[values])


def test_srgb_to_linear_reads_strided_and_reversed_views() -> None:
    values = np.random.default_rng(3).integers(0, 256, (41, 33, 3), dtype=np.uint8)
    for view in (values[::2, ::3], values[::-1], values[:, :, ::-1]):
        assert np.array_equal(colour.srgb_to_linear(view), colour._SRGB_TO_LINEAR[view])


def test_lab_image_is_the_white_balanced_lab_of_the_linear_pixels() -> None:
    rgb = np.random.default_rng(4).integers(0, 256, (30, 20, 3), dtype=np.uint8)
    gains = np.array([1.2, 1.0, 0.8], dtype=np.float32)  # pushes some pixels above 1: clipped
    linear = np.clip(colour._SRGB_TO_LINEAR[rgb] * gains, 0.0, 1.0)
    expected = cv2.cvtColor(linear, cv2.COLOR_LRGB2Lab)
    assert np.array_equal(colour.lab_image(rgb, gains), expected)
