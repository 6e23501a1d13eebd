"""Plant concerns at random (seeded) places inside a chosen region of a real face."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.geometry import polygon_mask
from tests.analysis.synthetic import circle_points, plant, plant_line


def region_in_image(points: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    return polygon_mask(shape[:2], points[list(lm.REGIONS[name]), :2])


def plant_papules(rgb, points, region, rng, count=4):
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, region)
    radius = iod * rng.uniform(0.035, 0.05)
    for centre in circle_points(rng, mask, count, margin=int(radius) + 2):
        rgb = plant(rgb, centre, radius, (-4.0, rng.uniform(16, 24), 4.0))
    return rgb


def plant_spots(rgb, points, region, rng, count=3):
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, region)
    radius = iod * rng.uniform(0.05, 0.07)
    margin = int(radius + 0.1 * iod)  # off the hairline and brows
    for centre in circle_points(rng, mask, count, margin=margin):
        rgb = plant(rgb, centre, radius, (-rng.uniform(14, 20), 1.0, 3.0))
    return rgb


def plant_forehead_lines(rgb, points, rng, count=3):
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, "forehead")
    ys, xs = np.nonzero(mask)
    top, bottom = np.percentile(ys, 25), np.percentile(ys, 75)
    left, right = np.percentile(xs, 20), np.percentile(xs, 80)
    for y in np.linspace(top, bottom, count) + rng.uniform(-2, 2, count):
        tilt = rng.uniform(-0.05, 0.05) * iod
        start = (int(left), int(y - tilt))
        end = (int(right), int(y + tilt))
        rgb = plant_line(rgb, start, end, width=max(1.5, 0.02 * iod),
                         darkening=rng.uniform(10, 14))
    return rgb


def plant_redness(rgb, points, region, rng):
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, region)
    ys, xs = np.nonzero(mask)
    centre = (int(xs.mean()), int(ys.mean()))
    return plant(rgb, centre, iod * 0.45, (-1.0, rng.uniform(12, 15), 1.0), sharpness=0.2)
