"""Plant concerns at random (seeded) places inside a chosen region of a real face."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.colour import linear_to_srgb, srgb_to_linear
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
        rgb = plant_line(rgb, start, end, width=max(1.5, 0.02 * iod), darkening=rng.uniform(10, 14))
    return rgb


def plant_redness(rgb, points, region, rng):
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, region)
    ys, xs = np.nonzero(mask)
    centre = (int(xs.mean()), int(ys.mean()))
    return plant(rgb, centre, iod * 0.45, (-1.0, rng.uniform(12, 15), 1.0), sharpness=0.2)


def spot_map(
    shape: tuple[int, ...], centres: list, radii: np.ndarray, sharpness: float = 0.5
) -> np.ndarray:
    """0..1 map: the maximum of soft disks (flat core of `sharpness` x radius) at `centres`."""
    weight = np.zeros(shape[:2], dtype=np.float32)
    for (x, y), radius in zip(centres, radii, strict=True):
        reach = int(np.ceil(radius)) + 1
        y0, y1 = max(0, y - reach), min(shape[0], y + reach + 1)
        x0, x1 = max(0, x - reach), min(shape[1], x + reach + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        distance = np.hypot(xx - x, yy - y) / radius
        disk = np.clip((1.0 - distance) / (1.0 - sharpness), 0.0, 1.0)
        weight[y0:y1, x0:x1] = np.maximum(weight[y0:y1, x0:x1], disk)
    return weight


def edit_lab(rgb: np.ndarray, change) -> np.ndarray:
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    back = cv2.cvtColor(change(lab), cv2.COLOR_Lab2RGB)
    return np.round(np.clip(back, 0, 1) * 255).astype(np.uint8)


def plant_pores(rgb, points, region, rng, density=1.0):
    """Enlarged pores: tiny dark dots (radius about 1.2 % of the eye distance), `density` per
    (0.1 eye distance)^2 of the region, at seeded places."""
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, region)
    radius = max(1.0, 0.012 * iod)
    count = int(density * mask.sum() / (0.1 * iod) ** 2)
    centres = circle_points(rng, mask, count, margin=int(radius) + 1)
    weight = spot_map(rgb.shape, centres, radius * rng.uniform(0.8, 1.2, len(centres)))
    depth = rng.uniform(12, 18)

    def darken(lab: np.ndarray) -> np.ndarray:
        lab[..., 0] -= depth * weight
        return lab

    return edit_lab(rgb, darken), len(centres)


def plant_shine(rgb, points, regions, rng, coverage=0.15):
    """Oily shine: bright, desaturated soft patches covering about `coverage` of each region."""
    iod = lm.eye_distance(points)
    centres, radii = [], []
    for region in regions:
        mask = region_in_image(points, rgb.shape, region)
        radius = 0.05 * iod
        count = max(1, round(coverage * mask.sum() / (np.pi * radius**2 * 0.5)))
        found = circle_points(rng, mask, count, margin=int(radius) + 1)
        centres += found
        radii += list(radius * rng.uniform(0.7, 1.3, len(found)))
    weight = spot_map(rgb.shape, centres, np.array(radii), sharpness=0.3)
    lift = rng.uniform(18, 26)

    def brighten(lab: np.ndarray) -> np.ndarray:
        lab[..., 0] = np.minimum(lab[..., 0] + lift * weight, 99.0)
        lab[..., 1:] *= (1.0 - 0.7 * weight)[..., np.newaxis]
        return lab

    return edit_lab(rgb, brighten)


def plant_flushing(rgb, points, rng, strength=None):
    """Rosacea-like diffuse redness: both cheeks and the nose flushed (a* up by 4-8), soft edges."""
    iod = lm.eye_distance(points)
    gain = rng.uniform(4.0, 8.0) if strength is None else strength
    for region in ("cheek_left", "cheek_right", "nose"):
        ys, xs = np.nonzero(region_in_image(points, rgb.shape, region))
        centre = (int(xs.mean()), int(ys.mean()))
        radius = iod * (0.35 if region == "nose" else 0.55)
        rgb = plant(rgb, centre, radius, (-1.0, gain, 0.5), sharpness=0.3)
    return rgb


def darken_linear(rgb: np.ndarray, weight: np.ndarray, share: float) -> np.ndarray:
    """Take `share` x `weight` (0..1 per pixel) of the light away, in linear RGB."""
    linear = srgb_to_linear(rgb) * (1.0 - share * weight)[..., np.newaxis]
    return np.round(np.clip(linear_to_srgb(linear), 0, 1) * 255).astype(np.uint8)


def plant_relative_pits(
    rgb: np.ndarray, points: np.ndarray, share: float, seed: int = 0
) -> np.ndarray:
    """A field of small dark pits on both cheeks, one per (0.1 eye distance)^2 at seeded places,
    each a Gaussian dip (sigma 0.8 % of the eye distance, at least 0.7 pixel) taking `share` of
    the light at its centre: the same relative depth on any skin."""
    iod = lm.eye_distance(points)
    rng = np.random.default_rng(seed)
    dots = np.zeros(rgb.shape[:2], dtype=np.float32)
    for region in ("cheek_right", "cheek_left"):
        mask = region_in_image(points, rgb.shape, region)
        count = int(mask.sum() / (0.1 * iod) ** 2)
        for x, y in circle_points(rng, mask, count, margin=2):
            dots[y, x] = 1.0
    sigma = max(0.7, 0.008 * iod)
    weight = cv2.GaussianBlur(dots, (0, 0), sigma) * (2 * np.pi * sigma**2)
    return darken_linear(rgb, np.minimum(weight, 1.0), share)


def plant_relative_circles(rgb: np.ndarray, points: np.ndarray, share: float) -> np.ndarray:
    """Both under-eyes darkened by `share` of the light, feathered over 1 % of the eye distance."""
    iod = lm.eye_distance(points)
    weight = np.zeros(rgb.shape[:2], dtype=np.float32)
    for region in ("under_eye_right", "under_eye_left"):
        weight += region_in_image(points, rgb.shape, region)
    weight = cv2.GaussianBlur(np.minimum(weight, 1.0), (0, 0), max(0.7, 0.01 * iod))
    return darken_linear(rgb, weight, share)
