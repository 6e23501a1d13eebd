"""Photos of one face with planted pigmented spots, and other photos of the same face."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from tests.analysis.planting import region_in_image
from tests.analysis.synthetic import circle_points, plant

RADIUS = 0.06  # of the eye distance: about 3.8 mm, a spot of about 30 mm^2
DEPTH = 18.0  # L* below the skin around it
REGIONS = ("cheek_left", "cheek_right")
# Other photos of the same face: (rotation in degrees, scale, shift in pixels, canvas factor).
REFRAMED = {
    "rotated +10": (10.0, 1.0, (25, -15), 1.0),
    "rotated -10, closer": (-10.0, 1.2, (-30, 20), 1.0),
    "farther": (0.0, 0.85, (10, 10), 1.0),
    "larger image": (3.0, 1.6, (0, 0), 1.6),
    "wider canvas, shifted": (-4.0, 1.0, (180, 60), 1.4),
}


def reframe(
    rgb: np.ndarray, angle: float, scale: float, shift: tuple[int, int], canvas: float
) -> np.ndarray:
    """The photo turned in-plane about its centre, scaled, shifted, on a canvas `canvas` times
    the size (the face stays whole inside)."""
    height, width = rgb.shape[:2]
    size = (round(width * canvas), round(height * canvas))
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += (size[0] - width) / 2 + shift[0], (size[1] - height) / 2 + shift[1]
    return cv2.warpAffine(rgb, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def plant_spots(
    rgb: np.ndarray,
    points: np.ndarray,
    seed: int,
    changed: dict[str, tuple[float, float]] | None = None,
) -> tuple[np.ndarray, list[tuple[str, tuple[int, int]]]]:
    """One dark spot in each of REGIONS, at seeded places away from the region edges;
    `changed` gives some regions another (radius, depth)."""
    rng = np.random.default_rng(seed)
    iod = lm.eye_distance(points)
    planted = []
    for region in REGIONS:
        mask = region_in_image(points, rgb.shape, region)
        centre = circle_points(rng, mask, 1, margin=int((RADIUS + 0.1) * iod))[0]
        radius, depth = (changed or {}).get(region, (RADIUS, DEPTH))
        rgb = plant(rgb, centre, radius * iod, (-depth, 1.0, 3.0))
        planted.append((region, centre))
    return rgb, planted
