"""The progress trend in triage: a concern that worsens across visits beyond the noise band
that two photos of one visit show (`domain/progress/noise_band.py`).

A trend needs at least TREND_MIN_VISITS visits within TREND_WINDOW (the newest
TREND_MAX_VISITS): the newest must exceed the first by more than the band, the value must rise
in more than half of the steps, and no step may fall by more than the band (a real improvement
breaks the trend). One odd photo cannot make a trend. Photos taken within SAME_VISIT of the next
one kept are one visit (retakes: the newest of them stands for it), so a few retakes in one
sitting, whose light differs, never read as a worsening over time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from metskin.domain.analysis import mirror
from metskin.domain.i18n.marks import _, n_
from metskin.domain.i18n.said import Said
from metskin.domain.progress.deltas import FACE, band_for
from metskin.domain.recommendations.vocabulary import CONCERN_WORDS
from metskin.domain.referrals.model import (
    ACNE,
    PIGMENTATION,
    REDNESS,
    SCARRING,
    AnalysisSnapshot,
    Evidence,
    Specialty,
)

TREND_MIN_VISITS = 3
TREND_MAX_VISITS = 4
TREND_WINDOW = timedelta(days=180)
SAME_VISIT = timedelta(hours=12)
SPECIALTY_OF = {
    ACNE: Specialty.ACNE,
    REDNESS: Specialty.ROSACEA,
    PIGMENTATION: Specialty.PIGMENTATION,
    SCARRING: Specialty.SCARRING,
}


@dataclass(frozen=True)
class Worsening:
    concern: str
    region: str  # a region name, or "face"
    values: tuple[float, ...]  # oldest first
    band: float
    days: int

    @property
    def rise(self) -> float:
        return self.values[-1] - self.values[0]

    def evidence(self) -> Evidence:
        return {
            "concern": self.concern,
            "region": self.region,
            "first": round(self.values[0], 1),
            "last": round(self.values[-1], 1),
            "band": round(self.band, 1),
            "analyses": len(self.values),
            "days": self.days,
        }


def side_for_side(earlier: AnalysisSnapshot, current: AnalysisSnapshot) -> AnalysisSnapshot:
    """`earlier` with its regions under the names the current photo gives the same skin: the
    other side's when one of the two is the other's mirror image (`analysis.mirror`, told by
    the spots; a front camera's selfie)."""
    if not mirror.spots_mirrored(earlier.spots, current.spots):
        return earlier
    regions = {mirror.other_side(name): scores for name, scores in earlier.regions.items()}
    return replace(earlier, regions=regions)


def _value(snapshot: AnalysisSnapshot, concern: str, region: str) -> float | None:
    if region == FACE:
        return snapshot.concerns.get(concern)
    return snapshot.regions.get(region, {}).get(concern)


def _worsens(values: Sequence[float], band: float) -> bool:
    steps = [after - before for before, after in pairwise(values)]
    rising = sum(step > 0 for step in steps)
    return values[-1] - values[0] > band and 2 * rising > len(steps) and min(steps) >= -band


def worsening(current: AnalysisSnapshot, history: Sequence[AnalysisSnapshot]) -> Worsening | None:
    """The concern and region that worsened most (against its band), if any did.

    `history`: earlier snapshots, oldest first."""
    recent = [s for s in history if s.taken_at >= current.taken_at - TREND_WINDOW]
    earlier = _one_per_visit(recent, current)[-(TREND_MAX_VISITS - 1) :]
    visits = [*(side_for_side(s, current) for s in earlier), current]
    if len(visits) < TREND_MIN_VISITS:
        return None
    keys = {(c, FACE) for c in current.concerns} | {
        (c, region) for region, scores in current.regions.items() for c in scores
    }
    found = []
    for concern, region in sorted(keys):
        values = [_value(s, concern, region) for s in visits]
        measured = tuple(v for v in values if v is not None)
        band = band_for(concern, region)
        if len(measured) == len(visits) and _worsens(measured, band):
            days = (current.taken_at - visits[0].taken_at).days
            found.append(Worsening(concern, region, measured, band, days))
    return max(found, key=lambda w: w.rise / w.band, default=None)


def _one_per_visit(
    history: Sequence[AnalysisSnapshot], current: AnalysisSnapshot
) -> list[AnalysisSnapshot]:
    """The newest photo of each earlier visit, oldest first: walking back from `current`, a
    photo taken less than SAME_VISIT before the last one kept is a retake of that visit."""
    kept: list[AnalysisSnapshot] = []
    last = current.taken_at
    for snapshot in reversed(history):
        if last - snapshot.taken_at >= SAME_VISIT:
            kept.append(snapshot)
            last = snapshot.taken_at
    return kept[::-1]


def _words(name: str) -> str:
    for side in ("left", "right"):
        if name.endswith(f"_{side}"):
            return f"{side} {name.removesuffix(f'_{side}').replace('_', ' ')}"
    return "whole face" if name == FACE else name.replace("_", " ")


# The words of the sentence below (each a catalog entry); others are shown as `_words` makes them.
NAMED = {
    FACE: _("whole face"),
    "forehead": _("forehead"),
    "nose": _("nose"),
    "chin": _("chin"),
    "cheek_left": _("left cheek"),
    "cheek_right": _("right cheek"),
    "under_eye_left": _("left under eye"),
    "under_eye_right": _("right under eye"),
    **CONCERN_WORDS,
}
OVER_DAYS = n_("over {count} day", "over {count} days")
WORSENED = _(
    "Your {concern} has worsened across your last {analyses} analyses {over}, from "
    "{first} to {last} (out of 100) on the {region}: more than two photos of the same visit "
    "differ (±{band}). A concern that keeps getting worse is worth showing to a dermatologist, "
    "although light and camera can also play a part."
)


def explain(evidence: Evidence) -> tuple[Specialty, str]:
    """The specialty and the sentence of a worsening trend, from its evidence."""
    concern = str(evidence["concern"])
    region = str(evidence["region"])
    text = Said(
        WORSENED,
        concern=NAMED.get(concern) or _words(concern),
        region=NAMED.get(region) or _words(region),
        analyses=str(evidence["analyses"]),
        over=Said.counted(OVER_DAYS, int(evidence["days"])),
        **{k: Decimal(str(evidence[k])) for k in ("first", "last", "band")},
    )
    return SPECIALTY_OF.get(concern, Specialty.MEDICAL), text
