"""The wrinkle detector's ridge response, computed on the wrinkle zone's box only, equals the
whole-image response everywhere in the zone (the box is grown by the filters' reach), up to
float rounding (OpenCV's vectorised filters sum the tail of a row in another order)."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.filters import dark_ridges, dark_ridges_within


def test_the_windowed_ridges_equal_the_whole_image_ridges_in_the_zone() -> None:
    rng = np.random.default_rng(5)
    lightness = (60 + 8 * rng.standard_normal((240, 200))).astype(np.float32)
    lightness[100:103, 40:160] -= 15  # a dark line
    sigmas = (1.2, 2.0, 3.4)
    for box in ((90, 110, 30, 170), (0, 40, 0, 60), (200, 240, 150, 200)):
        zone = np.zeros(lightness.shape, dtype=bool)
        zone[box[0] : box[1], box[2] : box[3]] = True
        whole = dark_ridges(lightness, sigmas)
        windowed = dark_ridges_within(lightness, sigmas, zone)
        np.testing.assert_allclose(windowed[zone], whole[zone], rtol=0, atol=1e-3)
        assert windowed[zone].max() > 0
    far = np.zeros(lightness.shape, dtype=bool)
    far[0:5, 0:5] = True
    assert dark_ridges_within(lightness, sigmas, far)[150:, 150:].max() == 0  # not computed
    assert not dark_ridges_within(lightness, sigmas, np.zeros_like(far)).any()
