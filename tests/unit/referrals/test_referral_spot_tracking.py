"""Spots as the engine stores them: small or unmeasured ones count as seen, never as new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.referrals import triage
from metskin.domain.referrals.snapshots import snapshot_from_result
from metskin.domain.referrals.spots import MIN_TRACKED_AREA_MM2


def snapshot_of(taken_at, stored):
    return snapshot_from_result(taken_at, ResultReadout.from_stored(stored))


NOW = datetime(2026, 6, 1, tzinfo=UTC)


def engine_spot(
    x: float, y: float, area_mm2: float | None, darkness: float | None = 40.0
) -> dict[str, Any]:
    return {
        "x": x,
        "y": y,
        "area_mm2": area_mm2,
        "darkness": None if area_mm2 is None else darkness,
        "delta_l_star": None if area_mm2 is None else (darkness or 0.0) / 2.5,
        "region": "cheek_left" if area_mm2 is not None else None,
    }


def fired(current: list[dict[str, Any]], earlier: list[dict[str, Any]]) -> set[str]:
    before = snapshot_of(NOW - timedelta(days=40), {"ok": True, "spots": earlier})
    now = snapshot_of(NOW, {"ok": True, "spots": current})
    return {rule for rule in triage(now, [before]).fired_rule_ids if rule.startswith("spot")}


def test_engine_spots_are_read_in_mm2_and_small_or_unmeasured_ones_keep_only_their_place() -> None:
    snapshot = snapshot_of(
        NOW,
        {
            "spots": [
                engine_spot(0.30, 0.20, 30.0),
                engine_spot(0.10, 0.25, MIN_TRACKED_AREA_MM2 / 2),
                engine_spot(-0.20, 0.30, None),
                {"x": 0.5, "y": 0.5, "area": 2.0, "darkness": 10.0},
            ]
        },
    )
    assert snapshot.spots is not None
    assert [(s.x, s.area, s.darkness) for s in snapshot.spots] == [
        (0.30, 30.0, 40.0),
        (0.10, None, None),
        (-0.20, None, None),
        (0.5, 2.0, 10.0),
    ]


def test_a_tracked_spot_that_grew_or_darkened_is_referred() -> None:
    assert fired([engine_spot(0.301, 0.2, 40.0)], [engine_spot(0.30, 0.2, 30.0)]) == {
        "spot_changing"
    }
    assert fired([engine_spot(0.30, 0.2, 31.0, darkness=55.0)], [engine_spot(0.30, 0.2, 30.0)]) == {
        "spot_changing"
    }
    assert (
        fired([engine_spot(0.30, 0.2, 33.0, darkness=45.0)], [engine_spot(0.30, 0.2, 30.0)])
        == set()
    )


def test_spots_seen_before_are_not_new_even_when_they_were_not_measured() -> None:
    now = [engine_spot(0.30, 0.2, 30.0)]
    assert fired(now, [engine_spot(0.31, 0.2, None)]) == set()  # faint or cut by an edge
    assert fired(now, [engine_spot(0.30, 0.21, 8.0)]) == set()  # too small to follow
    assert fired(now, [engine_spot(-0.30, 0.2, 30.0)]) == {"spot_new"}


def test_small_or_unmeasured_spots_are_never_new_nor_changed() -> None:
    earlier = [engine_spot(0.30, 0.2, 20.0)]
    assert fired([engine_spot(-0.30, 0.2, None), engine_spot(0.0, 0.5, 6.0)], earlier) == set()
    assert fired([engine_spot(0.30, 0.2, 6.0, darkness=90.0)], earlier) == set()


def test_a_mirrored_selfie_is_matched_mirrored_and_still_shows_real_change() -> None:
    earlier = [
        engine_spot(0.30, 0.20, 30.0),
        engine_spot(-0.12, 0.45, 20.0),
        engine_spot(0.05, -0.08, 25.0),
    ]
    mirrored = [engine_spot(-s["x"], s["y"], s["area_mm2"]) for s in earlier]
    assert fired(mirrored, earlier) == set()  # the same three spots, not three new ones
    grown = [engine_spot(-0.30, 0.20, 45.0), *mirrored[1:]]
    assert fired(grown, earlier) == {"spot_changing"}
    # Two spots that happen to mirror each other are not taken for a mirrored photo.
    assert fired(
        [engine_spot(-0.30, 0.2, 30.0), engine_spot(0.05, -0.08, 25.0)],
        [engine_spot(0.30, 0.2, 30.0), engine_spot(0.05, -0.08, 25.0)],
    ) == {"spot_new"}
