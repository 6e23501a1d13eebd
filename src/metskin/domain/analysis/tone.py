"""Skin tone: mean CIELAB of the lit band of the usable skin, ITA, Fitzpatrick-like band, Monk
tone, undertone."""

from __future__ import annotations

import math

import cv2
import numpy as np

from metskin.domain.analysis import colour, monk, top_shade
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import median_in_place, percentiles_in_place
from metskin.domain.analysis.geometry import side_of_line
from metskin.domain.analysis.model import Tone

TONE_REGIONS = ("forehead", "cheek_right", "cheek_left", "nose", "chin")
# The whole usable skin, evenly subsampled to this many pixels (the five regions alone had about
# 15 000; this keeps the tone step's CPU time at what it was).
MAX_TONE_PIXELS = 12_000
FULL_CONFIDENCE_PIXELS = 3000
CLIPPED = 250
# Chromaticity of the skin for rebuilding clipped channels: the ratio of two channels is read
# from their quantiles at these distances below the first clipped one (quantiles of all pixels,
# clipped ones included, so the clipping does not bias which pixels are compared).
RATIO_DEPTHS = (0.25, 0.2, 0.15, 0.1, 0.05)
MIN_RATIO_QUANTILE = 0.1
# The tone is the mean CIELAB over this band of the pixels ranked by luminance (from the 50th to
# the 80th percentile: the lit side of the skin, short of the sheen); pixels that cannot be
# rebuilt rank at the top (they are censored, not dropped, so they keep their rank). The band
# is already trimmed, so its mean is robust; a per-channel median instead lands on one of the
# few 8-bit levels a dark or evenly lit skin has in the band (0.2 deg of ITA on synthetic skin,
# against 0.06-0.12 for the mean). The pixels are all the usable skin of the face, not only the
# five tone regions, and the band is the lit side rather than the central 20 %: on the London
# neutral / smiling pairs that moves ITA by a median 1.86 deg (p90 5.65) against 2.40 (6.28)
# for the central band of the regions (bench/tone_repeat.py; fourth pass in docs/benchmarks.md).
BAND = (0.5, 0.8)
# Uncertainty of ITA (about one sigma, what a retake would move it by): the spread of the tone
# regions' own ITAs over sqrt(count), and the light on the face changing between two shots by
# SHOT_STOPS (robust sigma per shot, from the London Set's neutral / smiling pairs taken minutes
# apart under the same studio light), converted to ITA at the measured colour.
SHOT_STOPS = 0.06
# The regions differ for good reasons (the chin is often darker than the forehead), and only
# part of that difference changes between shots: the regions' standard error is weighted by
# REGION_WEIGHT, chosen so that twice the combined uncertainty of a neutral / smiling pair
# covers about 95 % of the pairs' ITA changes on the London Set (bench --london-tone; 94 % with
# the lit band of the whole skin).
REGION_WEIGHT = 0.5
# Side light (stops between the halves of the face, `side_light`): the London photos as taken
# reach 0.35 (their studio light is a little to one side), and their tone is left as it was.
# From the first value the tone moves towards the colour of the lit half alone, fully at the
# second: the shadowed half is the same skin in less light, and pulled ITA down by 7.5 deg on
# copies with one half in shade (docs/benchmarks.md, "Side light").
SIDE_LIGHT = (0.4, 0.7)
MIN_REGION_PIXELS = 50
# Hidden skin (a hat, a hood, a headscarf, a fringe, a beard): the tone is the lit band of the
# skin it sees, and which skin that is moves it. The forehead is most of the band's brightest
# skin and the face's edge (EDGE_DEPTH eye distances inside its outline) its most shaded. On
# the London photos with a bare forehead (195 of 204, neutral and smiling), skin left out as a
# beanie, half a beanie, a hood, the edge beside the face or all of it moved the band's L* by
# a median -1.4 to +2.1; a least-squares fit on the shares of the forehead and of the edge left
# out gives HIDDEN_LIGHTNESS (each half of the people within 0.05 of it), and the tone adds
# back the L* of the shares this photo hides: ITA moved by a median 1.6-4.6 deg across those
# patterns, 0.7-1.0 after (bench/hidden_skin.py; docs/benchmarks.md, "Hidden skin"). EDGE_FREE
# of the edge is hidden on a bare face (hair at the temples, shade at the jaw; the median of
# the London photos) and is not counted. The fit's residual, HIDDEN_SD L* per share hidden,
# goes into the uncertainty. One studio, lit from above the camera: under a flash the forehead
# would stand out less.
HIDDEN_LIGHTNESS = (2.56, -3.91)  # per share of the forehead, of the edge
HIDDEN_SD = 0.75
EDGE_DEPTH = 0.25
EDGE_FREE = 0.05
# The band of the skin below the cheeks' top (a brim's lean, `top_shade.lower_face`) reads
# 0.65 L* darker than the whole face's (sd 0.59) on the same photos.
LOWER_FACE_LIGHTNESS = (0.65, 0.59)


def tone_pixels(
    face: FaceImage, chosen: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Skin pixels (uint8 RGB) of the face, evenly subsampled, clipped ones included, which of
    them are specular highlights, and the index (in TONE_REGIONS) of each one's region (-1 for
    skin outside the tone regions: it counts for the colour, not for the regions' spread).

    Highlights are kept as censored values (brighter than the skin colour, of unknown colour):
    dropping them would shift the median of the rest towards the shade.
    """
    chosen = tone_sample(face) if chosen is None else chosen
    regions = np.full(len(chosen), -1, dtype=np.int8)
    for number, name in enumerate(TONE_REGIONS):  # a later region wins, as before
        regions[face.masks[name].ravel()[chosen]] = number
    pixels = face.rgb.reshape(-1, 3)[chosen]
    return pixels, face.masks["specular"].ravel()[chosen], regions


def tone_sample(face: FaceImage) -> np.ndarray:
    """Flat indices of the skin pixels the tone reads, evenly subsampled. Gathers of those
    pixels alone give the same values as masking each map and thinning after (numpy's boolean
    mask of an (H, W, 3) image copies pixel by pixel, 5x slower than a gather of rows by index)."""
    chosen = np.flatnonzero(face.masks["skin"] & (face.masks["usable"] | face.masks["specular"]))
    if len(chosen) > MAX_TONE_PIXELS:
        chosen = chosen[:: math.ceil(len(chosen) / MAX_TONE_PIXELS)]
    return chosen


def face_sides(face: FaceImage, chosen: np.ndarray) -> np.ndarray:
    """+1 or -1 for each pixel of `chosen` (flat indices): which side of the line through the
    forehead's and the chin's centres it lies on."""
    height, width = face.masks["skin"].shape
    ys, xs = np.divmod(chosen, width)
    centres = []
    for name in ("forehead", "chin"):
        rows, cols = np.nonzero(face.masks[name])
        centres.append((cols.mean(), rows.mean()) if len(rows) else (width / 2, height / 2))
    if centres[0] == centres[1]:  # no regions: a vertical line through the middle
        centres[1] = (centres[1][0], centres[1][1] + 1.0)
    return side_of_line(xs, ys, centres[0], centres[1])


def side_light(luminance: np.ndarray, censored: np.ndarray, sides: np.ndarray) -> tuple[float, int]:
    """How much less light the darker half of the face has (stops, from the halves' median
    linear luminance), and the lit half (+1 / -1)."""
    medians = {}
    for side in (1, -1):
        chosen = (sides == side) & ~censored
        medians[side] = median_in_place(luminance[chosen]) if chosen.sum() >= 50 else 0.0
    lit = 1 if medians[1] >= medians[-1] else -1
    if min(medians.values()) <= 0.0:
        return 0.0, lit
    return math.log2(medians[lit] / medians[-lit]), lit


def channel_ratio(linear: np.ndarray, clipped: np.ndarray, channel: int, other: int) -> float:
    """channel / other for the skin, matched by quantiles below the clipping of either."""
    top = 1.0 - float(max(clipped[:, channel].mean(), clipped[:, other].mean()))
    levels = [top - depth for depth in RATIO_DEPTHS if top - depth >= MIN_RATIO_QUANTILE]
    if not levels:
        levels = [MIN_RATIO_QUANTILE]
    ours = np.quantile(linear[:, channel], levels)
    theirs = np.maximum(np.quantile(linear[:, other], levels), 1e-4)
    return median_in_place(ours / theirs)  # the ratios are a fresh array


def rebuild_clipped(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear RGB of uint8 pixels with a single clipped channel rebuilt from the other two, and
    the mask of pixels that could not be rebuilt (two or three channels clipped).

    Within one face the skin's chromaticity hardly changes with shading, so the ratio of the
    clipped channel to each intact one is read from the unclipped part of the skin (highlight
    recovery as raw developers do it). A rebuilt value is never below the clipped one.
    """
    linear = colour.srgb_to_linear(pixels).astype(np.float64)
    clipped = pixels >= CLIPPED
    count = clipped.sum(axis=1)
    if len(linear) < 50 or not (count == 1).any():
        return linear, count > 0
    rebuilt = linear.copy()
    for channel in range(3):
        rows = (count == 1) & clipped[:, channel]
        if not rows.any():
            continue
        others = [other for other in range(3) if other != channel]
        estimate = np.mean(
            [
                linear[rows, other] * channel_ratio(linear, clipped, channel, other)
                for other in others
            ],
            axis=0,
        )
        rebuilt[rows, channel] = np.maximum(estimate, linear[rows, channel])
    return rebuilt, count > 1


def central_band(
    linear: np.ndarray, censored: np.ndarray, luminance: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the pixels in the luminance band BAND; censored pixels rank highest.
    `luminance` is `linear`'s, when the caller has it already.

    When the band would reach censored pixels it moves down to the brightest measurable ones
    (biased dark when many are censored, and the quality gate reports the overexposure)."""
    key = np.where(censored, np.inf, linear @ colour.LUMA if luminance is None else luminance)
    measurable = int((~censored).sum())
    width = max(1, round((BAND[1] - BAND[0]) * len(key)))
    high = max(1, min(round(BAND[1] * len(key)), measurable))
    low = max(0, high - width)
    order = np.argpartition(key, (low, high - 1))  # ranks low and high - 1 in place, O(n)
    return order[low:high]


def band_colour(
    linear: np.ndarray,
    censored: np.ndarray,
    gains: np.ndarray,
    luminance: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """White-balanced CIELAB (mean) of the central luminance band, and every pixel's CIELAB."""
    lab_values = colour.linear_to_lab(linear * gains)
    band = central_band(linear, censored, luminance)
    return np.asarray(lab_values[band].mean(axis=0)), lab_values


def lean_share(stops: float | None, bounds: tuple[float, float]) -> float:
    """How far the tone leans on part of the skin (0..1) at `stops` of uneven light: not at all
    up to bounds[0], fully from bounds[1], in proportion between; not at all for None (the
    light could not be compared). The side light (SIDE_LIGHT, the lit half of the face) and a
    brim's shade (`top_shade.TOP_SHADE`, the skin below the eyes) both lean along it."""
    if stops is None:
        return 0.0
    return float(np.clip((stops - bounds[0]) / (bounds[1] - bounds[0]), 0.0, 1.0))


def leaned(
    mean: np.ndarray,
    share: float,
    part: np.ndarray,
    linear: np.ndarray,
    censored: np.ndarray,
    gains: np.ndarray,
    luminance: np.ndarray,
) -> np.ndarray:
    """`mean` moved by `share` (0..1) towards the band colour of the pixels `part` alone: the
    lit half under side light, the skin below a shaded forehead."""
    alone, _ = band_colour(linear[part], censored[part], gains, luminance[part])
    return (1 - share) * mean + share * alone


def ita_per_stop(lab: tuple[float, float, float]) -> float:
    """d ITA / d exposure (degrees per stop) at a CIELAB colour: a gain on linear light scales
    L* + 16 and b* alike by its cube root, so d(L* - 50) = (L* + 16) k and db* = b* k with
    k = ln 2 / 3, and d ITA = k * 66 b* / ((L* - 50)^2 + b*^2)."""
    return math.log(2.0) / 3.0 * 66.0 * ita_per_lightness(lab)


def ita_uncertainty(lab: tuple[float, float, float], spread_deg: float) -> float:
    """One-sigma ITA uncertainty: `spread_deg` (regions or frames) and the shot-to-shot light."""
    return math.hypot(spread_deg, SHOT_STOPS * abs(ita_per_stop(lab)))


def tone_from_lab(
    lab: tuple[float, float, float],
    *,
    confidence: float,
    pixels: int,
    gains: np.ndarray,
    spread_deg: float = 0.0,
    side_light_stops: float | None = None,
    forehead_shade_stops: float | None = None,
) -> Tone:
    lightness, a_star, b_star = lab
    ita = colour.ita_deg(lightness, b_star)
    band, category = colour.ita_band(ita)
    tone = monk.monk_tone(ita)
    delta_e = colour.monk_delta_e(lab, tone)
    hue = colour.hue_deg(a_star, b_star)
    uncertainty = ita_uncertainty(lab, spread_deg)
    return Tone(
        lab=(lightness, a_star, b_star),
        ita_deg=ita,
        fitzpatrick=band,
        ita_category=category,
        monk=tone,
        monk_delta_e=delta_e,
        undertone=colour.undertone(hue),
        hue_deg=hue,
        confidence=confidence,
        pixels=pixels,
        white_balance_gains=(float(gains[0]), float(gains[1]), float(gains[2])),
        ita_uncertainty_deg=uncertainty,
        monk_position=monk.monk_position(ita),
        monk_range=(monk.monk_tone(ita + uncertainty), monk.monk_tone(ita - uncertainty)),
        side_light_stops=side_light_stops,
        forehead_shade_stops=forehead_shade_stops,
    )


def region_spread(
    lab_values: np.ndarray, usable: np.ndarray, regions: np.ndarray, ita: float
) -> float:
    """Standard error (degrees) of ITA over the tone regions: the robust spread (1.4826 x the
    median absolute difference) of the regions' own median ITAs around the face's `ita`, over
    sqrt(count); 0 with fewer than two regions. Robust, so that a beard on the chin or a fringe
    on the forehead does not make the whole face uncertain."""
    itas = []
    for number in range(len(TONE_REGIONS)):
        chosen = usable & (regions == number)
        if np.count_nonzero(chosen) >= MIN_REGION_PIXELS:
            # L* and b* only, each gathered into a fresh array that its median may reorder
            lightness, b_star = (median_in_place(lab_values[chosen, axis]) for axis in (0, 2))
            itas.append(colour.ita_deg(lightness, b_star))
    if len(itas) < 2:
        return 0.0
    spread = 1.4826 * median_in_place(np.abs(np.array(itas) - ita))
    return REGION_WEIGHT * spread / math.sqrt(len(itas))


def measure_tone(face: FaceImage, light_penalty: float) -> Tone | None:
    """Tone of the face; `light_penalty` (0..1) comes from the quality gate's light issues."""
    chosen = tone_sample(face)
    pixels, specular, regions = tone_pixels(face, chosen)
    linear, censored = rebuild_clipped(pixels)
    censored |= specular
    if len(pixels) < 50 or (~censored).sum() < 50:
        return None
    luminance = linear @ colour.LUMA  # ranks the band and compares the halves
    mean, lab_values = band_colour(linear, censored, face.gains, luminance)
    sides = face_sides(face, chosen)
    gap, lit = side_light(luminance, censored, sides)
    lit_share = lean_share(gap, SIDE_LIGHT)
    if lit_share > 0:  # strong side light: the lit half's colour, blended in
        mean = leaned(mean, lit_share, sides == lit, linear, censored, face.gains, luminance)
    shade = top_shade.forehead_shade(face)
    lower_share = lean_share(shade, top_shade.TOP_SHADE)
    lower = top_shade.lower_face(face, chosen) if lower_share > 0 else None
    if lower is not None and np.count_nonzero(lower & ~censored) >= MIN_REGION_PIXELS:
        # a brim's shade on the forehead: the colour of the skin below it, blended in
        mean = leaned(mean, lower_share, lower, linear, censored, face.gains, luminance)
    else:
        lower_share = 0.0
    lift, lift_sd = hidden_lift(hidden_shares(face), lower_share)
    lab = (float(mean[0]) + lift, float(mean[1]), float(mean[2]))
    confidence = tone_confidence(len(pixels), face.gains, lab_values[~censored, 0], light_penalty)
    spread = region_spread(lab_values, ~censored, regions, colour.ita_deg(lab[0], lab[2]))
    return tone_from_lab(
        lab,
        confidence=confidence,
        pixels=len(pixels),
        gains=face.gains,
        spread_deg=math.hypot(spread, lift_sd * abs(ita_per_lightness(lab))),
        side_light_stops=gap,
        forehead_shade_stops=shade,
    )


def hidden_shares(face: FaceImage) -> tuple[float, float]:
    """The shares (0..1) of the forehead and of the face's edge, as the landmarks place them,
    that the tone does not read: under a covering, hair or a hat, or too dark or bright to
    measure. The edge's share counts from EDGE_FREE."""
    masks = face.masks
    seen = masks["skin"] & (masks["usable"] | masks["specular"])
    forehead = masks.get("forehead_area", masks["forehead"])
    skin = masks.get("skin_area", masks["skin"])
    oval = np.ascontiguousarray(masks["face"]).view(np.uint8)
    depth = cv2.distanceTransform(oval, cv2.DIST_L2, 3)
    edge = skin & (depth < EDGE_DEPTH * face.eye_distance)
    shares = []
    for area in (forehead, edge):
        total = np.count_nonzero(area)
        shares.append(1.0 - np.count_nonzero(area & seen) / total if total else 0.0)
    return shares[0], max(0.0, shares[1] - EDGE_FREE) / (1.0 - EDGE_FREE)


def hidden_lift(hidden: tuple[float, float], lower_share: float) -> tuple[float, float]:
    """L* added to the tone read without the `hidden` shares of the forehead and of the edge,
    leaning `lower_share` on the lower face (`top_shade`), and its standard deviation."""
    kept = 1.0 - lower_share
    lift = sum(share * gain for share, gain in zip(hidden, HIDDEN_LIGHTNESS, strict=True))
    return (
        kept * lift + lower_share * LOWER_FACE_LIGHTNESS[0],
        kept * HIDDEN_SD * max(hidden) + lower_share * LOWER_FACE_LIGHTNESS[1],
    )


def ita_per_lightness(lab: tuple[float, float, float]) -> float:
    """d ITA / d L* (degrees per unit of L*) at a CIELAB colour."""
    lightness, _, b_star = lab
    return math.degrees(b_star / max((lightness - 50.0) ** 2 + b_star**2, 1e-6))


def tone_confidence(
    pixels: int, gains: np.ndarray, lightness: np.ndarray, light_penalty: float
) -> float:
    """Drops with few pixels, strong colour-cast correction, uneven light and light issues.
    `lightness` (a gather of the skin's L*) is reordered."""
    pixel_factor = min(1.0, pixels / FULL_CONFIDENCE_PIXELS)
    cast = float(np.abs(np.log(gains)).max()) / math.log(colour.MAX_GAIN)
    cast_factor = 1.0 - 0.4 * min(1.0, cast)
    q25, q75 = percentiles_in_place(lightness, (25, 75))  # reorders `lightness`
    spread_factor = float(np.clip(1.0 - (q75 - q25 - 8.0) / 30.0, 0.4, 1.0))
    return pixel_factor * cast_factor * spread_factor * (1.0 - light_penalty)
