"""The dark circles detector's measurement: how much less light the under-eye skin returns than
the cheek below it, read against the person's own skin texture, so that normal skin reads alike
on any tone.

The contrast is taken on `FaceImage.weber` (the median under-eye against the median cheek: an
under-eye that returns a given share less light reads the same contrast on any skin; in L* the
same share reads (L* + 16) / 3 x that share, half as much on skin of L* 30 as of L* 76), and
divided by the fine texture of the cheeks (`filters.fine_texture`, as the lines detector
does), relative to DARK_CIRCLES_NOISE. In these photos darker skin shows about twice the
relative texture and shading contrast of light skin (sheen is a larger share of its light), and
the smile's shading under the eye grows with it; the plain Weber contrast followed the Monk tone
more than ΔL* did (partial Spearman +0.31 on the smiling London photos against +0.25).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import fine_texture
from metskin.domain.analysis.lines import TEXTURE_SAMPLE

# The median fine_texture (weber units, 2 % of the eye distance) of the cheeks over the 204
# London photos (bench/concern_tone_bench.py): a face with this texture reads its plain Weber
# contrast, which equals ΔL* on skin of L* 65.
DARK_CIRCLES_NOISE = 0.87
MIN_PIXELS = 30
SIDES = ("right", "left")


@dataclass(frozen=True)
class UnderEyes:
    contrast: dict[str, float]  # per side: cheek minus under-eye, weber units x the gain
    cheek: dict[str, float]  # per side: the cheek's median (weber units)
    delta_l_star: dict[str, float]  # per side: the same in L*, for the record
    gain: float  # DARK_CIRCLES_NOISE / the texture
    texture: float


def under_eye_contrast(face: FaceImage) -> UnderEyes:
    weber, usable = face.weber(), face.masks["usable"]
    cheeks = (face.region("cheek_right") | face.region("cheek_left")) & usable
    texture = fine_texture(weber, cheeks, 0.02 * face.eye_distance, sample=TEXTURE_SAMPLE)
    gain = DARK_CIRCLES_NOISE / max(texture, 0.25 * DARK_CIRCLES_NOISE)
    contrast, cheek_level, delta_l = {}, {}, {}
    for side in SIDES:
        under = face.region(f"under_eye_{side}") & usable
        cheek = face.region(f"cheek_{side}") & usable
        if np.count_nonzero(under) < MIN_PIXELS or np.count_nonzero(cheek) < MIN_PIXELS:
            continue
        cheek_level[side] = float(np.median(weber[cheek]))
        contrast[side] = gain * (cheek_level[side] - float(np.median(weber[under])))
        lightness = face.lightness
        delta_l[side] = float(np.median(lightness[cheek]) - np.median(lightness[under]))
    return UnderEyes(contrast, cheek_level, delta_l, gain, texture)
