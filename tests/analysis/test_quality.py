"""The quality gate: named issues with guidance, on blurred, dark, small, cropped, turned and
two-face inputs; unreadable bytes raise UnreadableMedia."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from metskin.adapters.vision.images import decode_image, reduction_for
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.errors import DomainError
from tests.analysis.synthetic import astronaut
from tests.fakes.infra import FakeLandmarker, rotated_yaw


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
    result = analyse_image(
        np.clip(face.astype(np.float32) * 2.2, 0, 255).astype(np.uint8), landmarker
    )
    assert "OVEREXPOSED" in codes(result)


def crop_around_face(
    face: np.ndarray, points: np.ndarray, margin: float = 0.6
) -> tuple[np.ndarray, np.ndarray]:
    """The face box grown by `margin` on each side, so any source photo fits on the canvas."""
    x0, y0, x1, y1 = lm.face_box(points)
    grow_x, grow_y = (x1 - x0) * margin, (y1 - y0) * margin
    left, top = max(0, int(x0 - grow_x)), max(0, int(y0 - grow_y))
    right = min(face.shape[1], int(x1 + grow_x))
    bottom = min(face.shape[0], int(y1 + grow_y))
    shifted = points.copy()
    shifted[:, 0] -= left
    shifted[:, 1] -= top
    return face[top:bottom, left:right], shifted


def face_on_canvas(
    face: np.ndarray, points: np.ndarray, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """`face` scaled so that its face box is `fraction` of a 1500x2000 canvas's short side, at a
    seeded place on a seeded plain background; the expected face box."""
    height, width = 1500, 2000
    face, points = crop_around_face(face, points)
    x0, y0, x1, y1 = lm.face_box(points)
    factor = fraction * height / min(x1 - x0, y1 - y0)
    size = (round(face.shape[1] * factor), round(face.shape[0] * factor))
    small = cv2.resize(face, size, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), rng.integers(60, 200, size=3), dtype=np.uint8)
    top, left = int(rng.integers(0, height - size[1])), int(rng.integers(0, width - size[0]))
    canvas[top : top + size[1], left : left + size[0]] = small
    box = (left + x0 * factor, top + y0 * factor, left + x1 * factor, top + y1 * factor)
    return canvas, tuple(round(v) for v in box)  # type: ignore[return-value]


@pytest.mark.parametrize(("seed", "fraction"), [(0, 0.10), (1, 0.11), (2, 0.14), (3, 0.18)])
def test_small_face_is_found_and_reported(landmarker, face, seed, fraction) -> None:
    """Faces below about 12 % of a large photo are too small for MediaPipe's 128 px detector;
    the windowed second search still finds them, so the user hears FACE_TOO_SMALL, not
    NO_FACE. The place and background are seeded."""
    rng = np.random.default_rng(seed)
    points = landmarker.detect(face)[0]
    canvas, box = face_on_canvas(face, points, fraction, rng)
    result = analyse_image(canvas, landmarker)
    small = [item for item in result.quality if item.code == "FACE_TOO_SMALL"]
    assert small and small[0].value == pytest.approx(fraction, abs=0.02), result.quality
    assert result.geometry is not None
    found = result.geometry.box
    assert abs(found[0] - box[0]) < 0.25 * (box[2] - box[0])  # the planted face, not a ghost
    assert abs(found[1] - box[1]) < 0.25 * (box[3] - box[1])


@pytest.mark.parametrize("seed", [0, 1])
def test_face_above_a_fifth_is_not_small(landmarker, face, seed) -> None:
    rng = np.random.default_rng(seed)
    points = landmarker.detect(face)[0]
    canvas, _ = face_on_canvas(face, points, float(rng.uniform(0.22, 0.35)), rng)
    result = analyse_image(canvas, landmarker)
    assert result.ok and "FACE_TOO_SMALL" not in codes(result)


def test_large_photo_without_a_face_is_no_face(landmarker) -> None:
    rng = np.random.default_rng(4)
    noise = cv2.resize(rng.integers(0, 255, size=(150, 200, 3), dtype=np.uint8), (2000, 1500))
    assert codes(analyse_image(noise, landmarker)) == {"NO_FACE"}


def test_two_faces_are_reported(landmarker, face) -> None:
    pair = np.concatenate([face, cv2.flip(face, 1)], axis=1)
    result = analyse_image(pair, landmarker)
    assert "MULTIPLE_FACES" in codes(result)
    assert result.ok  # the largest face is still analysed


def test_cropped_face_or_no_face_blocks(landmarker, face) -> None:
    height = face.shape[0]
    mouth_only = np.ascontiguousarray(face[int(height * 0.62) :])
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
