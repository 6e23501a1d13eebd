"""The quality gate: named issues with guidance, on blurred, dark, small, cropped, turned and
two-face inputs; unreadable bytes raise UnreadableMedia."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from metskin.adapters.vision.images import decode_image, reduction_for
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.analysis.service import analyse_image
from metskin.domain.errors import DomainError
from tests.analysis.synthetic import astronaut
from tests.fakes_analysis import FakeLandmarker, rotated_yaw


def codes(result) -> set[str]:
    return {issue.code for issue in result.quality}


@pytest.fixture(scope="module")
def face(request) -> np.ndarray:
    try:
        return request.getfixturevalue("london_face")
    except pytest.skip.Exception:
        return astronaut()


def test_a_good_photo_has_no_issue(landmarker, face) -> None:
    result = analyse_image(face, landmarker)
    assert result.ok and codes(result) == set()
    assert all(issue.guidance for issue in result.quality)


@pytest.mark.parametrize("sigma", [2.5, 4.0])
def test_blur_is_reported(landmarker, face, sigma) -> None:
    result = analyse_image(cv2.GaussianBlur(face, (0, 0), sigma), landmarker)
    assert "BLURRY" in codes(result)


@pytest.mark.parametrize("gain", [0.15, 0.3])
def test_dark_photo_is_reported(landmarker, face, gain) -> None:
    result = analyse_image(np.round(face * gain).astype(np.uint8), landmarker)
    assert "TOO_DARK" in codes(result)
    assert result.tone is None or result.tone.confidence < 0.6


def test_overexposed_photo_is_reported(landmarker, face) -> None:
    result = analyse_image(np.clip(face.astype(np.float32) * 2.2, 0, 255).astype(np.uint8),
                           landmarker)
    assert "OVEREXPOSED" in codes(result)


@pytest.mark.parametrize("seed", [0, 1])
def test_small_face_is_reported(landmarker, face, seed) -> None:
    rng = np.random.default_rng(seed)
    # MediaPipe's detector sees the image at 128 px, so the face must stay detectable.
    canvas = np.full((1100, 1100, 3), rng.integers(90, 200), dtype=np.uint8)
    small = cv2.resize(face, (400, 400), interpolation=cv2.INTER_AREA)
    y, x = rng.integers(50, 650, size=2)
    canvas[y:y + 400, x:x + 400] = small
    result = analyse_image(canvas, landmarker)
    assert "FACE_TOO_SMALL" in codes(result)


def test_two_faces_are_reported(landmarker, face) -> None:
    pair = np.concatenate([face, cv2.flip(face, 1)], axis=1)
    result = analyse_image(pair, landmarker)
    assert "MULTIPLE_FACES" in codes(result)
    assert result.ok  # the largest face is still analysed


def test_cropped_face_or_no_face_blocks(landmarker, face) -> None:
    height = face.shape[0]
    mouth_only = np.ascontiguousarray(face[int(height * 0.62):])
    result = analyse_image(mouth_only, landmarker)
    assert not result.ok or {"FACE_TOO_SMALL", "POSE_TOO_STRONG"} & codes(result)
    noise = np.random.default_rng(2).integers(0, 255, size=(300, 300, 3), dtype=np.uint8)
    nothing = analyse_image(noise, landmarker)
    assert not nothing.ok and codes(nothing) == {"NO_FACE"}
    assert nothing.quality[0].blocking and nothing.to_dict()["tone"] is None


@pytest.mark.parametrize("yaw", [-40.0, 40.0])
def test_turned_head_is_reported(landmarker, face, yaw) -> None:
    points = landmarker.detect(face)[0]
    assert "POSE_TOO_STRONG" not in codes(analyse_image(face, FakeLandmarker([points])))
    turned = analyse_image(face, FakeLandmarker([rotated_yaw(points, yaw)]))
    assert "POSE_TOO_STRONG" in codes(turned)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0broken jpeg"])
def test_unreadable_bytes_raise_corrupt_media(data: bytes) -> None:
    with pytest.raises(UnreadableMedia) as raised:
        decode_image(data)
    assert isinstance(raised.value, DomainError) and raised.value.code == "CORRUPT_MEDIA"


def test_large_jpeg_is_decoded_at_reduced_resolution() -> None:
    assert reduction_for((4000, 3000)) == 4
    assert reduction_for((1632, 1224)) == 1
    big = cv2.resize(astronaut(), (3400, 3400))
    ok, encoded = cv2.imencode(".jpg", big)
    assert ok
    assert decode_image(encoded.tobytes()).shape[:2] == (1700, 1700)
    assert decode_image(encoded.tobytes(), long_side=800).shape[:2] == (850, 850)
