"""Snapshots from stored analysis results feed the rules, history included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.referrals import triage
from metskin.domain.referrals.snapshots import snapshot_from_result


def snapshot_of(taken_at, stored):
    return snapshot_from_result(taken_at, ResultReadout.from_stored(stored))


NOW = datetime(2026, 6, 1, tzinfo=UTC)


def stored(
    concerns: dict[str, tuple[float, dict[str, float]]], spots: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ok": True,
        "concerns": {
            name: {
                "name": name,
                "score": score,
                "regions": {"cheeks": score - 5},
                "measurements": measurements,
                "explanation": "",
            }
            for name, (score, measurements) in concerns.items()
        },
    }
    if spots is not None:
        result["spots"] = spots
    return result


def test_scores_regions_and_acne_counts_are_read() -> None:
    snapshot = snapshot_of(
        NOW,
        stored(
            {
                "acne": (70.0, {"lesion_count": 55.0, "nodule_count": 1.0}),
                "redness": (40.0, {}),
            }
        ),
    )
    assert snapshot.concerns == {"acne": 70.0, "redness": 40.0}
    assert snapshot.regions == {"cheeks": {"acne": 65.0, "redness": 35.0}}
    assert (snapshot.acne_lesions, snapshot.acne_nodules) == (55, 1)
    assert snapshot.spots is None  # not measured: the spot rules stay silent
    assert set(triage(snapshot, []).fired_rule_ids) == {"acne_severe", "acne_nodules"}


def test_missing_and_malformed_values_stay_unknown() -> None:
    snapshot = snapshot_of(NOW, {"concerns": {"acne": {"score": "high"}, "pores": None}})
    assert snapshot.concerns == {} and snapshot.acne_lesions is None
    assert triage(snapshot, []).referral is None


def test_spot_evolution_across_stored_history() -> None:
    earlier = snapshot_of(
        NOW - timedelta(days=60),
        stored({}, [{"x": 0.40, "y": 0.55, "area": 1.0, "darkness": 30.0}]),
    )
    current = snapshot_of(
        NOW,
        stored(
            {},
            [
                {"x": 0.41, "y": 0.55, "area": 1.6, "darkness": 44.0},
                {"x": 0.70, "y": 0.20, "area": 0.5, "darkness": 20.0},
            ],
        ),
    )
    outcome = triage(current, [earlier])
    assert set(outcome.fired_rule_ids) == {"spot_changing", "spot_new"}
    assert outcome.referral is not None and outcome.referral.urgency.value == "URGENT"
    assert "not a diagnosis" in outcome.referral.message


def pigment(days_ago: int, count: float, area: float) -> Any:
    return snapshot_of(
        NOW - timedelta(days=days_ago),
        stored({"pigmentation": (30.0, {"spot_count": count, "spot_area_fraction": area})}),
    )


def test_more_and_larger_dark_spots_against_the_own_recent_median() -> None:
    history = [pigment(120, 4, 0.010), pigment(60, 5, 0.011), pigment(30, 4, 0.012)]
    outcome = triage(pigment(0, 9, 0.020), history)
    assert outcome.fired_rule_ids == ("pigment_spots_increasing",)
    reason = outcome.referral.reasons[0] if outcome.referral else None
    assert reason is not None and reason.urgency.value == "SOON"
    assert dict(reason.evidence) == {
        "spots_now": 9,
        "spots_before": 4,
        "area_ratio": 1.82,
        "analyses": 4,
        "days": 120,
    }


def test_pigment_rule_needs_a_trend_inside_six_months() -> None:
    rising = pigment(0, 9, 0.020)
    assert triage(rising, [pigment(30, 4, 0.010)]).referral is None  # one earlier photo
    assert triage(rising, [pigment(400, 4, 0.01), pigment(300, 4, 0.01)]).referral is None
    assert (
        triage(pigment(0, 9, 0.013), [pigment(60, 4, 0.01), pigment(30, 4, 0.01)]).referral is None
    )  # more spots, but not larger overall
    assert (
        triage(pigment(0, 6, 0.030), [pigment(60, 4, 0.01), pigment(30, 4, 0.01)]).referral is None
    )  # larger, but only two more spots


def test_rules_over_time_read_the_engine_s_scores_when_a_model_scored_the_latest() -> None:
    """Redness scored by a live model (60 shown, the engine's 20 kept beside it) after two
    engine-scored analyses at 20: no worsening (before: 60 against 20 referred the person)."""
    history = [
        snapshot_of(NOW - timedelta(days=d), stored({"redness": (20.0, {})})) for d in (60, 30)
    ]
    latest = stored({"redness": (60.0, {})})
    latest["concerns"]["redness"] |= {"scored_by": "skin-cnn-v1", "engine_score": 20.0}
    outcome = triage(snapshot_of(NOW, latest), history)
    assert outcome.referral is None
    again = stored({"redness": (60.0, {})})  # the engine's own 60: worsening, as before
    assert triage(snapshot_of(NOW, again), history).fired_rule_ids == ("redness_worsening",)
