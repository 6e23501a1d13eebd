"""The measured face: white-balanced CIELAB crop, region masks and the usable-pixel mask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.colour import lab_image
from metskin.domain.analysis.covering import (
    MIN_REFERENCE_PIXELS,
    chroma_scale,
    covering_mask,
    median_ab,
    off_colour,
    off_colour_at,
)
from metskin.domain.analysis.filters import (
    blur,
    blur_mask,
    disk,
    mask_box,
    masked_blur,
    median_in_place,
    robust_stats,
    weber_lightness,
)
from metskin.domain.analysis.stubble import stubble_mask

WEBER_REFERENCE_L = 65.0  # relative measures read one L* per step of light on skin of this L*

SPECULAR_MIN_DL = 10.0  # a highlight is this much (or 2.5 sigma) brighter than the median skin
SHADOW_MIN_DL = 14.0  # a shadow is this much (or 3 sigma) darker, on a blurred map
HAIR_MIN_DL = 15.0
# A pixel darker than this share of the cheeks', nose's and chin's median L* (skin no hood,
# scarf or hat reaches) and without skin's colour (chroma under FABRIC_MAX_CHROMA, or blue:
# b* < 0) is hair or fabric wherever the skin's own spread puts the hair's threshold. A dark
# fabric filling a quarter of the skin mask had inflated that spread until the threshold fell
# below zero, and the fabric was read as skin (docs/benchmarks.md, "A black or navy hood's
# fabric"). Skin in deep shade keeps its hue: at 1/8 of the light its chroma halves (about
# 6-10), so a face half in shade is not cut at its dark edge.
HAIR_FLOOR_SHARE = 0.35
FABRIC_MAX_CHROMA = 4.0
# Hair over the forehead (a fringe; `fringe_mask`). HAIR_MIN_DL (or 3 sigma) below the face's
# median misses it: on light skin the fringe itself widens sigma (face 003: 3 sigma = 41 L*,
# its light-brown fringe 20-30 below the skin), and on dark skin dark hair is only 10-19 L*
# below it. A fringe is skin-mask pixels above the brows with FRINGE_STOPS less light than the
# skin from the brows to the eyes' middle (which neither a fringe nor a face mask reaches), in
# patches thicker than FRINGE_THICK that touch the top of the face's outline between the eyes
# (temple hair, and shade or wrinkles joined to it, touch it at the sides), with the strands
# hanging from them (FRINGE_STRANDS deep) and their soft edge (FRINGE_GROW). It counts only when
# it covers FRINGE_MIN_SHARE of the forehead between the brows' inner ends (London photos
# without a fringe: 0; the astronaut's shaded forehead 0.04; painted fringes 0.27 and up); a
# forehead more than FRINGE_COVERS under it is not read at all. The thresholds are in eye
# distances. docs/benchmarks.md, "A fringe read as forehead skin".
FRINGE_STOPS = 1.5
FRINGE_THICK = 0.02
FRINGE_STRANDS = 0.35
FRINGE_GROW = 0.03
FRINGE_MIN_SHARE = 0.15
FRINGE_COVERS = 0.6
BROW_INNER = (107, 336)  # the face mesh's inner ends of the brows
LOCAL_SCALE = 0.1
LOCAL_MIN_DL = 8.0
LOCAL_SIGMAS = 3.0


@dataclass(frozen=True, eq=False)
class FaceImage:
    rgb: np.ndarray  # uint8 crop
    lab: np.ndarray  # float32 white-balanced CIELAB of the crop
    masks: dict[str, np.ndarray]  # regions, unions, face, skin, specular, shadow, hair, usable
    eye_distance: float  # in crop pixels
    gains: np.ndarray
    _regions: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _areas: dict[str, int] = field(default_factory=dict, repr=False)
    _planes: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _derived: dict[Any, np.ndarray] = field(default_factory=dict, repr=False)

    def derived(self, key: Any, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """A map several detectors use (e.g. a local contrast), computed once per face."""
        found = self._derived.get(key)
        if found is None:
            found = compute()
            found.setflags(write=False)  # shared by the detectors: none may change it
            self._derived[key] = found
        return found

    def mask_blur(self, mask: str, sigma: float) -> np.ndarray:
        """masks[mask] blurred at `sigma`: the norm of every masked blur over that mask."""
        return self.derived(("norm", mask, sigma), lambda: blur_mask(self.masks[mask], sigma))

    def region(self, name: str) -> np.ndarray:
        """Skin of region `name` without hair (computed once per face)."""
        found = self._regions.get(name)
        if found is None:
            found = self.masks[name] & self.masks["skin"] & ~self.masks["hair"]
            self._regions[name] = found
        return found

    def area(self, name: str) -> int:
        """Pixel count of `region(name)`."""
        found = self._areas.get(name)
        if found is None:
            found = int(np.count_nonzero(self.region(name)))
            self._areas[name] = found
        return found

    def plane(self, channel: int) -> np.ndarray:
        """One CIELAB channel as a contiguous array (computed once per face): filters and
        masked reads of a contiguous plane are several times faster than of a strided view."""
        found = self._planes.get(channel)
        if found is None:
            found = np.ascontiguousarray(self.lab[..., channel])
            self._planes[channel] = found
        return found

    @property
    def lightness(self) -> np.ndarray:
        return self.plane(0)

    def weber(self) -> np.ndarray:
        """`filters.weber_lightness` of the crop at WEBER_REFERENCE_L (computed once per face):
        a darkening that takes the same share of the light is the same step on any skin."""
        return self.derived("weber", lambda: weber_lightness(self.lightness, WEBER_REFERENCE_L))

    def values(self, channel: int, region: str = "usable") -> np.ndarray:
        return self.plane(channel)[self.masks[region] & self.masks["usable"]]


def build_face_image(
    crop: np.ndarray, points: np.ndarray, masks: dict[str, np.ndarray], gains: np.ndarray
) -> FaceImage:
    """`points` are crop-space landmarks; adds the specular, shadow, hair and usable masks."""
    lab = lab_image(crop, gains)
    planes = dict(enumerate(cv2.split(lab)))
    eye_distance = max(lm.eye_distance(points), 8.0)
    masks = dict(masks)
    # the forehead and the skin as the landmarks place them, before a covering is taken out:
    # how much of them the tone sees (`tone.hidden_shares`)
    masks["forehead_area"], masks["skin_area"] = masks["forehead"], masks["skin"]
    # the skin's blurred mask at the highlights' scale: kept for the detectors (shine's
    # surround blurs the same mask at the same sigma)
    sigma = eye_distance * LOCAL_SCALE
    norm = blur_mask(masks["skin"], sigma)
    norm.setflags(write=False)
    inner = masks["cheek_right"] | masks["cheek_left"] | masks["nose"] | masks["chin"]
    masks.update(
        unusable_masks(planes, masks["skin"], masks["face"], eye_distance, norm, inner=inner)
    )
    masks["hair"] = masks["hair"] | fringe_mask(planes[0], masks, points, eye_distance)
    hair = masks["hair"]
    masks["hair"] = hair | beard_mask(planes, masks, points)
    covering = covering_mask(planes, masks, points, eye_distance)
    if covering is not None:  # a headscarf: its fabric is not skin (nor any region's)
        # the beard's reference is the forehead, which was the fabric: a red hood's read the
        # whole lower face as a beard (docs/benchmarks.md, "What moves the tone under a hood")
        bare = {**masks, "forehead": masks["forehead"] & ~covering}
        masks["hair"] = hair | beard_mask(planes, bare, points)
        for name in ("skin", *lm.REGIONS, *lm.UNIONS, "specular", "shadow", "hair"):
            masks[name] = masks[name] & ~covering
        masks["covering"] = covering
    masks["usable"] = masks["skin"] & ~masks["specular"] & ~masks["shadow"] & ~masks["hair"]
    masks["stubble"] = stubble_mask(planes[0], masks, points, eye_distance)
    derived: dict[Any, np.ndarray] = {("norm", "skin", sigma): norm}
    return FaceImage(crop, lab, masks, eye_distance, gains, _planes=planes, _derived=derived)


def beard_mask(
    planes: dict[int, np.ndarray], masks: dict[str, np.ndarray], points: np.ndarray
) -> np.ndarray:
    """Hair below the nose that is not dark (a grey or fair beard), which `hair_mask` (dark
    patches) misses: when the chin's skin as a whole has a covering's colour against the
    forehead's (`off_colour_at` of their medians), the pixels below the nose that have it too.
    Read as skin, a planted grey beard moved ITA by a median 20 deg. Pixels are held to the
    full distances unless lighter than the forehead: on skin of little chroma, shade and stubble
    come within the scaled distances too (on London's darkest faces, 5 900-11 800 of their
    10 000-16 000 skin pixels below the nose), but they are darker than the forehead, while a
    grey beard over dark skin is lighter (L* 61 against 31)."""
    skin = masks["skin"]
    a_star, b_star = planes[1], planes[2]
    # the forehead's skin, not hair or dark fabric over it: none seen, no reference
    own = masks["forehead"] & ~masks["hair"]
    reference = median_ab(a_star, b_star, own)
    chin = median_ab(a_star, b_star, masks["chin"])
    if reference is None or chin is None:
        return np.zeros_like(skin)
    if not off_colour_at(chin, reference):
        return np.zeros_like(skin)
    below = np.zeros_like(skin)
    below[max(0, int(np.ceil(points[lm.SUBNASALE, 1]))) :] = True
    lighter = planes[0] >= median_in_place(planes[0][own])
    scaled = off_colour(a_star, b_star, reference, chroma_scale(reference)) & lighter
    return skin & below & (off_colour(a_star, b_star, reference) | scaled)


def unusable_masks(
    planes: dict[int, np.ndarray],
    skin: np.ndarray,
    face: np.ndarray,
    eye_distance: float,
    norm: np.ndarray | None = None,
    inner: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Specular, shadow and hair masks from the L*, a*, b* planes; `norm` is `skin` blurred at
    eye_distance * LOCAL_SCALE, when the caller has it; `inner`, the regions no covering
    reaches (cheeks, nose, chin), for the fabric that is dark whatever the skin (`_fabric`)."""
    lightness = planes[0]
    chroma = cv2.magnitude(planes[1], planes[2])  # np.hypot's values within 1 ulp, 20x faster
    median_l, sigma_l = robust_stats(lightness[skin])
    median_c, _ = robust_stats(chroma[skin])
    specular = skin & (lightness > median_l + max(SPECULAR_MIN_DL, 2.5 * sigma_l))
    specular &= chroma < median_c
    specular |= local_highlights(lightness, chroma, skin, eye_distance, norm)
    smooth = blur(lightness, eye_distance / 8)
    shadow = skin & (smooth < median_l - max(SHADOW_MIN_DL, 3.0 * sigma_l))
    return {
        "specular": specular,
        "shadow": shadow,
        "hair": hair_mask(
            lightness,
            skin,
            face,
            (median_l, sigma_l),
            eye_distance,
            _fabric(planes, chroma, skin, inner),
        ),
    }


def _fabric(
    planes: dict[int, np.ndarray], chroma: np.ndarray, skin: np.ndarray, inner: np.ndarray | None
) -> np.ndarray | None:
    """Pixels too dark and without skin's colour to be skin (HAIR_FLOOR_SHARE of the median
    L* of `inner` skin, FABRIC_MAX_CHROMA); None without enough `inner` skin."""
    values = planes[0][skin & inner] if inner is not None else None
    if values is None or len(values) < MIN_REFERENCE_PIXELS:
        return None
    dark = planes[0] < HAIR_FLOOR_SHARE * median_in_place(values)
    return dark & ((chroma < FABRIC_MAX_CHROMA) | (planes[2] < 0.0))


def local_highlights(
    lightness: np.ndarray,
    chroma: np.ndarray,
    skin: np.ndarray,
    eye_distance: float,
    norm: np.ndarray | None = None,
) -> np.ndarray:
    """Shine: skin brighter than its own surround (scale LOCAL_SCALE of the eye distance) by
    LOCAL_MIN_DL or LOCAL_SIGMAS robust sigmas of that difference, and less saturated than the
    surround. The face's shading makes the L* spread large, so a global cut misses most shine."""
    if norm is None:
        norm = blur_mask(skin, eye_distance * LOCAL_SCALE)
    surround = masked_blur(lightness, skin, eye_distance * LOCAL_SCALE, norm)
    lift = lightness - surround
    _, sigma = robust_stats(lift[skin])
    found = skin & (lift > max(LOCAL_MIN_DL, LOCAL_SIGMAS * sigma))
    found &= chroma < masked_blur(chroma, skin, eye_distance * LOCAL_SCALE, norm)
    return found


def hair_mask(
    lightness: np.ndarray,
    skin: np.ndarray,
    face: np.ndarray,
    stats: tuple[float, float],
    eye_distance: float,
    fabric: np.ndarray | None = None,
) -> np.ndarray:
    """Dark patches that touch the outline of the face (fringe, sideburns, beard); `fabric`,
    pixels that are dark whatever the skin's spread (`_fabric`)."""
    median_l, sigma_l = stats
    dark = skin & (lightness < median_l - max(HAIR_MIN_DL, 3.0 * sigma_l))
    if fabric is not None:
        dark |= skin & fabric
    dark = cv2.morphologyEx(dark.view(np.uint8), cv2.MORPH_CLOSE, disk(2)).view(bool) & skin
    return touching_rim(dark, face, eye_distance)


def touching_rim(
    dark: np.ndarray, face: np.ndarray, eye_distance: float, columns: slice | None = None
) -> np.ndarray:
    """The connected patches of `dark` that touch the rim of `face` (6 % of the eye distance),
    or only the rim within `columns`."""
    hair = np.zeros_like(dark)
    inner = mask_box(dark)
    if inner is None:
        return hair
    # the rim is only read at dark pixels: erode the face on their box grown by the disk
    # radius (the same values there as eroding the whole crop), label inside the box alone
    radius = max(1, round(eye_distance * 0.06))
    outer = mask_box(dark, radius)
    assert outer is not None
    eroded = np.zeros_like(dark)
    eroded[outer] = cv2.erode(face[outer].view(np.uint8), disk(radius)).view(bool)
    dark, rim = dark[inner], face[inner] & ~eroded[inner]
    if columns is not None:  # the rim outside `columns` does not count (box coordinates)
        left = inner[1].start
        rim[:, : max(0, columns.start - left)] = False
        rim[:, max(0, columns.stop - left) :] = False
    _, labels = cv2.connectedComponents(dark.view(np.uint8), connectivity=8)
    keep = np.zeros(int(labels.max()) + 1, dtype=bool)
    keep[labels[rim & dark]] = True  # every dark component that touches the rim
    keep[0] = False  # the background
    hair[inner] = keep[labels]
    return hair


def fringe_mask(
    lightness: np.ndarray, masks: dict[str, np.ndarray], points: np.ndarray, eye_distance: float
) -> np.ndarray:
    """Hair over the forehead (see FRINGE_STOPS): dark patches above the brows that hang from
    the top of the face's outline, with their strands and soft edge, and the skin they cut off;
    the whole forehead when it is mostly under them; nothing when they barely reach its
    middle."""
    skin = masks["skin"]
    brows = points[list(lm.EXCLUDED["brow_right"] + lm.EXCLUDED["brow_left"]), 1]
    bottom = min(skin.shape[0], max(0, int(np.ceil(brows.max()))))
    found = np.zeros_like(skin)
    if bottom == 0 or not skin[:bottom].any():
        return found
    # the skin from the brows to the eyes' middle (temples, the root of the nose) is the
    # reference: neither a fringe nor a face mask reaches it, while either would move the whole
    # face's median
    lids = float(np.mean(points[list(lm.RIGHT_LIDS + lm.LEFT_LIDS), 1]))  # the eyes' middle
    beside = skin & ~masks["hair"]
    beside[:bottom] = False
    beside[min(skin.shape[0], int(np.ceil(lids))) :] = False
    if np.count_nonzero(beside) < MIN_REFERENCE_PIXELS:
        return found
    upper = skin[:bottom]
    light = ((median_in_place(lightness[beside]) + 16.0) / 116.0) ** 3 * 2.0**-FRINGE_STOPS
    cut = np.float32(116.0 * np.cbrt(light) - 16.0)  # the L* of that much less light
    dark = upper & (lightness[:bottom] < cut)
    dark = cv2.morphologyEx(dark.view(np.uint8), cv2.MORPH_CLOSE, disk(2)).view(bool) & upper
    # opened: a dark line (a wrinkle) is thinner than the disk, a fringe is not
    thick = max(1, round(eye_distance * FRINGE_THICK))
    bulk = cv2.morphologyEx(dark.view(np.uint8), cv2.MORPH_OPEN, disk(thick)).view(bool)
    # a fringe hangs over the top of the face between the eyes; hair at the temples, and dark
    # lines or shade joined to it, touch the outline only at the sides
    eyes = sorted(float(points[index, 0]) for index in (lm.RIGHT_LIDS[0], lm.LEFT_LIDS[0]))
    between = slice(max(0, int(eyes[0])), max(0, int(np.ceil(eyes[1]))))
    hair = touching_rim(bulk, np.ascontiguousarray(masks["face"][:bottom]), eye_distance, between)
    if not hair.any():
        return found
    # the loose strands hanging from it: the dark pixels below it, joined to it, FRINGE_STRANDS
    # deep at most (each step one row down, so a dark line across the forehead is not followed)
    step = np.array([[1, 1, 1], [0, 1, 0], [0, 0, 0]], np.uint8)
    for _ in range(round(eye_distance * FRINGE_STRANDS)):
        hair = cv2.dilate(hair.view(np.uint8), step).view(bool) & dark
    grown = cv2.dilate(hair.view(np.uint8), disk(max(1, round(eye_distance * FRINGE_GROW))))
    hair = grown.view(bool) & upper
    # skin above the brows that the hair cuts off from the skin below them is the hair's sheen
    _, labels = cv2.connectedComponents((upper & ~hair).view(np.uint8), connectivity=8)
    keep = np.zeros(int(labels.max()) + 1, dtype=bool)
    keep[labels[-2:]] = True
    keep[0] = False  # the hair itself, and what is not skin
    found[:bottom] = upper & ~keep[labels]
    forehead = masks["forehead"]
    middle = np.zeros_like(forehead)
    left, right = sorted(float(points[index, 0]) for index in BROW_INNER)
    middle[:, max(0, int(left)) : max(0, int(np.ceil(right)))] = True
    middle &= forehead
    if np.count_nonzero(found & middle) < FRINGE_MIN_SHARE * np.count_nonzero(middle):
        return np.zeros_like(skin)  # hair at the temples, or shade: as `hair_mask` reads it
    if np.count_nonzero(found & forehead) > FRINGE_COVERS * np.count_nonzero(forehead):
        found |= forehead  # what shows between the strands is too little to read
    return found
