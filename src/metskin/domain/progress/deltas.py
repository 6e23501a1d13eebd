"""Per-region deltas between two analyses of the same person, called a change only outside the
noise band (`noise_band.BANDS`, estimated from same-visit pairs of the London Set).

Every concern score (0..100, higher is worse) is compared for the whole face and per region;
tone is compared as ITA (degrees, higher is lighter) for the whole face and per region, from
the regions' median CIELAB stored with the result (`capture.region_lab`).

Colour is normalised between visits on stable references before tone is compared: the whites
of the eyes (`capture.sclera_level`) checked against the skin's exposure (`exposure_ratio`).
White balance already takes out the colour of the light; what is left is the exposure, which
moves L* and so ITA by tens of degrees for a dimmer room. The later photo's region colours are
relit by that ratio (at most MAX_EXPOSURE_STOPS), so a pure light change reads as no change
while a real change of the skin against the eyes still shows. When either photo has no sclera
reading (small or closed eyes, results stored before), nothing is normalised and the
comparability's light factor says how far to trust the tone.

When one of the two photos is the other's mirror image (`mirror.mirrored`, told by the spots:
a front camera's selfie), the later photo's regions are read under the other side's name, so
that each region is compared with the same skin.

Whole-face concern scores are compared from one scorer (`face_scorers`): once a learned model
is live, a result shows the model's score and keeps the engine's beside it, so a result scored
by the model is compared with an older one by the engine on the engine's scores. Regions are
always the engine's. A result that does not keep the common scorer's score (stored by hand)
has its whole-face value shown as scored, and no change is called on it (`comparable`)."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from metskin.domain.analysis import colour, mirror
from metskin.domain.analysis.readout import ENGINE, ResultReadout
from metskin.domain.progress.noise_band import BANDS, MIN_BAND

TONE = "tone"  # the pseudo-concern of ITA
FACE = "face"  # the whole-face value of a concern
MAX_EXPOSURE_STOPS = 2.0  # a larger gap between the two references is not trusted further


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
    # False: scored by different scorers, or the photos may be of two people: no change called
    comparable: bool = True

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def change(self) -> Change:
        if not self.comparable or abs(self.delta) <= self.band:
            return Change.NO_CHANGE
        return Change.INCREASED if self.delta > 0 else Change.DECREASED


def _stops(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first - second


def exposure_ratio(reference: ResultReadout, later: ResultReadout) -> float:
    """The factor of light that brings `later`'s exposure to `reference`'s (1: unknown).

    Two references move with the light: the whites of the eyes (`sclera_level`, log2) and the
    skin itself before white balance (`raw_skin_l`). The eyes alone are noisy (a smile or a
    squint shows less sclera: up to 0.65 stops between two photos of one visit in the London
    Set), the skin alone would take a tan for a light change. So the change of light is the
    smaller of the two when they agree in direction, and none when they disagree: a pure
    light change moves both and is taken out; a tan moves the skin and not the eyes, and
    stays."""
    a, b = reference.capture, later.capture
    if a is None or b is None:
        return 1.0
    eyes = _stops(a.sclera_level, b.sclera_level)
    skin = None
    if a.raw_skin_l is not None and b.raw_skin_l is not None:
        skin = math.log2(_luminance(a.raw_skin_l) / _luminance(b.raw_skin_l))
    if eyes is None or skin is None or eyes * skin <= 0:
        return 1.0
    stops = math.copysign(min(abs(eyes), abs(skin), MAX_EXPOSURE_STOPS), eyes)
    return float(2.0**stops)


def _luminance(lightness: float) -> float:
    return max(_f_inverse((lightness + 16.0) / 116.0), 1e-6)


def _f_inverse(value: float) -> float:
    return value**3 if value > 6.0 / 29.0 else (value - 16.0 / 116.0) / 7.787


def _f(value: float) -> float:
    return math.cbrt(value) if value > 0.008856 else 7.787 * value + 16.0 / 116.0


def relit(lab: tuple[float, float, float], ratio: float) -> tuple[float, float, float]:
    """The CIELAB of the same surface under `ratio` times the light (XYZ scale with it)."""
    lightness, a_star, b_star = lab
    fy = (lightness + 16.0) / 116.0
    fx, fz = fy + a_star / 500.0, fy - b_star / 200.0
    x, y, z = (_f(_f_inverse(v) * ratio) for v in (fx, fy, fz))
    return 116.0 * y - 16.0, 500.0 * (x - y), 200.0 * (y - z)


def face_scorers(readouts: Iterable[ResultReadout]) -> dict[str, str]:
    """Per concern, whose whole-face scores compare `readouts`: the one scorer of them all, or
    the engine when they differ (a result scored by a model keeps the engine's score)."""
    found: dict[str, set[str]] = {}
    for readout in readouts:
        for name, concern in readout.concerns.items():
            found.setdefault(name, set()).add(concern.scored_by)
    return {name: by.pop() if len(by) == 1 else ENGINE for name, by in found.items()}


def unscored(readout: ResultReadout, scorers: Mapping[str, str]) -> dict[str, float]:
    """The whole-face scores, as shown, of the concerns `scorers` name a scorer for that did
    not score this result (and whose score it does not keep)."""
    return {
        name: concern.score
        for name, concern in readout.concerns.items()
        if concern.score_by(scorers.get(name, concern.scored_by)) is None
    }


def readings(
    readout: ResultReadout,
    exposure: float = 1.0,
    mirrored: bool = False,
    scorers: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], float]:
    """(concern, region) -> value, for everything the result measured; tone as if the photo
    had `exposure` times its light (see `exposure_ratio`); a `mirrored` photo's regions under
    the other side's name; whole-face scores by the scorer `scorers` names (the one shown by
    default), none for a concern that scorer did not score (`unscored`)."""
    side = mirror.other_side if mirrored else str
    found: dict[tuple[str, str], float] = {}
    for name, concern in readout.concerns.items():
        face = concern.score_by((scorers or {}).get(name, concern.scored_by))
        if face is not None:
            found[(name, FACE)] = face
        for region, score in concern.regions.items():
            found[(name, side(region))] = score
    shifts = []
    if readout.capture is not None:
        for region, lab in readout.capture.region_lab.items():
            lightness, _, b_star = relit(lab, exposure) if exposure != 1.0 else lab
            found[(TONE, side(region))] = colour.ita_deg(lightness, b_star)
            shifts.append(found[(TONE, side(region))] - colour.ita_deg(lab[0], lab[2]))
    if readout.tone is not None and readout.tone.ita is not None:
        # the whole-face ITA moves as its regions do under the same light
        finite = sorted(shift for shift in shifts if math.isfinite(shift))
        found[(TONE, FACE)] = readout.tone.ita + (finite[len(finite) // 2] if finite else 0.0)
    return {key: value for key, value in found.items() if math.isfinite(value)}


def band_for(concern: str, region: str) -> float:
    return BANDS.get(concern, {}).get(region, MIN_BAND.get(concern, MIN_BAND["default"]))


def photos_mirrored(before: ResultReadout, after: ResultReadout) -> bool | None:
    """Whether one photo is the other's mirror image (None: their spots cannot tell)."""
    return mirror.spots_mirrored(before.spots, after.spots)


def region_deltas(
    before: ResultReadout, after: ResultReadout, mirrored: bool = False
) -> list[RegionDelta]:
    """Deltas of every (concern, region) both results measured, sorted by concern and region;
    `mirrored`: `after` is `before`'s mirror image. Whole-face scores by one scorer on both
    sides (`face_scorers`); when one side does not have that scorer's, the scores as shown,
    not `comparable`."""
    scorers = face_scorers([before, after])
    first = readings(before, scorers=scorers)
    second = readings(after, exposure_ratio(before, after), mirrored, scorers)
    found = [
        RegionDelta(concern, region, first[key], second[key], band_for(concern, region))
        for key in first.keys() & second.keys()
        for concern, region in [key]
    ]
    shown = before.concerns, after.concerns
    for name in sorted(unscored(before, scorers).keys() | unscored(after, scorers).keys()):
        if name in shown[0] and name in shown[1]:
            values = shown[0][name].score, shown[1][name].score
            found.append(RegionDelta(name, FACE, *values, band_for(name, FACE), comparable=False))
    return sorted(found, key=lambda d: (d.concern, d.region))
