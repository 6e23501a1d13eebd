"""Plant concerns at random (seeded) places inside a chosen region of a real face."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.colour import linear_to_srgb, srgb_to_linear
from metskin.domain.analysis.geometry import polygon_mask, region_masks
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


def plant_crows_feet(rgb, points, rng, side="right"):
    """Three crow's feet beside one eye: from 0.1 eye distances beyond its outer corner
    outward, fanning at -25, 0 and +25 deg about the line of the eyes, 0.06 eye distances apart
    where they start and 0.18 long, 10-14 L* deep (as the planted forehead lines)."""
    iod = lm.eye_distance(points)
    right = points[list(lm.RIGHT_EYE_CORNERS), :2].mean(axis=0)
    left = points[list(lm.LEFT_EYE_CORNERS), :2].mean(axis=0)
    along = (left - right) / np.linalg.norm(left - right)  # towards the subject's left
    outward = -along if side == "right" else along
    corner = points[33 if side == "right" else 263, :2] + 0.1 * iod * outward
    across = np.array([-outward[1], outward[0]])
    for turn, offset in zip((-25.0, 0.0, 25.0), (-0.06, 0.0, 0.06), strict=True):
        angle = np.radians(turn + rng.uniform(-3.0, 3.0))
        direction = outward * np.cos(angle) + across * np.sin(angle)
        start = corner + offset * iod * across
        end = start + 0.18 * iod * direction
        rgb = plant_line(
            rgb,
            tuple(int(v) for v in start),
            tuple(int(v) for v in end),
            width=max(1.5, 0.02 * iod),
            darkening=rng.uniform(10, 14),
        )
    return rgb


def plant_smile_line(rgb, points, rng, side="right"):
    """A smile line (nasolabial fold) on one side: from beside the nose's wing to beside the
    mouth's corner, four tenths of the way from the fold zone's inner edge (landmarks 203-57 /
    423-287) to its outer one (205-212 / 425-432), 0.025 eye distances wide and 8-12 L* deep."""
    iod = lm.eye_distance(points)
    inner_top, outer_top, inner_end, outer_end = (
        (203, 205, 57, 212) if side == "right" else (423, 425, 287, 432)
    )
    start = 0.6 * points[inner_top, :2] + 0.4 * points[outer_top, :2]
    end = 0.6 * points[inner_end, :2] + 0.4 * points[outer_end, :2]
    return plant_line(
        rgb,
        tuple(int(v) for v in start),
        tuple(int(v) for v in end),
        width=max(1.5, 0.025 * iod),
        darkening=rng.uniform(8, 12),
    )


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


def plant_white_film(rgb, points, regions, rng, film, coverage=0.04):
    """An oily film's highlights as physics has them: soft patches (as `plant_shine` places them,
    covering about `coverage` of each region) that add `film` of white light at their core,
    in linear RGB: the same light on any skin, whatever its own colour."""
    masks = [region_in_image(points, rgb.shape, region) for region in regions]
    return plant_film_in(rgb, masks, lm.eye_distance(points), rng, film, coverage)


def plant_film_in(rgb, masks, eye_distance, rng, film, coverage=0.04):
    """`plant_white_film` inside the given region `masks` (crop-sized) of a face whose eyes are
    `eye_distance` apart."""
    centres, radii = [], []
    radius = 0.05 * eye_distance
    for mask in masks:
        count = max(1, round(coverage * mask.sum() / (np.pi * radius**2 * 0.5)))
        found = circle_points(rng, mask, count, margin=int(radius) + 1)
        centres += found
        radii += list(radius * rng.uniform(0.7, 1.3, len(found)))
    weight = spot_map(rgb.shape, centres, np.array(radii), sharpness=0.3)
    return srgb8(srgb_to_linear(rgb) + film * weight[..., np.newaxis])


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


def srgb8(linear: np.ndarray) -> np.ndarray:
    """Linear RGB back to an 8-bit sRGB photo (clipped)."""
    return np.round(np.clip(linear_to_srgb(linear), 0, 1) * 255).astype(np.uint8)


def darken_linear(rgb: np.ndarray, weight: np.ndarray, share: float) -> np.ndarray:
    """Take `share` x `weight` (0..1 per pixel) of the light away, in linear RGB."""
    linear = srgb_to_linear(rgb) * (1.0 - share * weight)[..., np.newaxis]
    return srgb8(linear)


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


# Graded acne planted by physics, not by a fixed a* step: lesions add blood (and, healed, melanin)
# as optical density in linear light, so the same lesion is less red in a* on darker skin, as
# real erythema is. The density vectors (natural-log units per unit of pigment, R, G, B) follow
# the shapes of the pigments' absorption over a camera's three bands: haemoglobin absorbs green
# most, blue less (the blue band reaches less deep) and red little; melanin falls from blue to red.
HAEMOGLOBIN_OD = np.array([0.10, 0.60, 0.35], dtype=np.float32)
MELANIN_OD = np.array([0.55, 0.75, 1.00], dtype=np.float32)
ACNE_REGIONS = ("forehead", "cheek_right", "cheek_left", "chin")
# Lesions per grade (0 clear, 1 almost clear, 2 mild, 3 moderate, 4 severe): counts in the spirit
# of the Hayashi / IGA bands (0, 1-5, 6-20, 21-50, > 50 on the face)
ACNE_GRADE_LESIONS = (0, 3, 12, 32, 64)


def acne_places(points: np.ndarray, shape: tuple[int, ...], where: str) -> list[np.ndarray]:
    """Where `plant_acne` puts lesions: "regions" (ACNE_REGIONS, each a mask), "face" (all the
    face's skin below the top of the forehead region: jaw, temples and the skin around the
    mouth too) or "lower" (that skin below the nose, outside the cheek and chin regions: the
    jawline, the lower cheeks and around the mouth)."""
    if where == "regions":
        return [region_in_image(points, shape, name) for name in ACNE_REGIONS]
    masks = region_masks(shape[:2], points[:, :2])
    skin = masks["skin"].copy()
    skin[: int(np.nonzero(masks["forehead"])[0].min())] = False  # the hairline's side
    if where == "face":
        return [skin]
    skin[: int(points[lm.SUBNASALE, 1])] = False
    return [skin & ~masks["cheek_right"] & ~masks["cheek_left"] & ~masks["chin"]]


def plant_acne(
    rgb: np.ndarray, points: np.ndarray, grade: int, rng, where: str = "regions"
) -> np.ndarray:
    """Inflammatory acne of `grade` (0-4) on the forehead, cheeks and chin (or elsewhere:
    `acne_places`): papules (radius 1.5-3.5 % of the eye distance, 1-2 mm), pustules with a
    pale core, and from grade 3 nodules (5-8 %) and clusters that run together; each lesion has
    a faint halo of redness, and from grade 2 a few healed marks (melanin) sit beside them."""
    count = ACNE_GRADE_LESIONS[grade]
    if count == 0:
        return rgb
    iod = lm.eye_distance(points)
    masks = acne_places(points, rgb.shape, where)
    areas = np.array([mask.sum() for mask in masks], dtype=float)
    per_region = rng.multinomial(round(count * rng.uniform(0.8, 1.2)), areas / areas.sum())
    centres: list = []
    for mask, n in zip(masks, per_region, strict=True):
        if grade >= 4 and n >= 6:  # half of them in clusters of 3-5 that touch
            seeds = circle_points(rng, mask, max(1, n // 8), margin=int(0.08 * iod))
            for x, y in seeds:
                for _ in range(4):
                    offset = rng.normal(0.0, 0.04 * iod, 2)
                    centres.append((int(x + offset[0]), int(y + offset[1])))
            n -= 4 * len(seeds)
        centres += circle_points(rng, mask, n, margin=int(0.04 * iod) + 2)
    kinds = rng.choice(3, size=len(centres), p=(0.7, 0.2, 0.1) if grade >= 3 else (0.8, 0.2, 0.0))
    radius = np.where(kinds == 2, rng.uniform(0.05, 0.08, len(centres)), 0.0)
    radius = np.where(kinds == 1, rng.uniform(0.012, 0.025, len(centres)), radius)
    radius = np.where(kinds == 0, rng.uniform(0.015, 0.035, len(centres)), radius) * iod
    blood = np.zeros(rgb.shape[:2], dtype=np.float32)
    for centre, r, depth in zip(centres, radius, rng.uniform(0.25, 0.7, len(centres)), strict=True):
        core = spot_map(rgb.shape, [centre], np.array([r]), sharpness=0.3)
        halo = spot_map(rgb.shape, [centre], np.array([2.2 * r]), sharpness=0.0)
        blood = np.maximum(blood, depth * np.maximum(core, 0.3 * halo))
    pus = spot_map(
        rgb.shape,
        [c for c, k in zip(centres, kinds, strict=True) if k == 1],
        0.45 * radius[kinds == 1],
        sharpness=0.4,
    )
    cheeks = masks[1] | masks[2] if where == "regions" else masks[0]
    marks = circle_points(rng, cheeks, count // 4 if grade >= 2 else 0, margin=4)
    melanin = 0.35 * spot_map(rgb.shape, marks, rng.uniform(0.02, 0.04, len(marks)) * iod)
    density = blood[..., None] * HAEMOGLOBIN_OD + melanin[..., None] * MELANIN_OD
    linear = srgb_to_linear(rgb) * np.exp(-density)
    pale = np.array([0.80, 0.75, 0.55], dtype=np.float32) * linear.max(axis=2, keepdims=True)
    linear += 0.6 * pus[..., None] * (np.maximum(pale, linear) - linear)
    return srgb8(linear)


def plant_blood_flush(rgb: np.ndarray, points: np.ndarray, density: float) -> np.ndarray:
    """Rosacea-like flushing as blood: both cheeks and the nose gain `density` of haemoglobin
    (optical density units of HAEMOGLOBIN_OD) under soft edges, so the same flush is less red in
    a* on darker skin, as real erythema is."""
    iod = lm.eye_distance(points)
    weight = np.zeros(rgb.shape[:2], dtype=np.float32)
    for region in ("cheek_left", "cheek_right", "nose"):
        ys, xs = np.nonzero(region_in_image(points, rgb.shape, region))
        radius = iod * (0.35 if region == "nose" else 0.55)
        centre = (int(xs.mean()), int(ys.mean()))
        weight = np.maximum(weight, spot_map(rgb.shape, [centre], np.array([radius]), 0.3))
    linear = srgb_to_linear(rgb) * np.exp(-density * weight[..., None] * HAEMOGLOBIN_OD)
    return srgb8(linear)
