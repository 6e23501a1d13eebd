"""The dark circles detector's measurement: how much less light the under-eye skin returns than
the upper cheek next to it, less the shading that this face's relief casts there, so that normal
skin reads alike on any tone and a darkening of a given share of the light reads the same on
every tone.

Both levels are read on `FaceImage.weber` (about 27 x the natural log of the light: an
under-eye that returns a given share less light reads the same step on any skin; 30 % less is
9.6 units). The under-eye's level is its 80th percentile: the lid's fold, lash shadows and
creases are its darker pixels, while a pigment (or planted) darkening lowers all of it. The
reference is the median of the upper half of the same side's cheek, the part nearest the
under-eye, which a smile raises and shades together with it. In these photos darker skin shows
about twice the relative shading of light skin (the cheeks' robust spread in Weber units: 6 on
M1-3, 15 on M6-10) and a smile deepens the under-eye's share of it most on darker skin, so the
level the under-eye of normal skin reaches is lowered by SHADING_SHARE of the cheeks' spread
(a subtraction: a real darkening still reads its full depth on every tone; the old gain by the
fine texture halved it on darker skin). docs/benchmarks.md, "Dark circles across skin tones,
second pass", has the measurements and what was tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import median_in_place, percentiles_in_place, robust_stats

# The under-eye's level: this percentile of its usable Weber lightness (creases are darker).
UNDER_EYE_PERCENTILE = 80
# Normal relief shades the under-eye by this share of the cheeks' robust spread (Weber units)
# beyond SHADING_FREE_SPREAD; both from the 204 London photos (bench/concern_tone_bench.py):
# partial Spearman with Monk (age controlled) -0.07 neutral, +0.09 smiling.
SHADING_SHARE = 0.3
SHADING_FREE_SPREAD = 13.2  # the median spread (7.6) plus the free margin (1.67 / 0.3)
# Score units per Weber unit: concerns.dark_circles scores (contrast - 2) / 12, so a contrast
# of CONTRAST_GAIN x (the darkening below the expected level) starts at 0 and reaches 100 at
# 10 Weber units (a darkening of about 31 % of the light below the expected level).
CONTRAST_GAIN = 1.2
MIN_PIXELS = 30
SIDES = ("right", "left")


@dataclass(frozen=True)
class UnderEyes:
    contrast: dict[str, float]  # per side: (expected level - under-eye level) x the gain
    cheek: dict[str, float]  # per side: the level a normal under-eye reaches (weber units)
    delta_l_star: dict[str, float]  # per side: cheek's median minus under-eye's in L*, a record
    gain: float  # CONTRAST_GAIN: score units per weber unit
    texture: float  # the cheeks' robust spread of Weber lightness (their shading and texture)


def upper_half(mask: np.ndarray) -> np.ndarray:
    """The rows of `mask` above its median row (the part of the cheek nearest the eye)."""
    rows = np.flatnonzero(mask) // mask.shape[1]  # np.nonzero(mask)[0], without the columns
    upper = mask.copy()
    upper[int(median_in_place(rows)) :] = False  # the row indices are a fresh array
    return upper


def under_eye_contrast(face: FaceImage) -> UnderEyes:
    weber, usable = face.weber(), face.masks["usable"]
    cheeks = (face.region("cheek_right") | face.region("cheek_left")) & usable
    spread = robust_stats(weber[cheeks])[1] if np.count_nonzero(cheeks) else 0.0
    allowance = SHADING_SHARE * (spread - SHADING_FREE_SPREAD)
    contrast, expected, delta_l = {}, {}, {}
    for side in SIDES:
        under = face.region(f"under_eye_{side}") & usable
        cheek = face.region(f"cheek_{side}") & usable
        if np.count_nonzero(under) < MIN_PIXELS or np.count_nonzero(cheek) < MIN_PIXELS:
            continue
        upper = upper_half(cheek)
        if np.count_nonzero(upper) < MIN_PIXELS:
            continue
        # the gathers are copies, so their in-place order statistics leave the maps alone
        expected[side] = median_in_place(weber[upper]) - allowance
        level = percentiles_in_place(weber[under], (UNDER_EYE_PERCENTILE,))[0]
        contrast[side] = CONTRAST_GAIN * (expected[side] - level)
        lightness = face.lightness
        # subtracted in L*'s float32, as np.median's scalars were
        cheek_l, under_l = (
            lightness.dtype.type(median_in_place(lightness[part])) for part in (cheek, under)
        )
        delta_l[side] = float(cheek_l - under_l)
    return UnderEyes(contrast, expected, delta_l, CONTRAST_GAIN, spread)
