"""Before / after pictures: the later photo warped onto the earlier by their landmarks
(piecewise affine over the face mesh), its colour brought into the earlier photo's light by
the two white-balance gains, both cropped to the earlier face and set side by side. A later
photo that is the earlier one's mirror image (a front camera's selfie) is flipped back first."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from metskin.domain.analysis import colour, mirror
from metskin.domain.progress.alignment import warp_mesh

SIDE = 384  # pixels of each picture
GROW = 0.15  # of the face's size, around it
GAP = 8


@dataclass(frozen=True, eq=False)
class PicturePair:
    before: np.ndarray  # SIDE x SIDE, the earlier face
    after: np.ndarray  # the later face on the earlier one's frame: the two overlay (a slider)
    side_by_side: np.ndarray


def face_square(points: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0 = points[:, :2].min(axis=0)
    x1, y1 = points[:, :2].max(axis=0)
    size = max(x1 - x0, y1 - y0) * (1 + 2 * GROW)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = int(max(cx - size / 2, 0)), int(max(cy - size / 2, 0))
    return left, top, int(min(cx + size / 2, shape[1])), int(min(cy + size / 2, shape[0]))


def in_light_of(rgb: np.ndarray, gains: np.ndarray, reference_gains: np.ndarray) -> np.ndarray:
    """`rgb` white-balanced with its own `gains`, then shown in the light the reference
    photo's `reference_gains` corrected: both photos as if taken under one light."""
    linear = colour.srgb_to_linear(rgb) * (gains / reference_gains).astype(np.float32)
    return np.round(np.clip(colour.linear_to_srgb(linear), 0, 1) * 255).astype(np.uint8)


def picture_pair(
    before: np.ndarray,
    before_points: np.ndarray,
    after: np.ndarray,
    after_points: np.ndarray,
    gains: tuple[np.ndarray, np.ndarray] | None = None,
    mirrored: bool = False,
) -> PicturePair:
    """Landmarks in each image's pixels; `gains` (before's, after's) when both are known;
    `mirrored`: `after` is `before`'s mirror image."""
    if mirrored:
        after, after_points = mirror.flipped(after, after_points)
    warped = warp_mesh(after, after_points, before_points, before.shape)
    if gains is not None:
        warped = in_light_of(warped, gains[1], gains[0])
    x0, y0, x1, y1 = face_square(before_points, before.shape)

    def framed(image: np.ndarray) -> np.ndarray:
        return cv2.resize(image[y0:y1, x0:x1], (SIDE, SIDE), interpolation=cv2.INTER_AREA)

    first, second = framed(before), framed(warped)
    gap = np.full((SIDE, GAP, 3), 255, dtype=np.uint8)
    return PicturePair(first, second, np.hstack([first, gap, second]))
