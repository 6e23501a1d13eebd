"""Blockiness: JPEG's 8 x 8 grid found on smooth skin-like texture, wherever the grid lies."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis.compression import (
    COMPRESSED_BLOCKINESS,
    MIN_CROP_SCALE,
    SourceCoding,
    blockiness,
    compression_issues,
)


def skin_like(seed: int = 0, size: int = 256) -> np.ndarray:
    """A smooth shaded patch with fine grain, in skin colours."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    base = 150 + 40 * np.sin(3 * x + 2 * y) + rng.normal(0, 2.5, (size, size))
    grain = cv2.GaussianBlur(rng.normal(0, 4, (size, size)), (0, 0), 1.0)
    grey = np.clip(base + grain, 0, 255)
    return np.dstack([grey + 30, grey, grey - 25]).clip(0, 255).astype(np.uint8)


def saved(rgb: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1])


def test_strong_compression_shows_its_grid_and_light_compression_does_not() -> None:
    rgb, skin = skin_like(), np.ones((200, 200), bool)
    box = (20, 30, 220, 230)
    assert blockiness(rgb, box, skin) < 1.2
    assert blockiness(saved(rgb, 95), box, skin) < 1.3
    assert blockiness(saved(rgb, 40), box, skin) >= COMPRESSED_BLOCKINESS


def test_the_grid_is_found_after_a_crop_and_only_on_the_skin() -> None:
    rgb = saved(skin_like(1), 40)
    skin = np.ones((200, 200), bool)
    whole = blockiness(rgb, (20, 30, 220, 230), skin)
    shifted = blockiness(np.ascontiguousarray(rgb[5:, 3:]), (17, 25, 217, 225), skin)
    assert abs(whole - shifted) < 0.05
    assert blockiness(rgb, (20, 30, 220, 230), np.zeros_like(skin)) == 1.0  # no skin, no grid
    edge = np.zeros_like(skin)
    edge[:, :4] = True  # a strip too thin to read
    assert blockiness(rgb, (20, 30, 220, 230), edge) == 1.0


def test_a_photo_shrunk_by_more_than_half_is_not_named() -> None:
    rgb, skin = saved(skin_like(2), 40), np.ones((200, 200), bool)
    box = (20, 30, 220, 230)
    assert [i.code for i in compression_issues(rgb, box, 1.0, skin)] == ["COMPRESSED"]
    assert compression_issues(rgb, box, MIN_CROP_SCALE * 0.9, skin) == []
    assert not compression_issues(rgb, box, 1.0, skin)[0].blocking
    coarse = SourceCoding("hevc", 30)  # a HEIC from a phone, coded coarsely, eyes far apart
    assert [i.code for i in compression_issues(rgb, box, 1.0, skin, coarse)] == ["COMPRESSED"]
    assert compression_issues(rgb, box, MIN_CROP_SCALE * 0.9, skin, coarse) == []


def test_a_named_photo_s_pores_and_lines_ranges_reach_as_far_as_its_flaw_moves_them() -> None:
    from metskin.domain.analysis.compression import COMPRESSION_RISE
    from metskin.domain.analysis.guidance import issue
    from metskin.domain.analysis.model import Concern
    from metskin.domain.analysis.quality import BLUR_FALL, BLUR_RISE, widened

    concerns = tuple(
        Concern(name, 20.0, {}, {}, "", score_range=(15.0, 26.0))
        for name in ("pores", "wrinkles", "redness")
    )
    assert widened(concerns, [issue("SMILING", 1.2)]) == concerns
    found = {c.name: c.score_range for c in widened(concerns, [issue("COMPRESSED", 1.6)])}
    assert found["pores"] == (15.0 - COMPRESSION_RISE["pores"], 26.0)
    assert found["wrinkles"] == (max(0.0, 15.0 - COMPRESSION_RISE["wrinkles"]), 26.0)
    assert found["redness"] == (15.0, 26.0)
    # a blur adds lines and hides pores: lines reach lower, pores higher
    found = {c.name: c.score_range for c in widened(concerns, [issue("BLURRY", 30.0)])}
    assert found["wrinkles"] == (max(0.0, 15.0 - BLUR_RISE["wrinkles"]), 26.0)
    assert found["pores"] == (15.0, 26.0 + BLUR_FALL["pores"])
    assert found["redness"] == (15.0, 26.0)
    both = [issue("BLURRY", 30.0), issue("COMPRESSED", 1.6)]
    found = {c.name: c.score_range for c in widened(concerns, both)}
    assert found["pores"] == (15.0 - COMPRESSION_RISE["pores"], 26.0 + BLUR_FALL["pores"])
