"""What covers the skin: a covering's colour against the skin's (`off_colour`: a face mask,
a grey beard), and a headscarf over the forehead and framing the face (`covering_mask`)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.filters import (
    LARGE_SIGMA,
    blur,
    blur_reach,
    mask_box,
    median_in_place,
)

# A covering's colour (a face mask, a grey beard): its a*, b* depart from the forehead's skin by
# more than OFF_COLOUR_AB, with less of the skin's own colour (a*, b* along the forehead's) by
# more than OFF_COLOUR_DROP. Redness adds red and pigmentation yellow; shade keeps the hue.
# validity.covered_regions applies it to the regions' medians (face masks), `beard_mask` to the
# pixels below the nose. Both distances shrink in proportion for a forehead of less chroma than
# OFF_COLOUR_CHROMA (`chroma_scale`, down to MIN_CHROMA_SCALE): dark or pale skin of chroma
# 9-12 is itself only about 10 from a neutral mask, so white and black masks on the Monk 8-9
# London photos were refused on 8 and 9 of 15, against about 95 % on Monk 3-5. Scaled, they
# are refused on 15 and 14 of 15, and London's photos as taken still have at most one region
# of that colour. The drop is read along the skin's colour, not per channel, so that a change
# of hue alone is not a covering at the scaled distances (the recolour benchmark's palest
# painted tones under tungsten light, greener cheeks than forehead: 23 of 400 refused per
# channel, 2 along, 16 without the floor, none with a forehead greyer than MIN_SKIN_CHROMA
# kept at the full distances). docs/benchmarks.md, "Coverings on dark skin".
OFF_COLOUR_AB = 10.0
OFF_COLOUR_DROP = 6.0
OFF_COLOUR_CHROMA = 20.0
MIN_CHROMA_SCALE = 0.5
MIN_SKIN_CHROMA = 6.0  # the London foreheads: 7.2-24.9
MIN_REFERENCE_PIXELS = 50  # the fewest pixels a reference median (of a*, b* or L*) is read from
# A headscarf (`covering_mask`)
COVER_MIDDLE = ("nose", "cheek_right", "cheek_left", "under_eye_right", "under_eye_left")
COVER_BAND = 0.25  # eye distances in from the oval's edge
COVER_SMOOTH = 0.05  # eye distances
COVER_LIGHTER = 18.0  # L* above the middle of the face
# a*, b* this far from the middle of the face's, in any direction: fabric with more of the
# skin's own colour than skin has (a red, a camel knit), which `off_colour` leaves as redness
# or pigment. On the 204 London photos as taken such patches from the edge take at most 0.105
# of a forehead (043; 0.16 at OFF_COLOUR_AB, 0.04 at 15); a red beanie or hood 0.73-0.99, a
# camel beanie or cap 0.74-0.95 (bench/covering_away.py; docs/benchmarks.md, "Hats and hoods").
COVER_AWAY = 12.0
COVER_PALE_AREA = 0.25  # eye distances: the side of the smallest pale patch read as fabric
COVERED_SHARE = 0.3  # of the forehead's skin
COVER_MARGIN = 0.1  # L* or a*, b*: how much looser `most_fabric`'s bound is than the test


def median_ab(
    a_star: np.ndarray, b_star: np.ndarray, chosen: np.ndarray
) -> tuple[float, float] | None:
    """Median a*, b* of the `chosen` pixels; None with fewer than MIN_REFERENCE_PIXELS."""
    if np.count_nonzero(chosen) < MIN_REFERENCE_PIXELS:
        return None
    return median_in_place(a_star[chosen]), median_in_place(b_star[chosen])


def off_colour(
    a_star: np.ndarray, b_star: np.ndarray, reference: tuple[float, float], scale: float = 1.0
) -> np.ndarray:
    """Where a*, b* (arrays) have a covering's colour against the skin's `reference` (see
    OFF_COLOUR_AB), with the distances times `scale`."""
    away = far_from(a_star, b_star, reference, OFF_COLOUR_AB * scale)
    chroma = max(math.hypot(reference[0], reference[1]), 1e-3)
    along = a_star * np.float32(reference[0] / chroma) + b_star * np.float32(reference[1] / chroma)
    return away & (along < np.float32(chroma - OFF_COLOUR_DROP * scale))


def far_from(
    a_star: np.ndarray, b_star: np.ndarray, reference: tuple[float, float], distance: float
) -> np.ndarray:
    """Where a*, b* (arrays) lie more than `distance` from `reference`, in any direction."""
    away = cv2.magnitude(a_star - np.float32(reference[0]), b_star - np.float32(reference[1]))
    return away > np.float32(distance)


def off_colour_at(found: tuple[float, float], reference: tuple[float, float]) -> bool:
    """`off_colour` of one a*, b* pair (a region's median), its distances scaled down where the
    reference has less chroma than OFF_COLOUR_CHROMA."""
    a_star, b_star = (np.array([value], dtype=np.float32) for value in found)
    return bool(off_colour(a_star, b_star, reference, chroma_scale(reference))[0])


def skin_like(ab: tuple[float, float]) -> bool:
    """Whether a median a*, b* has a skin's colour: a red-yellow hue and at least
    MIN_SKIN_CHROMA of it."""
    return ab[0] > 0.0 and ab[1] > 0.0 and math.hypot(*ab) >= MIN_SKIN_CHROMA


def chroma_scale(reference: tuple[float, float]) -> float:
    """How far to scale OFF_COLOUR_AB and OFF_COLOUR_DROP down for skin of little chroma. A
    forehead greyer than any skin (below MIN_SKIN_CHROMA) has no colour of its own to lose, and
    keeps the full distances."""
    chroma = math.hypot(reference[0], reference[1])
    if chroma < MIN_SKIN_CHROMA:
        return 1.0
    return max(MIN_CHROMA_SCALE, min(1.0, chroma / OFF_COLOUR_CHROMA))


def covering_mask(
    planes: dict[int, np.ndarray],
    masks: dict[str, np.ndarray],
    points: np.ndarray,
    eye_distance: float,
) -> np.ndarray | None:
    """A headscarf (or a hat, a hood) over the forehead and framing the face: the face mesh's
    oval takes in the forehead and the face's edges whatever covers them. On copies of the
    London faces with a headscarf (`tests/analysis/degrade.scarf`) a white one read ITA a
    median 30 deg lighter with no word said, a beige or pink one 13-14 deg (up to 119), and a
    navy one was refused as FACE_COVERED (the forehead, its reference, was the fabric).

    The fabric is looked for above the eyes and in a band COVER_BAND eye distances wide along
    the oval's edge, hair left out: pixels (smoothed over COVER_SMOOTH eye distance, as a weave
    is) with a covering's colour against the skin of the middle of the face (`off_colour`, full
    distances, against the median a*, b* of the nose, cheeks and under-eyes) or farther than
    COVER_AWAY from it in any direction (more of the skin's own hue than skin has: a red or a
    camel hat, which before read as the forehead and had the photo refused as FACE_COVERED),
    in patches that reach the edge band (fabric comes in from the edge), or more than COVER_LIGHTER
    L* lighter than it over an area (white or pale fabric; a highlight is smaller). Returned
    only when it takes COVERED_SHARE of the forehead, else None (nothing changes); None too
    when the middle of the face has no skin's colour (a* and b* above 0, chroma at least
    MIN_SKIN_CHROMA): a face mask over it, or overexposed skin under a cast, leaves nothing to
    judge a covering by. Most photos have no covering: `most_fabric` proves that on the
    forehead alone, and the whole test runs only when it cannot (docs/benchmarks.md, "The
    headscarf test's cost")."""
    skin, hair = masks["skin"], masks["hair"]
    middle = np.logical_or.reduce([masks[name] for name in COVER_MIDDLE]) & skin & ~hair
    chosen = np.flatnonzero(middle)  # one scan of the mask for the three gathers
    if len(chosen) < MIN_REFERENCE_PIXELS:
        return None
    level, ref_a, ref_b = (median_in_place(planes[axis].take(chosen)) for axis in (0, 1, 2))
    if not skin_like((ref_a, ref_b)):
        return None  # no skin's colour to judge by (a face mask, a cast)
    forehead = masks["forehead"] & ~hair
    if np.count_nonzero(forehead) < MIN_REFERENCE_PIXELS:
        return None
    sigma = max(0.5, COVER_SMOOTH * eye_distance)
    most = most_fabric(planes, forehead, (level, ref_a, ref_b), sigma)
    if most is not None and most < COVERED_SHARE * np.count_nonzero(forehead):
        return None  # the common case: the same None the whole test below would return
    zone = np.zeros_like(skin)
    eyes = float(lm.eyes_centre(points)[1])
    zone[: max(0, int(eyes - 0.3 * eye_distance))] = True
    size = max(3, round(2 * COVER_BAND * eye_distance) | 1)
    inner = cv2.erode(masks["face"].view(np.uint8), np.ones((size, size), np.uint8)).view(bool)
    zone |= ~inner
    zone &= skin & ~hair
    lightness, a_star, b_star = (blur(planes[axis], sigma) for axis in (0, 1, 2))
    # the full distances, not scaled down to the skin's chroma as for a face mask: on the darkest
    # London faces the scaled ones read a fifth of a bare forehead as fabric
    fabric = off_colour(a_star, b_star, (ref_a, ref_b))
    fabric |= far_from(a_star, b_star, (ref_a, ref_b), COVER_AWAY)
    pale = (lightness > np.float32(level + COVER_LIGHTER)).view(np.uint8)
    size = max(3, round(COVER_PALE_AREA * eye_distance) | 1)
    fabric |= cv2.morphologyEx(pale, cv2.MORPH_OPEN, np.ones((size, size), np.uint8)).view(bool)
    covering = zone & fabric
    # fabric comes in from the face's edge: a patch of the forehead that does not reach the
    # edge band (a highlight, a birthmark) is skin
    count, labels = cv2.connectedComponents(covering.view(np.uint8), connectivity=8)
    keep = np.zeros(count, dtype=bool)
    keep[labels[covering & ~inner]] = True  # every patch that reaches the edge band
    keep[0] = False  # what is not fabric
    covering = keep[labels]
    if np.count_nonzero(covering & forehead) < COVERED_SHARE * np.count_nonzero(forehead):
        return None
    return covering


def most_fabric(
    planes: dict[int, np.ndarray],
    forehead: np.ndarray,
    reference: tuple[float, float, float],
    sigma: float,
) -> int | None:
    """At least as many pixels of the `forehead` as `covering_mask` could keep as fabric there:
    a bound, not an estimate, so that below COVERED_SHARE of the forehead it returns None
    without the whole test. The fabric it keeps on the forehead is within the forehead's pixels
    whose smoothed a*, b* have a covering's colour against the middle of the face or lie
    COVER_AWAY from it, or whose
    smoothed L* is COVER_LIGHTER above it (the opening and the patches that reach the edge band
    only take pixels away). Those are read here on the forehead's box grown by the blur's reach
    (`filters.blur_reach`): the same kernel over the same pixels as the whole crop's blur, on
    about 30 % of its pixels (on the London faces the box's blurs equal the whole crop's to the
    bit, all 201 with a forehead). The tests are looser by COVER_MARGIN (L* or a*, b* units),
    far more than any float rounding of a blur could move a value, so the count is never below
    the one on the whole crop's blur. None above LARGE_SIGMA, where `blur` shrinks the image (a
    box's blur is no longer the same): no bound, and the whole test runs."""
    if sigma >= LARGE_SIGMA:
        return None
    box = mask_box(forehead, blur_reach(sigma))
    if box is None:
        return 0
    level, ref_a, ref_b = reference
    lightness, a_star, b_star = (
        blur(np.ascontiguousarray(planes[axis][box]), sigma) for axis in (0, 1, 2)
    )
    loose = 1.0 - COVER_MARGIN / OFF_COLOUR_AB  # AB - MARGIN; DROP - 0.6 MARGIN
    found = off_colour(a_star, b_star, (ref_a, ref_b), loose)
    found |= lightness > np.float32(level + COVER_LIGHTER - COVER_MARGIN)
    found |= far_from(a_star, b_star, (ref_a, ref_b), COVER_AWAY - COVER_MARGIN)
    found &= forehead[box]
    return int(np.count_nonzero(found))
