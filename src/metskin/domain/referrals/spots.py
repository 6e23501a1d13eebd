"""Evolution of pigmented spots across one person's own analyses.

Spot positions are in the aligned face frame of `metskin.domain.analysis.spots`: origin between
the eye centres, x along the eye line, y towards the chin, one unit a nominal 150 mm (2.38 of
the person's eye distances). Areas from the engine are in mm^2 on a frontal view of the face.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from metskin.domain.analysis import mirror
from metskin.domain.analysis.spots import SAME_SPOT
from metskin.domain.referrals.model import AnalysisSnapshot, PigmentedSpot

MATCH_DISTANCE = SAME_SPOT  # in the aligned face frame: about 4.5 mm on an adult face
# Smaller spots are a few pixels across at the engine's working scale (about 0.56 mm a pixel):
# their area and darkness vary by a third between photos, and they come and go with the
# detection threshold. The snapshot keeps them as position-only spots: they count as seen
# before, and are neither compared nor reported as new.
MIN_TRACKED_AREA_MM2 = 12.0  # about 4 mm across
GROWTH_RATIO = 1.25  # area up by a quarter
DARKENING_POINTS = 10.0  # darkness is 0-100
LOOKBACK = timedelta(days=183)


@dataclass(frozen=True)
class SpotChange:
    """How one current spot compares with the same spot in an earlier analysis."""

    spot: PigmentedSpot
    days_between: float
    area_ratio: float | None
    darkness_change: float | None

    @property
    def grew(self) -> bool:
        return self.area_ratio is not None and self.area_ratio >= GROWTH_RATIO

    @property
    def darkened(self) -> bool:
        return self.darkness_change is not None and self.darkness_change >= DARKENING_POINTS


def measured_before(
    current: AnalysisSnapshot, history: Sequence[AnalysisSnapshot]
) -> list[AnalysisSnapshot]:
    """Earlier snapshots in the look-back window that measured spots, newest first."""
    oldest = current.taken_at - LOOKBACK
    earlier = [
        s for s in history if s.spots is not None and oldest <= s.taken_at < current.taken_at
    ]
    return sorted(earlier, key=lambda s: s.taken_at, reverse=True)


def nearest(spot: PigmentedSpot, candidates: Sequence[PigmentedSpot]) -> PigmentedSpot | None:
    """The closest earlier spot within MATCH_DISTANCE, if any."""
    best: PigmentedSpot | None = None
    best_distance = MATCH_DISTANCE
    for other in candidates:
        if not other.has_position:
            continue
        distance = _distance(spot, other)
        if distance <= best_distance:
            best, best_distance = other, distance
    return best


def _distance(a: PigmentedSpot, b: PigmentedSpot) -> float:
    assert a.x is not None and a.y is not None and b.x is not None and b.y is not None
    return math.hypot(a.x - b.x, a.y - b.y)


def compare(spot: PigmentedSpot, before: PigmentedSpot, days: float) -> SpotChange:
    ratio = None
    if spot.area is not None and before.area is not None and before.area > 0:
        ratio = spot.area / before.area
    darker = None
    if spot.darkness is not None and before.darkness is not None:
        darker = spot.darkness - before.darkness
    return SpotChange(spot, days, ratio, darker)


def changed_spots(
    current: AnalysisSnapshot, history: Sequence[AnalysisSnapshot]
) -> list[SpotChange]:
    """Spots that grew or darkened against any earlier analysis in the window (largest first)."""
    changes: list[SpotChange] = []
    for spot in _positioned(current):
        found = [
            _change_against(spot, current, earlier) for earlier in measured_before(current, history)
        ]
        fired = [c for c in found if c is not None and (c.grew or c.darkened)]
        if fired:
            changes.append(max(fired, key=_change_size))
    return sorted(changes, key=_change_size, reverse=True)


def new_spots(
    current: AnalysisSnapshot, history: Sequence[AnalysisSnapshot]
) -> list[PigmentedSpot]:
    """Spots with no match in the most recent earlier analysis that measured spots."""
    earlier = measured_before(current, history)
    if not earlier:
        return []
    spots = _positioned(current)
    previous = as_in_current(earlier[0].spots or (), spots)
    return [spot for spot in spots if _measured(spot) and nearest(spot, previous) is None]


def as_in_current(
    earlier: Sequence[PigmentedSpot], current: Sequence[PigmentedSpot]
) -> Sequence[PigmentedSpot]:
    """The earlier spots as placed in the current photo: mirrored (x flipped) when one of the
    two photos was a mirrored selfie (`analysis.mirror`)."""
    if mirror.spots_mirrored(earlier, current):
        return [replace(s, x=-s.x) if s.x is not None else s for s in earlier]
    return earlier


def _positioned(snapshot: AnalysisSnapshot) -> list[PigmentedSpot]:
    return [s for s in snapshot.spots or () if s.has_position]


def _measured(spot: PigmentedSpot) -> bool:
    """A spot with neither size nor darkness only tells that something was seen there."""
    return spot.area is not None or spot.darkness is not None


def _change_against(
    spot: PigmentedSpot, current: AnalysisSnapshot, earlier: AnalysisSnapshot
) -> SpotChange | None:
    match = nearest(spot, as_in_current(earlier.spots or (), _positioned(current)))
    if match is None:
        return None
    days = (current.taken_at - earlier.taken_at).total_seconds() / 86400
    return compare(spot, match, days)


def _change_size(change: SpotChange) -> float:
    growth = (change.area_ratio or 1.0) - 1.0
    return growth * 100 + (change.darkness_change or 0.0)
