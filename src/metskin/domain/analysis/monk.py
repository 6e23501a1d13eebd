"""Monk Skin Tone from the measured skin colour: a calibrated, monotone map of ITA.

The ten Monk swatches are display colours, not photographs of skin: Monk 1-4 have L* 88-94,
lighter than any skin a camera records, and Monk 9-10 have L* 15-21 and b* 4-6, darker and
greyer than any. Photographed skin (and skin measured with a colorimeter) spans a narrower
range, so the nearest swatch in CIELAB put every London Set face into Monk 5-8.

Each swatch has an ITA (83 deg for Monk 1 down to -84 deg for Monk 10). The measured ITA is
first expanded by a photographic calibration, tan(ITA') = GAIN * tan(ITA) + OFFSET, which is
the same as moving the measured colour to L*' = 50 + s * (GAIN * (L* - 50) + OFFSET * b*),
b*' = s * b*, and the Monk position is then ITA' interpolated linearly between the swatches'
ITAs. Both steps are monotone, so a higher ITA never gets a darker Monk tone.

GAIN and OFFSET (with the chroma scale s, which does not change the tone) were fitted by
`bench/analysis_bench.py --calibrate-monk`: they bring the London Set faces' measured (L*, b*)
closest (median distance) to the polyline through the ten swatches. That needs no label: the
self-reported ethnic group is not used to fit, only to check the result afterwards. Two-fold
cross-validation (odd / even face ids) gives the held-out figures in docs/benchmarks.md. The
London Set is CC BY 4.0; no other data set was used.

Limits: one studio, one camera, 102 people; the fit assumes the scale's swatches lie along
the skin colour locus once the photo's tone curve is undone, which holds for ITA but not for
the swatches' a* (left out of the fit). A photo with a different exposure moves ITA, and so
the Monk tone, just as it moves the measured skin colour (see quality.py for the exposure
gate).
"""

from __future__ import annotations

import math

import numpy as np

from metskin.domain.analysis.colour import MONK_LAB

# Refitted after the white balance began to trust a gray studio wall in full (the London faces'
# measured colour moved by about R +2.6 %, B -1.3 %): 1.05 / 0.75 before.
GAIN = 1.20
OFFSET = 0.70
MAX_ITA = 89.9  # tan is taken of ITA clipped to this

SWATCH_ITA = np.degrees(np.arctan2(MONK_LAB[:, 0] - 50.0, MONK_LAB[:, 2]))  # 83 .. -84 deg


def calibrated_ita(ita: float, gain: float = GAIN, offset: float = OFFSET) -> float:
    """The measured ITA moved onto the swatches' ITA axis (monotone increasing in `ita`)."""
    clipped = math.radians(max(-MAX_ITA, min(MAX_ITA, ita)))
    return math.degrees(math.atan(gain * math.tan(clipped) + offset))


def monk_position(ita: float, gain: float = GAIN, offset: float = OFFSET) -> float:
    """Continuous Monk position, 1.0 (lightest) .. 10.0 (darkest), of a measured ITA."""
    moved = calibrated_ita(ita, gain, offset)
    return float(np.interp(-moved, -SWATCH_ITA, np.arange(1.0, 11.0)))


def monk_tone(ita: float, gain: float = GAIN, offset: float = OFFSET) -> int:
    """The Monk tone (1..10) of a measured ITA: the nearest whole position."""
    return int(min(10, max(1, math.floor(monk_position(ita, gain, offset) + 0.5))))
