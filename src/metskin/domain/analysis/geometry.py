"""Face crop and skin-region masks from landmark polygons."""

from __future__ import annotations

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


def crop_points(points: np.ndarray, box: tuple[int, int, int, int], scale: float) -> np.ndarray:
    offset = np.array(box[:2], dtype=np.float32)
    return np.asarray((points[:, :2] - offset) * scale, dtype=np.float32)


def crop_points_3d(points: np.ndarray, box: tuple[int, int, int, int], scale: float) -> np.ndarray:
    """(x, y, z) landmarks in crop pixels: z (which has the scale of x) scales with them."""
    offset = np.array([box[0], box[1], 0.0], dtype=np.float32)
    return np.asarray((points[:, :3] - offset) * scale, dtype=np.float32)


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


def region_masks(shape: tuple[int, int], pts: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks of every region, the unions, 'face' (oval) and 'skin' (oval minus features)."""
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
    skin = face & ~excluded.view(bool)
    masks = {"face": face, "skin": skin}
    for name, indices in lm.REGIONS.items():
        masks[name] = polygon_mask(shape, pts[list(indices)]) & skin
    for name, parts in lm.UNIONS.items():
        masks[name] = np.logical_or.reduce([masks[part] for part in parts])
    return masks


def make_geometry(
    points: np.ndarray, box: tuple[int, int, int, int], scale: float, shape: tuple[int, int]
) -> FaceGeometry:
    pts = crop_points(points, box, scale)
    return FaceGeometry(box=box, scale=scale, landmarks=points, masks=region_masks(shape, pts))
