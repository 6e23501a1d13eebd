"""Per-region deltas between two analyses of the same person, called a change only outside the
noise band (`noise_band.BANDS`, estimated from same-visit pairs of the London Set).

Every concern score (0..100, higher is worse) is compared for the whole face and per region;
tone is compared as ITA (degrees, higher is lighter) for the whole face and per region, from
the regions' median CIELAB stored with the result (`capture.region_lab`)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from metskin.domain.analysis import colour
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.progress.noise_band import BANDS, MIN_BAND

TONE = "tone"  # the pseudo-concern of ITA
FACE = "face"  # the whole-face value of a concern


class Change(enum.Enum):
    NO_CHANGE = "NO_CHANGE"  # inside the noise band
    INCREASED = "INCREASED"  # a concern: worse; tone: lighter
    DECREASED = "DECREASED"  # a concern: better; tone: darker


@dataclass(frozen=True)
class RegionDelta:
    concern: str  # a concern name, or "tone"
    region: str  # a region name, or "face"
    before: float
    after: float
    band: float  # a change is called only when |after - before| > band

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def change(self) -> Change:
        if abs(self.delta) <= self.band:
            return Change.NO_CHANGE
        return Change.INCREASED if self.delta > 0 else Change.DECREASED


def readings(readout: ResultReadout) -> dict[tuple[str, str], float]:
    """(concern, region) -> value, for everything the result measured."""
    found: dict[tuple[str, str], float] = {}
    for name, concern in readout.concerns.items():
        found[(name, FACE)] = concern.score
        for region, score in concern.regions.items():
            found[(name, region)] = score
    if readout.tone is not None and readout.tone.ita is not None:
        found[(TONE, FACE)] = readout.tone.ita
    if readout.capture is not None:
        for region, (lightness, _, b_star) in readout.capture.region_lab.items():
            found[(TONE, region)] = colour.ita_deg(lightness, b_star)
    return {key: value for key, value in found.items() if math.isfinite(value)}


def band_for(concern: str, region: str) -> float:
    return BANDS.get(concern, {}).get(region, MIN_BAND.get(concern, MIN_BAND["default"]))


def region_deltas(before: ResultReadout, after: ResultReadout) -> list[RegionDelta]:
    """Deltas of every (concern, region) both results measured, sorted by concern and region."""
    first, second = readings(before), readings(after)
    return [
        RegionDelta(concern, region, first[key], second[key], band_for(concern, region))
        for key in sorted(first.keys() & second.keys())
        for concern, region in [key]
    ]
