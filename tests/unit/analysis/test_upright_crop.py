"""A tilted head is cropped turned upright: the eyes level in the crop, every crop pixel read
from the photo pixel its affine names, the corners that leave the photo marked, and the crop's
maps brought back onto the photo's pixels where they came from."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.geometry import (
    LEVEL_FROM_DEG,
    crop_face,
    crop_points,
    in_box,
    make_geometry,
    photo_point,
    roll_degrees,
    upright_crop,
)


def face_points(centre: tuple[float, float], size: float, roll: float) -> np.ndarray:
    """A stand-in landmark set: the face oval on an ellipse, the eye corners on its eye line,
    every other point at the centre, all turned by `roll` degrees about the centre."""
    points = np.zeros((478, 3), np.float32)
    oval = list(lm.FACE_OVAL)
    angles = np.linspace(0, 2 * math.pi, len(oval), endpoint=False)
    points[oval, 0] = 0.4 * size * np.cos(angles)
    points[oval, 1] = 0.5 * size * np.sin(angles)
    for index, x in zip(
        (*lm.RIGHT_EYE_CORNERS, *lm.LEFT_EYE_CORNERS),
        (-0.3 * size, -0.1 * size, 0.3 * size, 0.1 * size),
        strict=True,
    ):
        points[index, :2] = (x, -0.1 * size)
    cos, sin = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    turned = points[:, :2] @ np.array([[cos, sin], [-sin, cos]], np.float32)
    points[:, :2] = turned + np.array(centre, np.float32)
    return points


def gradient_photo(height: int, width: int) -> np.ndarray:
    """A smooth photo whose pixel values say where they are (so resampling keeps them)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.stack([xs * 255 / width, ys * 255 / height, np.full_like(xs, 128)], axis=-1).astype(
        np.uint8
    )


def test_a_level_face_keeps_the_plain_crop() -> None:
    photo = gradient_photo(400, 300)
    points = face_points((150, 200), 200, LEVEL_FROM_DEG * 0.8)
    crop, box, scale, turn, inside = upright_crop(photo, points)
    plain, plain_box, plain_scale = crop_face(photo, points)
    assert turn is None and inside is None
    assert box == plain_box and scale == plain_scale and np.array_equal(crop, plain)


@pytest.mark.parametrize("roll", [-35.0, 25.0, 90.0, 180.0])
def test_a_tilted_face_is_cropped_with_its_eyes_level(roll: float) -> None:
    photo = gradient_photo(500, 420)
    points = face_points((210, 250), 260, roll)
    assert abs((roll_degrees(points) - roll + 180.0) % 360.0 - 180.0) < 1e-3
    crop, box, scale, turn, inside = upright_crop(photo, points)
    assert turn is not None and inside is not None and inside.shape == crop.shape[:2]
    pts = crop_points(points, box, scale, turn)
    right = pts[list(lm.RIGHT_EYE_CORNERS)].mean(axis=0)
    left = pts[list(lm.LEFT_EYE_CORNERS)].mean(axis=0)
    assert abs(left[1] - right[1]) < 0.01 and left[0] > right[0]  # level, left eye on the right
    # each crop pixel inside the photo shows the photo pixel the affine names
    back = cv2.invertAffineTransform(turn)
    ys, xs = np.nonzero(inside)
    chosen = np.linspace(0, len(xs) - 1, 200).astype(int)
    for y, x in zip(ys[chosen], xs[chosen], strict=True):
        px, py = back[:, :2] @ np.array([x, y], np.float64) + back[:, 2]
        if 2 <= px < photo.shape[1] - 2 and 2 <= py < photo.shape[0] - 2:
            expected = photo[round(float(py)), round(float(px))].astype(int)
            assert np.abs(crop[y, x].astype(int) - expected).max() <= 2
    # a crop point goes back to where it came from
    x, y = photo_point(
        tuple(pts[lm.NOSE_TIP]), make_geometry(points, box, scale, crop.shape[:2], turn, inside)
    )
    assert (x, y) == pytest.approx(tuple(points[lm.NOSE_TIP, :2]), abs=1e-3)


def test_the_corners_outside_the_photo_are_not_face() -> None:
    photo = gradient_photo(300, 300)
    points = face_points((60, 150), 220, 30.0)  # the face runs off the photo's left edge
    crop, box, scale, turn, inside = upright_crop(photo, points)
    assert turn is not None and inside is not None
    assert not inside.all()
    geometry = make_geometry(points, box, scale, crop.shape[:2], turn, inside)
    assert not (geometry.masks["face"] & ~inside).any()
    assert box[0] == 0  # the photo's pixels it reads start at its edge


def test_a_crop_map_comes_back_onto_the_photo_pixels_it_was_read_from() -> None:
    photo = gradient_photo(480, 400)
    points = face_points((200, 240), 280, -28.0)
    crop, box, scale, turn, inside = upright_crop(photo, points)
    geometry = make_geometry(points, box, scale, crop.shape[:2], turn, inside)
    face = geometry.masks["face"]
    placed = in_box(face, geometry)
    x0, y0, x1, y1 = box
    assert placed.dtype == bool and placed.shape == (y1 - y0, x1 - x0)
    # the face oval drawn in the photo itself agrees with the mask brought back (edges aside)
    oval = np.zeros(photo.shape[:2], np.uint8)
    cv2.fillPoly(oval, [np.round(points[list(lm.FACE_OVAL), :2]).astype(np.int32)], (1,))
    truth = oval[y0:y1, x0:x1].view(bool)
    edge = cv2.morphologyEx(oval, cv2.MORPH_GRADIENT, np.ones((5, 5), np.uint8))[y0:y1, x0:x1]
    assert np.mean(placed[edge == 0] == truth[edge == 0]) > 0.999
    heat = in_box(face.astype(np.float32), geometry)
    assert heat.dtype == np.float32 and heat[truth & (edge == 0)].min() > 0.99
