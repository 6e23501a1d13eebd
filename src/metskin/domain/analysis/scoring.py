"""What every concern detector shares: a region's score from its pixels or its blobs, the
area-weighted whole-face score, the plausible range of a score, and the Concern they make.
Lengths scale with the eye distance (iod), so the scores do not depend on the image resolution.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from metskin.domain.analysis import plain
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import Blob, disk, fine_texture, mask_box, masked_blur
from metskin.domain.analysis.model import Concern

MIN_REGION_PIXELS = 30
# Half-width of a score's plausible range, in score points: the 75th percentile of the change
# between the neutral and the smiling photo of the same London face (docs/benchmarks.md,
# "Validity gate"), plus RELATIVE_SPREAD of the score.
# Smiling adds lines, so the wrinkle spread is generous; every spread is at least 3 (acne: no
# lesions on these faces, so no change; redness moves 1.2). Pores and dark circles: the p75 of
# that change with their tone-fair detectors (bench/concern_tone_bench.py; dark circles 6.0
# since their second pass, docs/benchmarks.md "Dark circles across skin tones, second pass").
SCORE_SPREAD = {
    "redness": 3.0,
    "pigmentation": 13.0,
    "acne": 3.0,
    "wrinkles": 15.0,
    "pores": 3.5,
    "dark_circles": 6.0,
    "shine": 3.0,
}
RELATIVE_SPREAD = 0.15


def saturate(value: float, scale: float) -> float:
    """0..100, 63 at value == scale."""
    return 100.0 * (1.0 - math.exp(-max(value, 0.0) / scale))


def mean_or_nan(values: np.ndarray) -> float:
    """The mean, or NaN (without numpy's warning) when there is nothing to average."""
    return float(values.mean()) if values.size else math.nan


def region_mask(face: FaceImage, name: str) -> np.ndarray:
    return face.region(name)


def score_regions(
    face: FaceImage, regions: tuple[str, ...], score: Callable[[np.ndarray], float]
) -> dict[str, float]:
    """Scores of the regions large enough to measure; a region whose score cannot be computed
    (e.g. no usable pixel in it: the mean of nothing is NaN) has none."""
    return score_named(face, regions, lambda name: score(region_mask(face, name)))


def score_named(
    face: FaceImage, regions: tuple[str, ...], score: Callable[[str], float]
) -> dict[str, float]:
    """`score_regions` with `score` given the region's name."""
    scores = {}
    for name in regions:
        if face.area(name) >= MIN_REGION_PIXELS:
            value = score(name)
            if math.isfinite(value):
                scores[name] = value
    return scores


UNGROWN = ("nose",)  # zones: the skin beside the nose and the upper lip are not "on the nose"
# Zones stop this far (x the eye distance, about 5 mm) inside the face's outline and short of
# the nose: where the outline meets the ears it can take in an ear's red skin (two "red bumps"
# on the ears of an older woman's portrait read as acne), at the hairline its shade, and beside
# the nose the red, shaded crease of its wing (the astronaut's one "bump").
ZONE_EDGE = 0.08


def zones(face: FaceImage, regions: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each region grown over the skin that lies in none of `regions`, each such pixel going to
    the region nearest it (but the UNGROWN), so that together they cover the face's skin up to
    ZONE_EDGE from its outline and from the UNGROWN.
    The regions are patches (46 % of the skin): acne and dark spots on the jaw, the lower
    cheeks, around the mouth or at the temples count in the region next to them (`blob_score`;
    "Acne and dark spots over the whole face" in docs/benchmarks.md). Computed once per face
    and regions."""

    def compute() -> np.ndarray:
        masks = np.stack([region_mask(face, name) for name in regions])
        radius = max(1, round(ZONE_EDGE * face.eye_distance))
        inner = cv2.erode(face.masks["face"].view(np.uint8), disk(radius)).view(bool)
        rest = region_mask(face, "skin") & inner & ~masks.any(axis=0)
        growing = []
        for index, name in enumerate(regions):
            if name not in UNGROWN:
                growing.append(index)
            elif (box := mask_box(masks[index], radius)) is not None:
                # nor the crease beside it (a nose's wing is red and shaded); dilated on the
                # region's box grown by the disk, beyond which the dilation is 0
                near = cv2.dilate(masks[index][box].view(np.uint8), disk(radius)).view(bool)
                rest[box] &= ~near
        if rest.any() and growing:
            rows, cols = np.nonzero(rest)
            distances = np.stack(
                [
                    cv2.distanceTransform((~masks[index]).view(np.uint8), cv2.DIST_L2, 3)[
                        rows, cols
                    ]
                    for index in growing
                ]
            )
            nearest = np.argmin(distances, axis=0)  # read on the rest's pixels only
            for place, index in enumerate(growing):
                chosen = nearest == place
                masks[index][rows[chosen], cols[chosen]] = True
        return masks

    return dict(zip(regions, face.derived(("zones", regions), compute), strict=True))


def read_area(mask: np.ndarray, unread: np.ndarray | None) -> int:
    """Pixels of `mask` outside `unread`: the area a region's score is read over and weighed by."""
    return int(np.count_nonzero(mask if unread is None else mask & ~unread))


def whole_face(
    face: FaceImage, scores: dict[str, float], unread: np.ndarray | None = None
) -> float:
    """Mean of the region scores weighted by each region's area, less the `unread` skin (the
    same area its score was read over, `blob_score`)."""
    if not scores:
        return 0.0
    if unread is None or not unread.any():
        areas = np.array([face.area(name) for name in scores], dtype=np.float64)
    else:
        areas = np.array([read_area(face.region(name), unread) for name in scores], np.float64)
    values = np.array(list(scores.values()), dtype=np.float64)
    # np.average's own arithmetic (float64 products and sums), without its checks
    return float(np.multiply(values, areas).sum() / areas.sum())


def blobs_in(blob_list: list[Blob], mask: np.ndarray) -> list[Blob]:
    """The blobs whose centre lies in `mask`."""
    if not blob_list:
        return []
    centres = np.array([blob.centre for blob in blob_list], dtype=np.float64).astype(np.intp)
    inside = mask[centres[:, 1], centres[:, 0]]
    return [blob for blob, keep in zip(blob_list, inside.tolist(), strict=True) if keep]


FINE_TEXTURE_SCALE = 0.015  # of the eye distance: fine skin texture is finer than this


def fine_skin_texture(face: FaceImage) -> float:
    """Robust sigma of L* minus its blur at FINE_TEXTURE_SCALE over the usable cheeks and
    forehead: the skin's fine texture plus the photo's noise. The validity gate reads it (a
    smoothed face), and the dark spots take their noise floor from it. Once per face."""

    def compute() -> np.ndarray:
        mask = (face.masks["u_zone"] | face.masks["forehead"]) & face.masks["usable"]
        scale = FINE_TEXTURE_SCALE * face.eye_distance
        return np.array(fine_texture(face.lightness, mask, scale))

    return float(face.derived("fine_skin_texture", compute))


def local_contrast(face: FaceImage, channel: int, sigma: float | None = None) -> np.ndarray:
    """The channel minus its surround: blurred over usable skin at `sigma` pixels (by default
    1/6 of the eye distance). Computed once per face, channel and sigma."""
    sigma = face.eye_distance / 6 if sigma is None else sigma

    def compute() -> np.ndarray:
        values = face.plane(channel)
        norm = face.mask_blur("usable", sigma)
        return values - masked_blur(values, face.masks["usable"], sigma, norm)

    return face.derived(("local_contrast", channel, sigma), compute)


def blob_score(
    face: FaceImage,
    found: list[Blob],
    regions: tuple[str, ...],
    weight: Callable[[Blob], float],
    scale: float,
    unread: np.ndarray | None = None,
    masks: dict[str, np.ndarray] | None = None,
) -> dict[str, float]:
    """Per region: sum of blob weights per region area in iod^2, saturated at `scale`. The
    blobs are those in the region, or in `masks[region]` when given (its `zones`: a lesion
    beside a region counts in it, as if inside it, so the score follows how many lesions the
    face has, wherever they are). The area leaves out `unread` (skin where no blob can be
    seen; a region with fewer than MIN_REGION_PIXELS left has no score)."""
    unread = unread if unread is not None and unread.any() else None

    def score(name: str) -> float:
        mask = region_mask(face, name)
        pixels = read_area(mask, unread)
        if pixels < MIN_REGION_PIXELS:
            return math.nan
        area = pixels / face.eye_distance**2
        where = mask if masks is None else masks[name]
        return saturate(sum(weight(b) for b in blobs_in(found, where)) / area, scale)

    return score_named(face, regions, score)


def score_range(name: str, score: float) -> tuple[float, float]:
    """Plausible low..high: the score's retake spread (SCORE_SPREAD, from the same London
    faces photographed neutral and smiling) plus a share of the score itself."""
    half = SCORE_SPREAD.get(name, 5.0) + RELATIVE_SPREAD * score
    return max(0.0, score - half), min(100.0, score + half)


def make_concern(
    name: str,
    face: FaceImage,
    scores: dict[str, float],
    measurements: dict[str, float],
    heat: np.ndarray | Callable[[], np.ndarray],
    unread: np.ndarray | None = None,
) -> Concern:
    score = whole_face(face, scores, unread)
    measurements = {key: value for key, value in measurements.items() if math.isfinite(value)}
    text = plain.sentence(name, {"measurements": measurements, "regions": scores}, {})
    low_high = score_range(name, score)
    return Concern(name, score, scores, measurements, text, heat, score_range=low_high)
