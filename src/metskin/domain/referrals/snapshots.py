"""Analysis snapshots from stored analysis results (the dict of `AnalysisResult.to_dict()`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from metskin.domain.referrals.model import ACNE, PIGMENTATION, AnalysisSnapshot, PigmentedSpot
from metskin.domain.referrals.spots import MIN_TRACKED_AREA_MM2


def snapshot_from_result(taken_at: datetime, result: Mapping[str, Any]) -> AnalysisSnapshot:
    """Scores, regions and counts the rules read. Unknown or missing values stay unknown.

    `spots` (a list of {x, y, area_mm2, darkness}; `area` in other units is read as well) is
    read when the engine reports spot positions; without it the spot rules see "not measured"
    and stay silent. Spots under MIN_TRACKED_AREA_MM2 keep only their position.
    """
    concerns: dict[str, float] = {}
    regions: dict[str, dict[str, float]] = {}
    lesions: int | None = None
    nodules: int | None = None
    pigmented: tuple[int | None, float | None] = (None, None)
    for name, item in (result.get("concerns") or {}).items():
        if not isinstance(item, Mapping) or not isinstance(item.get("score"), int | float):
            continue
        concerns[name] = float(item["score"])
        for region, value in (item.get("regions") or {}).items():
            regions.setdefault(region, {})[name] = float(value)
        measurements = item.get("measurements") or {}
        if name == ACNE:
            lesions = _count(measurements.get("lesion_count"))
            nodules = _count(measurements.get("nodule_count"))
        if name == PIGMENTATION:
            pigmented = (_count(measurements.get("spot_count")),
                         _num(measurements.get("spot_area_fraction")))
    return AnalysisSnapshot(taken_at, concerns, regions, lesions, nodules, _spots(result),
                            *pigmented)


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def _spots(result: Mapping[str, Any]) -> tuple[PigmentedSpot, ...] | None:
    raw = result.get("spots")
    if not isinstance(raw, list):
        return None
    return tuple(_spot(s) for s in raw if isinstance(s, Mapping))


def _spot(raw: Mapping[str, Any]) -> PigmentedSpot:
    x, y, mm2 = _num(raw.get("x")), _num(raw.get("y")), _num(raw.get("area_mm2"))
    if mm2 is not None and mm2 < MIN_TRACKED_AREA_MM2:
        return PigmentedSpot(x, y)  # seen, but too small to follow
    area = mm2 if mm2 is not None else _num(raw.get("area"))
    return PigmentedSpot(x, y, area, _num(raw.get("darkness")))


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
