"""Concern scores are always finite (issue 13, point 3): a damaged photo gives finite numbers or
a coded refusal, never `redness: nan` with ok: true."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image, load_image
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.concerns import DETECTORS, redness
from metskin.domain.analysis.engine import analyse_image, check_frame
from metskin.domain.analysis.face_image import FaceImage, build_face_image
from metskin.domain.analysis.model import AnalysisResult, Concern
from metskin.domain.analysis.validity import finite_or_blocked, numbers, result_numbers
from metskin.domain.analysis.white_reference import face_white_balance
from metskin.domain.errors import DomainError

FLIPPED_PHOTOS = 4
COPIES_PER_PHOTO = 12


def every_number_is_finite(result: AnalysisResult) -> bool:
    """Checked on the fields and on the stored (plain) form."""
    found = [*result_numbers(result), *numbers(result.to_dict())]
    return all(math.isfinite(number) for number in found)


def flipped(data: bytes, rng: np.random.Generator) -> bytes:
    """The JPEG with a few random bits flipped after its headers."""
    damaged = bytearray(data)
    for _ in range(int(rng.integers(1, 40))):
        at = int(rng.integers(min(600, len(data) - 1), len(data)))
        damaged[at] ^= 1 << int(rng.integers(0, 8))
    return bytes(damaged)


def test_bit_flipped_london_photos_give_finite_scores_or_a_coded_refusal(
    landmarker: MediaPipeLandmarker, london_paths: list[Path]
) -> None:
    rng = np.random.default_rng(13)
    outcomes = {"measured": 0, "refused": 0, "blocked": 0}
    for path in london_paths[:FLIPPED_PHOTOS]:
        data = path.read_bytes()
        for _ in range(COPIES_PER_PHOTO):
            try:
                result = analyse_image(decode_image(flipped(data, rng)), landmarker)
            except DomainError as error:
                assert error.code  # an unreadable file is refused with a code
                outcomes["refused"] += 1
                continue
            assert every_number_is_finite(result), (path.name, result.to_dict())
            outcomes["measured" if result.ok else "blocked"] += 1
    assert outcomes["measured"] > 0, outcomes  # the damaged copies were really measured


def face_of(rgb: np.ndarray, landmarker: MediaPipeLandmarker) -> FaceImage:
    """The measured face of a photo, as `analyse_checked` builds it."""
    checked = check_frame(rgb, landmarker.detect(rgb))
    assert not isinstance(checked, list)
    geometry = checked.geometry
    pts = checked.points_in_crop()
    gains = face_white_balance(checked.background, checked.crop, pts, geometry.scale)
    return build_face_image(checked.crop, pts, geometry.masks, gains)


def test_a_region_without_usable_pixels_has_no_score_instead_of_nan(
    landmarker: MediaPipeLandmarker, london_paths: list[Path]
) -> None:
    face = face_of(load_image(london_paths[0]), landmarker)
    region = lm.MAIN_REGIONS[0]
    usable = face.masks["usable"] & ~face.masks[region]  # e.g. a damaged, clipped patch
    hollow = replace(face, masks={**face.masks, "usable": usable}, _regions={}, _areas={})
    assert hollow.area(region) > 0  # the region is there, with nothing usable in it
    found = redness(hollow)
    assert region not in found.regions
    assert math.isfinite(found.score)
    for detector in DETECTORS:
        concern = detector(hollow)
        values = [concern.score, *concern.regions.values(), *concern.measurements.values()]
        assert all(math.isfinite(value) for value in values), concern.name


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_result_holding_a_non_finite_number_is_refused_with_a_code(bad: float) -> None:
    concern = Concern("redness", bad, {"cheek_left": 1.0}, {}, "x", np.zeros((2, 2), np.float32))
    measured = AnalysisResult(quality=(), confidence=0.8, concerns=(concern,))
    refused = finite_or_blocked(measured)
    assert not refused.ok and refused.concerns == ()
    assert [issue.code for issue in refused.quality] == ["UNMEASURABLE"]
    assert all(math.isfinite(number) for number in result_numbers(refused))
    fine = replace(measured, concerns=(replace(concern, score=12.0),))
    assert finite_or_blocked(fine) is fine
