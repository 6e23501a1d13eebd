"""A shaded forehead: the brim of a cap or a hat (or a visor) keeps the light off the top of
the face while the cheeks and chin stay lit.

The tone is the colour of the lit band of all the usable skin (`tone.BAND`), and on a frontal
photo the forehead is most of that band's brightest skin. In its shade the band slid onto the
cheeks' darker pixels: copies of the London faces with the light cut to half above the brows
read ITA a median 6.9 deg darker (up to 24), with no word about the light.

`forehead_shade` compares the forehead's median linear luminance with that of the cheeks and
chin (all their skin but highlights and hair, so that skin dark enough to count as shadow
still counts). On the 204 London photos as taken the forehead usually has more light (the
studio light is above the camera); it has 0.45 stop less on one (a black man's, smiling), and
about 0.3 or less on the rest. Its colour is the lower face's: a forehead darker by its own
pigment looks like a shaded one, so the cut leaves a margin above that face rather than
catching a brim's half stop. From TOP_SHADE[0] the tone moves towards the colour of the skin
below the eyes alone, fully at TOP_SHADE[1] (`tone.lean_share`), and the result says why
(FOREHEAD_SHADE, a warning: `engine.lean_issues`). Figures: docs/benchmarks.md, "A cap's brim".
"""

from __future__ import annotations

import math

import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import median_in_place

TOP_SHADE = (0.6, 0.9)
MAX_PIXELS = 4000
MIN_PIXELS = 50
LOWER = ("cheek_right", "cheek_left", "chin")


def region_light(face: FaceImage, names: tuple[str, ...]) -> float | None:
    """Median linear luminance of the skin of regions `names` (without hair or highlights),
    evenly subsampled; None with too few pixels."""
    mask = face.region(names[0]).copy()
    for name in names[1:]:
        mask |= face.region(name)
    chosen = np.flatnonzero(mask & ~face.masks["specular"])
    if len(chosen) < MIN_PIXELS:
        return None
    chosen = chosen[:: math.ceil(len(chosen) / MAX_PIXELS)]
    linear = colour.srgb_to_linear(face.rgb.reshape(-1, 3)[chosen])
    luminance = np.ascontiguousarray(linear @ colour.LUMA)
    return median_in_place(luminance)


def forehead_shade(face: FaceImage) -> float | None:
    """How much less light the forehead has than the cheeks and chin (stops; negative when it
    has more); None when either cannot be read (a fringe over the whole forehead)."""
    top, below = region_light(face, ("forehead",)), region_light(face, LOWER)
    if top is None or below is None or top <= 0.0 or below <= 0.0:
        return None
    return math.log2(below / top)


def lower_face(face: FaceImage, chosen: np.ndarray) -> np.ndarray:
    """Which pixels of `chosen` (flat indices) lie below the top of the cheeks: the skin a
    brim's shade leaves lit."""
    width = face.masks["skin"].shape[1]
    rows = np.flatnonzero((face.masks["cheek_right"] | face.masks["cheek_left"]).any(axis=1))
    top = int(rows[0]) if len(rows) else face.masks["skin"].shape[0] // 2
    return (chosen // width) >= top
