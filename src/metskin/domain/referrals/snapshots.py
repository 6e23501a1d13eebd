"""Analysis snapshots for triage, from the analysis component's typed read model."""

from __future__ import annotations

from datetime import datetime

from metskin.domain.analysis.readout import ENGINE, ConcernReading, ResultReadout, SpotReading
from metskin.domain.referrals.model import ACNE, PIGMENTATION, AnalysisSnapshot, PigmentedSpot
from metskin.domain.referrals.spots import MIN_TRACKED_AREA_MM2


def snapshot_from_result(taken_at: datetime, result: ResultReadout) -> AnalysisSnapshot:
    """Scores, regions and counts the rules read. Unknown or missing values stay unknown.

    Spots are read when the engine reported spot positions; without them the spot rules see
    "not measured" and stay silent. Spots under MIN_TRACKED_AREA_MM2 keep only their position.

    The whole-face scores are the engine's, also when a learned model's score is the one shown
    (it keeps the engine's beside it): the rules' thresholds are on the engine's scale, and the
    rules over time compare analyses scored before and after a model went live (as progress
    does; before, a model's redness against the engine's earlier ones read as worsening).
    """
    concerns = {name: _engine_score(item) for name, item in result.concerns.items()}
    regions: dict[str, dict[str, float]] = {}
    for name, item in result.concerns.items():
        for region, value in item.regions.items():
            regions.setdefault(region, {})[name] = value
    acne = result.concerns.get(ACNE)
    pigment = result.concerns.get(PIGMENTATION)
    return AnalysisSnapshot(
        taken_at,
        concerns,
        regions,
        acne.count("lesion_count") if acne else None,
        acne.count("nodule_count") if acne else None,
        None if result.spots is None else tuple(_spot(s) for s in result.spots),
        pigment.count("spot_count") if pigment else None,
        pigment.measurements.get("spot_area_fraction") if pigment else None,
    )


def _engine_score(item: ConcernReading) -> float:
    engine = item.score_by(ENGINE)
    return item.score if engine is None else engine


def _spot(spot: SpotReading) -> PigmentedSpot:
    if spot.area_mm2 is not None and spot.area_mm2 < MIN_TRACKED_AREA_MM2:
        return PigmentedSpot(spot.x, spot.y)  # seen, but too small to follow
    area = spot.area_mm2 if spot.area_mm2 is not None else spot.area
    return PigmentedSpot(spot.x, spot.y, area, spot.darkness)
