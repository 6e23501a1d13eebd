"""Face crop and skin-region masks from landmark polygons.

A tilted head (the eyes' line more than LEVEL_FROM_DEG off the horizontal: a phone held at an
angle, a photo turned on its side) is cropped turned upright (`upright_crop`), so that every
measurement that reads "above", "below" or "beside" along the crop's rows and columns (the
cheek's half nearest the eye, the skin below the nose, a fringe hanging over the forehead)
reads it along the face. Turned by a quarter, a London face's under-eyes moved by a median 9.4
points (p90 30) and single smile lines by up to 89 before (docs/benchmarks.md, "A tilted head").
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.filters import disk, mask_box
from metskin.domain.analysis.model import FaceGeometry

CROP_MARGIN = 0.08  # of the face box size, on each side
WORK_SIDE = 512  # crops are measured with their long side at most this many pixels
# ... and with the eye distance at most this many pixels: every photo is measured at about the
# same face scale, so the cost and the scores do not grow with the resolution of the photo.
WORK_EYE_DISTANCE = 112.0
EXCLUDE_GROW = 0.05  # eyes, brows, lips grown by this fraction of the eye distance
# The crop is turned upright when the eyes' line is this far off the horizontal. Below it the
# crop keeps the photo's own pixels (a turn resamples them: interpolated skin loses some fine
# texture); the London photos' heads are tilted by at most 8 deg (median 1.3).
LEVEL_FROM_DEG = 10.0
Point = tuple[float, float] | np.ndarray  # (x, y)


def crop_face(
    rgb: np.ndarray, points: np.ndarray, work_side: int = WORK_SIDE
) -> tuple[np.ndarray, tuple[int, int, int, int], float]:
    """The face crop of the full-resolution image, scaled down to `work_side` (long side) and
    WORK_EYE_DISTANCE if larger."""
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = lm.face_box(points)
    margin_x, margin_y = (x1 - x0) * CROP_MARGIN, (y1 - y0) * CROP_MARGIN
    box = (
        max(0, int(x0 - margin_x)),
        max(0, int(y0 - margin_y)),
        min(width, int(np.ceil(x1 + margin_x))),
        min(height, int(np.ceil(y1 + margin_y))),
    )
    crop = rgb[box[1] : box[3], box[0] : box[2]]
    scale = min(
        1.0, work_side / max(crop.shape[:2]), WORK_EYE_DISTANCE / max(lm.eye_distance(points), 1.0)
    )
    if scale < 1.0:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop), box, scale


def roll_degrees(points: np.ndarray) -> float:
    """The angle of the line from the right eye's centre to the left's against the image's
    x axis (0 for a level face; positive when the left eye sits lower in the image)."""
    right = points[list(lm.RIGHT_EYE_CORNERS), :2].mean(axis=0)
    left = points[list(lm.LEFT_EYE_CORNERS), :2].mean(axis=0)
    return math.degrees(math.atan2(float(left[1] - right[1]), float(left[0] - right[0])))


def upright_crop(
    rgb: np.ndarray, points: np.ndarray, work_side: int = WORK_SIDE
) -> tuple[np.ndarray, tuple[int, int, int, int], float, np.ndarray | None, np.ndarray | None]:
    """`crop_face`, turned so that the eyes are level when the head is tilted by
    LEVEL_FROM_DEG or more: (crop, box, scale, turn, inside). `box` is then the photo's pixels
    the crop reads, `turn` the (2, 3) affine from photo to crop pixels and `inside` the crop's
    pixels that lie in the photo (a turned crop's corners may not); both None when not turned."""
    roll = roll_degrees(points)
    if abs(roll) < LEVEL_FROM_DEG:
        return (*crop_face(rgb, points, work_side), None, None)
    cos, sin = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    level = np.array([[cos, sin], [-sin, cos]])  # turns the eyes' line onto the x axis
    oval = points[list(lm.FACE_OVAL), :2].astype(np.float64) @ level.T
    low, high = oval.min(axis=0), oval.max(axis=0)
    margin = (high - low) * CROP_MARGIN
    low, high = low - margin, high + margin
    scale = min(
        1.0,
        work_side / float(max(high - low)),
        WORK_EYE_DISTANCE / max(lm.eye_distance(points), 1.0),
    )
    size = (max(1, round((high[0] - low[0]) * scale)), max(1, round((high[1] - low[1]) * scale)))
    turn = np.hstack([scale * level, -scale * low[:, np.newaxis]])
    back = cv2.invertAffineTransform(turn)
    corners = np.array([[0, 0], [size[0], 0], [0, size[1]], [size[0], size[1]]], np.float64)
    reach = corners @ back[:, :2].T + back[:, 2]
    height, width = rgb.shape[:2]
    box = (
        max(0, math.floor(reach[:, 0].min()) - 2),
        max(0, math.floor(reach[:, 1].min()) - 2),
        min(width, math.ceil(reach[:, 0].max()) + 2),
        min(height, math.ceil(reach[:, 1].max()) + 2),
    )
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return (*crop_face(rgb, points, work_side), None, None)
    read = rgb[box[1] : box[3], box[0] : box[2]]
    # shrunk first by an area average (as `crop_face` does), then turned at that size
    small = read
    if scale < 1.0:
        shrunk = (max(1, round(read.shape[1] * scale)), max(1, round(read.shape[0] * scale)))
        small = cv2.resize(read, shrunk, interpolation=cv2.INTER_AREA)
    factors = np.array([read.shape[1] / small.shape[1], read.shape[0] / small.shape[0]])
    # small's pixel q is the photo's box[:2] + q x factors
    onto = np.hstack(
        [turn[:, :2] * factors, (turn[:, :2] @ np.array(box[:2]) + turn[:, 2])[:, None]]
    )
    crop = cv2.warpAffine(small, onto, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    inside = cv2.warpAffine(
        np.ones(small.shape[:2], np.uint8), onto, size, flags=cv2.INTER_NEAREST
    ).view(bool)
    return crop, box, scale, turn, inside


def crop_points(
    points: np.ndarray,
    box: tuple[int, int, int, int],
    scale: float,
    turn: np.ndarray | None = None,
    *,
    depth: bool = False,
) -> np.ndarray:
    """(x, y) of photo pixels in crop pixels (`turn`: the affine of a turned crop); with
    `depth`, (x, y, z): the landmarks' z, which has the scale of x, scales with them."""
    if turn is None:
        columns = 3 if depth else 2
        offset = np.array([*box[:2], 0.0][:columns], dtype=np.float32)
        return np.asarray((points[:, :columns] - offset) * scale, dtype=np.float32)
    xy = np.asarray(points[:, :2] @ turn[:, :2].T + turn[:, 2], dtype=np.float32)
    return np.column_stack([xy, points[:, 2] * np.float32(scale)]) if depth else xy


def in_box(
    values: np.ndarray, geometry: FaceGeometry, interpolation: int = cv2.INTER_LINEAR
) -> np.ndarray:
    """A crop-sized map brought back onto the photo's pixels of `geometry.box` (0 where a
    turned crop does not reach); a boolean mask by its nearest pixel."""
    if values.dtype == bool:
        return in_box(values.view(np.uint8), geometry, cv2.INTER_NEAREST).view(bool)
    x0, y0, x1, y1 = geometry.box
    size = (x1 - x0, y1 - y0)
    if geometry.turn is None:
        return cv2.resize(values, size, interpolation=interpolation)
    turn = geometry.turn
    from_box = np.hstack([turn[:, :2], (turn[:, :2] @ np.array([x0, y0]) + turn[:, 2])[:, None]])
    return cv2.warpAffine(values, from_box, size, flags=interpolation | cv2.WARP_INVERSE_MAP)


def side_of_line(xs: np.ndarray, ys: np.ndarray, start: Point, end: Point) -> np.ndarray:
    """+1 or -1 for each (x, y): which side of the line from `start` to `end` it lies on (+1
    on the line itself)."""
    along_x, along_y = end[0] - start[0], end[1] - start[1]
    cross = (xs - start[0]) * along_y - (ys - start[1]) * along_x
    return np.where(cross >= 0, 1, -1).astype(np.int8)


def sample_window(
    shape: tuple[int, ...], step: int, box: tuple[int, int, int, int], margin: float
) -> tuple[int, int, int, int]:
    """The face `box` grown by `margin` of its size on every side, as rows and columns of the
    photo read every `step` pixels (`shape`: that sample's): top, left, bottom, right (ends
    excluded), within the sample. What lies outside it is the background."""
    x0, y0, x1, y1 = box
    grow_x, grow_y = (x1 - x0) * margin, (y1 - y0) * margin
    height, width = shape[:2]
    top = min(height, max(0, int((y0 - grow_y) / step)))
    left = min(width, max(0, int((x0 - grow_x) / step)))
    bottom = min(height, max(top, int((y1 + grow_y) / step) + 1))
    right = min(width, max(left, int((x1 + grow_x) / step) + 1))
    return top, left, bottom, right


def photo_point(xy: tuple[float, float], geometry: FaceGeometry) -> tuple[float, float]:
    """A crop pixel's place in the photo."""
    if geometry.turn is None:
        return (geometry.box[0] + xy[0] / geometry.scale, geometry.box[1] + xy[1] / geometry.scale)
    back = cv2.invertAffineTransform(geometry.turn)
    x, y = back[:, :2] @ np.array(xy, np.float64) + back[:, 2]
    return float(x), float(y)


def polygon_mask(shape: tuple[int, int], points: np.ndarray, hull: bool = False) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    fill_polygon(mask, points, hull)
    return mask.view(bool)  # 0 and 1: the same mask without a copy


def fill_polygon(canvas: np.ndarray, points: np.ndarray, hull: bool = False) -> None:
    """Sets the polygon's pixels of a uint8 canvas to 1 (several calls draw the union)."""
    polygon = np.round(points).astype(np.int32)
    if hull:
        polygon = cv2.convexHull(polygon)
    cv2.fillPoly(canvas, [polygon.reshape(-1, 1, 2)], (1,))


def region_masks(
    shape: tuple[int, int], pts: np.ndarray, inside: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Boolean masks of every region, the unions, 'face' (oval) and 'skin' (oval minus features);
    `inside`: the crop's pixels that lie in the photo, when not all do."""
    features = np.zeros(shape, dtype=np.uint8)  # the excluded parts, drawn on one canvas
    for indices in lm.EXCLUDED.values():
        fill_polygon(features, pts[list(indices)])
    grow = max(1, round(lm.eye_distance(pts) * EXCLUDE_GROW))
    # dilated on the features' box grown by the disk (beyond it the dilation is 0; inside it
    # reads the same pixels, the zeros around the box counting as OpenCV's neutral border)
    excluded = np.zeros_like(features)
    window = mask_box(features.view(bool), grow)
    if window is not None:
        excluded[window] = cv2.dilate(features[window], disk(grow))
    for indices in lm.EXCLUDED_HULLS.values():
        fill_polygon(excluded, pts[list(indices)], hull=True)
    face = polygon_mask(shape, pts[list(lm.FACE_OVAL)])
    if inside is not None:
        face = face & inside
    skin = face & ~excluded.view(bool)
    masks = {"face": face, "skin": skin}
    for name, indices in lm.REGIONS.items():
        masks[name] = polygon_mask(shape, pts[list(indices)]) & skin
    for name, parts in lm.UNIONS.items():
        masks[name] = np.logical_or.reduce([masks[part] for part in parts])
    return masks


def make_geometry(
    points: np.ndarray,
    box: tuple[int, int, int, int],
    scale: float,
    shape: tuple[int, int],
    turn: np.ndarray | None = None,
    inside: np.ndarray | None = None,
) -> FaceGeometry:
    pts = crop_points(points, box, scale, turn)
    masks = region_masks(shape, pts, inside)
    return FaceGeometry(box=box, scale=scale, landmarks=points, masks=masks, turn=turn)
