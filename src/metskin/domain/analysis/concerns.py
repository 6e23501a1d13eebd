"""Concern detectors: a 0-100 severity per region, a whole-face score, a heat map and the
quantities each score comes from (how a score is made from regions and blobs: `scoring`).
Lengths scale with the eye distance (iod), so the scores do not depend on the image resolution.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.dark_circles import under_eye_contrast
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import (
    Blob,
    blob_mask,
    blob_means,
    blobs,
    blur,
    disk,
    mask_box,
    median_in_place,
    percentiles_in_place,
    robust_stats,
)
from metskin.domain.analysis.lines import LINE_THRESHOLD, find_lines
from metskin.domain.analysis.model import Concern
from metskin.domain.analysis.pores import PATCH, find_pores
from metskin.domain.analysis.scoring import (
    MIN_REGION_PIXELS,
    blob_score,
    fine_skin_texture,
    local_contrast,
    make_concern,
    mean_or_nan,
    region_mask,
    saturate,
    score_regions,
    zones,
)
from metskin.domain.analysis.skin_type import shine
from metskin.domain.analysis.spots import edge_labels, spots_in_crop

WRINKLE_REGIONS = (
    "forehead",
    "periorbital_right",
    "periorbital_left",
    "under_eye_right",
    "under_eye_left",
    "nasolabial_right",
    "nasolabial_left",
)
REDNESS_SIGMAS = 1.5
REDNESS_MIN_MARGIN = 3.0  # a* units
# Diffuse redness over the cheeks and nose (rosacea-like flushing) raises the person's own
# median, so the local term cannot see it. Two references from 204 normal London photos (neutral
# and smiling; bench/redness_bench.py prints them): the central face's median a* (10.8, sd 2.0,
# with no useful dependence on L* or b*), and how far it stands above the whole face's median
# (1.8, sd 0.9; lighting moves both alike, so this one survives a colour cast). The excess over
# each, in sds, is averaged; above DIFFUSE_FREE_SD it scores.
CENTRAL_REGIONS = ("cheek_left", "cheek_right", "nose")
NORMAL_CENTRAL_A = (10.8, 2.0)  # mean, sd
NORMAL_CENTRAL_LIFT = (1.8, 0.9)
DIFFUSE_FREE_SD = 2.0
# Pits per patch ((PATCH x eye distance)^2) at which the pores score reaches 63 (1 before): the
# tone-fair detector finds about twice the old count on normal skin (median 0.15 a patch), so
# London faces keep their scores (median 9, 7 % at 15 or more, 8 % before); a pit a patch: 47.
PORES_DENSITY_SCALE = 1.6
# Dark spots: at least this many times the fine texture (scoring.fine_skin_texture) deep. The
# London photos' texture is 0.44-1.46, so their threshold stays the 8 L* of their shading; a
# noisy copy (Gaussian noise of 8 levels, JPEG q85: texture 3.5-4.5) found 5.7 false spots a face
# more than the photo as taken, 0.3 with this floor (docs/benchmarks.md, "Dark spots in noise").
SPOT_NOISE_SIGMAS = 3.5
# A dark spot is round or oval; over about 3:1 (elongation 2.5 a disk, 4.2 at 3:1) a blob is a
# fold or shade: the nose wing's shaded side (5.0-5.9) jumped the nose 0 <-> 100 between a London
# person's two shots for 9 of 102 (2 now). Below SPOT_SHAPED x iod^2 shape is not seen: cap 6.
SPOT_MAX_ELONGATION = (4.5, 6.0)  # shaped, smaller
SPOT_SHAPED = math.pi * 0.05**2
# A dark spot is not red: its a* above its surround at SPOT_RED_SURROUND x iod stays under
# SPOT_MAX_REDDER. Against the wider iod / 6 a flushed cheek's own redness counted: a brown spot
# planted on a flushed cheek was found on 4 of 34 London faces, 31 of 34 at 0.1. At 0.05 all 34,
# but the surround then holds much of a small red pimple, which read as a dark spot on 3 of the
# 204 London photos (none at 0.1); planted papules read as none at either (docs/benchmarks.md,
# "Dark spots on flushed skin").
SPOT_RED_SURROUND = 0.1
SPOT_MAX_REDDER = 4.0
# Acne: lesions read as on skin of L* 65, as contrast against a near surround of
# ACNE_SURROUND x the eye distance (a papule is 1.5-3.5 %: the face's broader shading, which made
# most of the old surround's noise, stays out). A JPEG keeps colour at half resolution, so a* is
# read smoothed at ACNE_CHROMA_SIGMA px (one 2 x 2 chroma block) and L*, kept at full resolution,
# at ACNE_LUMA_SIGMA px. A candidate is redder than ACNE_SIGMAS robust sds of the face's own
# redness contrast (never below ACNE_MIN_EXCESS) and darker than ACNE_DARKER_SIGMAS sds of its
# lightness contrast (blood darkens as it reddens), but redder than ACNE_RED_PER_DARKER x that
# darkening (a brown spot darkens far more than it reddens: planted dark spots, +1 a* per 14-20
# L*, no longer add a lesion); a blob counts when its mean redness is ACNE_MIN_MEAN x the
# threshold. Chosen on graded acne planted as blood in optical density on the London faces, as
# taken and as JPEG q90 (bench/acne_grades.py; docs/benchmarks.md "Acne on photos saved as
# JPEG"): Spearman with the grade 0.92 as taken, 0.73 as JPEG, every Monk band at least 0.88 and
# 0.68 (before: 0.90, 0.56; Monk 6-10 0.86, 0.39); no normal London photo scores 15.
# ACNE_MIN_MEAN 1.8, not 1.6: at 1.6, 12 of 102 normal faces had a faint "bump" (3 at 1.8).
ACNE_REFERENCE_L = 65.0
ACNE_SURROUND = 0.05
ACNE_CHROMA_SIGMA = 1.0
ACNE_LUMA_SIGMA = 0.7
ACNE_SIGMAS = 2.0
ACNE_MIN_EXCESS = 1.5
ACNE_DARKER_SIGMAS = 1.2
ACNE_RED_PER_DARKER = 0.35
ACNE_MIN_MEAN = 1.8
# A lesion of this mean redness weighs 1 in the score (clipped to 0.5-2): the near surround reads
# smaller contrasts than the old one (unit 8 a*); 5 keeps planted grades 2-4 as taken at their
# scores (median 21.7, 43.0, 56.0; 22.4, 44.1, 58.2 before).
ACNE_UNIT_EXCESS = 5.0
# Candidates lie this far (x the eye distance, about 2 mm) inside the skin's edge: the red rims of
# the eyes and lips read as a "small red bump" on 32 of 102 normal London faces, 12 with it;
# planted grades rank the same (0.919 on every 2nd face; bench/acne_grades.py --step 2).
ACNE_FEATURE_MARGIN = 0.03
# A nodule is an inflamed lesion 5 mm across or more (the clinical definition; 63 mm: the mean
# adult eye distance). A photo cannot feel depth: this counts large inflamed lesions, none on the
# 102 normal London faces; planted acne (bench/acne_grades.py, nodules from grade 3) 0 % of
# faces at grades 0-1, 3 % at 2, 18 % at 3, 53 % at 4.
NODULE_DIAMETER = 5.0 / 63.0


def redness(face: FaceImage) -> Concern:
    """a* above the person's own calm skin: the median a* of their face plus a margin of
    REDNESS_SIGMAS x the spread of its lower half (at least REDNESS_MIN_MARGIN). Both come from
    the person, so normal skin scores near 0 on every tone (the old 25th-percentile baseline
    with a fixed 3 a* margin and a darker-skin gain gave dark normal skin 15-19)."""
    a_star = face.plane(1)
    usable = face.masks["usable"]
    p10, baseline = percentiles_in_place(a_star[usable], (10, 50))  # the gather is a copy
    margin = max(REDNESS_MIN_MARGIN, REDNESS_SIGMAS * (baseline - p10) / 1.28)
    excess = np.maximum(a_star - baseline - margin, 0.0)
    excess_usable = excess[usable]
    scores = score_regions(
        face, lm.MAIN_REGIONS, lambda mask: saturate(mean_or_nan(excess[mask & usable]), 5.0)
    )
    measurements = {
        "baseline_a_star": baseline,
        "margin_a_star": margin,
        "mean_excess_a_star": mean_or_nan(excess_usable),
        "red_area_fraction": mean_or_nan(excess_usable > 3.0),
    }
    diffuse = _diffuse_redness(face, baseline)
    if diffuse is not None:
        measurements["central_redness_sd"] = diffuse
        score = saturate(diffuse - DIFFUSE_FREE_SD, 1.5)
        for name in CENTRAL_REGIONS:
            if name in scores:
                scores[name] = max(scores[name], score)
        if diffuse > DIFFUSE_FREE_SD:  # paint it only where it scores
            excess = np.maximum(excess, _diffuse_map(face, baseline))

    def heat(excess: np.ndarray = excess) -> np.ndarray:
        return blur(excess / 8.0, face.eye_distance / 30) * face.masks["skin"]

    return make_concern("redness", face, scores, measurements, heat)


def _diffuse_redness(face: FaceImage, baseline: float) -> float | None:
    """How far the cheeks and nose stand above normal skin, in sds (the mean of the absolute
    and the within-face reference; see NORMAL_CENTRAL_A)."""
    central = np.concatenate([face.values(1, name) for name in CENTRAL_REGIONS])
    if central.size < MIN_REGION_PIXELS:
        return None
    level = median_in_place(central)  # the concatenation is a copy
    absolute = (level - NORMAL_CENTRAL_A[0]) / NORMAL_CENTRAL_A[1]
    lift = (level - baseline - NORMAL_CENTRAL_LIFT[0]) / NORMAL_CENTRAL_LIFT[1]
    return (absolute + lift) / 2


def _diffuse_map(face: FaceImage, baseline: float) -> np.ndarray:
    """Diffuse redness on the central skin that is redder than the rest of the face."""
    central = np.zeros(face.lab.shape[:2], dtype=bool)
    for name in CENTRAL_REGIONS:
        central |= face.region(name) & face.masks["usable"]
    return np.where(central, np.maximum(face.plane(1) - baseline, 0.0), 0.0).astype(np.float32)


def pigmentation(face: FaceImage) -> Concern:
    """Dark spots: compact blobs darker than their surround in L*, not red."""
    darker = -local_contrast(face, 0)
    redder = local_contrast(face, 1, SPOT_RED_SURROUND * face.eye_distance)
    _, noise = robust_stats(darker[face.masks["usable"]])
    # the face's shading sets it (5-8 L*), unless the photo's noise is above that: then spots
    # as faint as the noise are not reported (SPOT_NOISE_SIGMAS)
    threshold = max(
        float(np.clip(3.0 * noise, 5.0, 8.0)), SPOT_NOISE_SIGMAS * fine_skin_texture(face)
    )
    candidates = region_mask(face, "skin") & ~face.masks["specular"]
    candidates &= (darker > threshold) & (redder < SPOT_MAX_REDDER)
    iod = face.eye_distance
    everything, labels = blobs(candidates, math.pi * (0.02 * iod) ** 2, math.pi * (0.2 * iod) ** 2)
    everything = blob_means(labels, everything, darker)
    edge = edge_labels(face, labels, darker)
    found = [
        b
        for b in everything
        if b.elongation < SPOT_MAX_ELONGATION[b.area < SPOT_SHAPED * iod**2]
        and b.mean > 1.25 * threshold
        and b.label not in edge
    ]
    kept = {b.label for b in found}
    faint = [b for b in everything if b.label not in kept]
    places = zones(face, lm.MAIN_REGIONS)  # a spot beside a region counts in it
    spots, runs_on = spots_in_crop(
        labels, darker, found, region_mask(face, "skin"), faint, places=places
    )
    # a found blob that could not be measured whole runs on into a fold, a shadow or the skin's
    # edge (`spots._measure`): the spots card leaves it out, and so does the score
    found = [b for b in found if b.label not in runs_on]
    scores = blob_score(
        face,
        found,
        lm.MAIN_REGIONS,
        lambda b: b.area / iod**2 * b.mean,
        scale=0.03,
        unread=(stubble := face.masks.get("stubble")),  # no spot is read under it (edge_labels)
        masks=places,
    )
    measurements = {
        "spot_count": float(len(found)),
        "spot_area_fraction": sum(b.area for b in found) / max(1, face.masks["skin"].sum()),
        "mean_darkening_l_star": float(np.mean([b.mean for b in found])) if found else 0.0,
        "threshold_l_star": threshold,
        # the spots card lists the spots measured whole: the text counts the same ones
        "measured_spot_count": float(sum(s.area_px is not None for s in spots)),
    }

    def heat() -> np.ndarray:
        return blur(blob_mask(labels, found) * np.minimum(darker / 15.0, 1.0), 1.0)

    concern = make_concern("pigmentation", face, scores, measurements, heat, stubble)
    return replace(concern, spots=spots)


def acne(face: FaceImage) -> Concern:
    """Acne-like lesions: small compact blobs redder (a*) and darker (L*) than their near
    surround. The same added blood moves a* and L* in proportion to the skin's L* + 16 (both are
    differences of cube roots of light), so the contrasts are read as on skin of L* 65
    (`ACNE_REFERENCE_L`): a lesion scores the same on every tone, and the thresholds (sds of the
    face's own contrasts, see ACNE_SIGMAS) are in those units too."""
    usable = face.masks["usable"]
    level, _ = robust_stats(face.lightness[usable])
    gain = (ACNE_REFERENCE_L + 16.0) / max(level + 16.0, 1.0)
    redder = _lesion_contrast(face, 1, ACNE_CHROMA_SIGMA) * gain
    darker = _lesion_contrast(face, 0, ACNE_LUMA_SIGMA) * -gain
    _, noise = robust_stats(redder[usable])
    threshold = max(ACNE_MIN_EXCESS, ACNE_SIGMAS * noise)
    candidates = _away_from_features(face) & (redder > threshold)
    candidates &= darker > ACNE_DARKER_SIGMAS * robust_stats(darker[usable])[1]
    candidates &= redder > ACNE_RED_PER_DARKER * darker
    iod = face.eye_distance
    found, labels = blobs(candidates, math.pi * (0.015 * iod) ** 2, math.pi * (0.12 * iod) ** 2)
    found = [
        b
        for b in blob_means(labels, found, redder)
        if b.elongation < 4.5 and b.mean > ACNE_MIN_MEAN * threshold
    ]
    scores = blob_score(
        face,
        found,
        lm.MAIN_REGIONS,
        lambda b: float(np.clip(b.mean / ACNE_UNIT_EXCESS, 0.5, 2.0)),
        scale=6.0,
        masks=zones(face, lm.MAIN_REGIONS),  # a lesion beside a region counts in it
    )
    measurements = {
        "lesion_count": float(len(found)),
        "nodule_count": float(sum(_diameter(b, iod) >= NODULE_DIAMETER for b in found)),
        "mean_excess_a_star": float(np.mean([b.mean for b in found])) if found else 0.0,
        "mean_diameter_iod": float(np.mean([_diameter(b, iod) for b in found])) if found else 0.0,
        "threshold_a_star": threshold,
    }

    def heat() -> np.ndarray:
        return blur(blob_mask(labels, found).astype(np.float32), 1.0)

    return make_concern("acne", face, scores, measurements, heat)


def _diameter(blob: Blob, iod: float) -> float:
    """The blob's equivalent diameter in eye distances."""
    return 2 * math.sqrt(blob.area / math.pi) / iod


def _away_from_features(face: FaceImage) -> np.ndarray:
    """The skin at least ACNE_FEATURE_MARGIN x the eye distance inside its edge: the rims of
    the eyes, lips and nostrils are red and sit just outside their excluded polygons."""

    def compute() -> np.ndarray:
        radius = max(1, round(ACNE_FEATURE_MARGIN * face.eye_distance))
        return cv2.erode(region_mask(face, "skin").view(np.uint8), disk(radius)).view(bool)

    return face.derived("acne_skin", compute)


def _lesion_contrast(face: FaceImage, channel: int, sigma: float) -> np.ndarray:
    """The channel against its near surround (ACNE_SURROUND x the eye distance), smoothed at
    `sigma` pixels."""
    return blur(local_contrast(face, channel, ACNE_SURROUND * face.eye_distance), sigma)


def wrinkles(face: FaceImage) -> Concern:
    """Lines: long thin dark ridges, read against the skin's own texture (see `lines`)."""
    iod = face.eye_distance
    zone = np.logical_or.reduce([region_mask(face, name) for name in WRINKLE_REGIONS])
    lines = find_lines(face, zone)
    found = lines.found
    scores = blob_score(
        face,
        found,
        WRINKLE_REGIONS,
        lambda b: b.length / iod * min(b.mean / LINE_THRESHOLD, 3.0),
        scale=3.0,
        unread=(stubble := face.masks.get("stubble")),  # no line is read under it (find_lines)
    )
    measurements = {
        "line_count": float(len(found)),
        "total_length_iod": sum(b.length for b in found) / iod,
        "mean_depth": float(np.mean([b.mean for b in found])) if found else 0.0,
        "texture": lines.texture,
    }

    def heat() -> np.ndarray:
        return blur(lines.painted(zone.shape), 1.0)

    return make_concern("wrinkles", face, scores, measurements, heat, stubble)


def pores(face: FaceImage) -> Concern:
    """Enlarged pores: density of tiny pits on nose and cheeks, each region read against its
    own fine texture (see `pores`)."""
    found = find_pores(face)
    scores = {
        name: saturate(density, PORES_DENSITY_SCALE)
        for name, density in found.density.items()
        if face.area(name) >= MIN_REGION_PIXELS
    }
    area = sum(face.area(name) for name in found.counts)
    patch = (PATCH * face.eye_distance) ** 2
    measurements = {
        "pore_count": float(found.count),
        "pores_per_patch": found.count / max(1.0, area / patch),
        "threshold_weber": float(np.mean(list(found.thresholds.values())))
        if found.thresholds
        else math.nan,
    }

    def heat() -> np.ndarray:
        return blur(found.mask.astype(np.float32), 1.5)

    return make_concern("pores", face, scores, measurements, heat)


def dark_circles(face: FaceImage) -> Concern:
    """Under-eye skin returning less light than the cheek below it, per side, read against the
    person's own skin texture (see `dark_circles`)."""
    eyes = under_eye_contrast(face)
    scores: dict[str, float] = {}
    measurements: dict[str, float] = {"texture": eyes.texture}
    heat = np.zeros(face.lightness.shape, dtype=np.float32)
    for side, contrast in eyes.contrast.items():
        measurements[f"contrast_{side}"] = contrast
        measurements[f"delta_l_star_{side}"] = eyes.delta_l_star[side]
        scores[f"under_eye_{side}"] = 100.0 * float(np.clip((contrast - 2.0) / 12.0, 0.0, 1.0))
        region = region_mask(face, f"under_eye_{side}")  # painted on its box: 0 outside
        box = mask_box(region) or (slice(0, 0), slice(0, 0))
        darker = eyes.gain * (eyes.cheek[side] - face.weber()[box])
        heat[box] += region[box] * np.clip(darker / 14.0, 0.0, 1.0)
    return make_concern("dark_circles", face, scores, measurements, heat)


DETECTORS: tuple[Callable[[FaceImage], Concern], ...] = (
    redness,
    pigmentation,
    acne,
    wrinkles,
    pores,
    dark_circles,
    shine,
)


def measure_concerns(face: FaceImage) -> tuple[Concern, ...]:
    return tuple(detector(face) for detector in DETECTORS)
