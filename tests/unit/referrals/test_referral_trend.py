"""Triage reads the progress trend: a concern that worsens across visits beyond the noise band
raises the urgency (SOON, with the reason in words); noise inside the band, one odd photo, an
improvement or too few visits do not. Sequences are generated, seeded."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from metskin.domain.progress.deltas import FACE, band_for
from metskin.domain.referrals import AnalysisSnapshot, Specialty, Urgency, triage
from metskin.domain.referrals.model import PigmentedSpot
from metskin.domain.referrals.trend import TREND_MIN_VISITS, worsening

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CONCERNS = ("acne", "redness", "pigmentation", "pores", "wrinkles", "dark_circles")


def visits(
    values: list[float], concern: str = "redness", region: str = FACE, days: int = 28
) -> list[AnalysisSnapshot]:
    """One snapshot per value, `days` apart, oldest first; the concern scored at `region`."""
    found = []
    for index, value in enumerate(values):
        at = NOW - timedelta(days=days * (len(values) - 1 - index))
        if region == FACE:
            found.append(AnalysisSnapshot(at, {concern: value}))
        else:
            found.append(AnalysisSnapshot(at, {}, {region: {concern: value}}))
    return found


def rising(rng: random.Random, band: float, steps: int) -> list[float]:
    """A planted worsening: each step up by 0.6 to 1.2 bands, from a random start."""
    start = rng.uniform(5, 30)
    values = [start]
    for _ in range(steps):
        values.append(values[-1] + band * rng.uniform(0.6, 1.2))
    return values


@pytest.mark.parametrize("seed", range(20))
def test_a_planted_worsening_is_found_with_its_concern_and_region(seed: int) -> None:
    rng = random.Random(seed)
    concern = rng.choice(CONCERNS)
    region = rng.choice([FACE, "cheek_left", "under_eye_right", "forehead"])
    band = band_for(concern, region)
    if band >= 45:  # a band this wide (same-visit pairs disagree) leaves no room on 0..100
        region = FACE
        band = band_for(concern, region)
    values = [min(v, 100.0) for v in rising(rng, band, rng.choice([2, 3]))]
    *history, current = visits(values, concern, region)
    found = worsening(current, history)
    assert found is not None and (found.concern, found.region) == (concern, region)
    assert found.rise > found.band and len(found.values) == len(values)
    outcome = triage(current, history)
    assert outcome.referral is not None and outcome.referral.urgency is Urgency.SOON
    (reason,) = [r for r in outcome.referral.reasons if r.rule_id == "concern_worsening"]
    assert concern.replace("_", " ") in reason.text and f"{len(values)} analyses" in reason.text


@pytest.mark.parametrize("seed", range(20))
def test_noise_inside_the_band_is_no_trend(seed: int) -> None:
    rng = random.Random(seed)
    concern = rng.choice(CONCERNS)
    band = band_for(concern, FACE)
    level = rng.uniform(20, 60)
    values = [level + rng.uniform(-band / 2, band / 2) for _ in range(rng.choice([3, 4, 6]))]
    *history, current = visits(values, concern)
    assert worsening(current, history) is None
    assert "concern_worsening" not in triage(current, history).fired_rule_ids


def test_improvement_one_odd_photo_and_too_few_visits_are_no_trend() -> None:
    band = band_for("redness", FACE)
    cases = [
        [60.0, 50.0, 40.0],  # fading redness: better
        [20.0, 20.0 + 3 * band, 20.0 + 0.5 * band],  # one odd photo in the middle
        [20.0, 20.0 + 2 * band][: TREND_MIN_VISITS - 1],  # two visits: not a trend
        [20.0, 20.0 + 2 * band, 20.0 + 0.5 * band, 20.0 + 2.5 * band],  # a fall beyond the band
    ]
    for values in cases:
        *history, current = visits(values)
        assert worsening(current, history) is None, values


def test_old_visits_outside_the_window_do_not_count() -> None:
    band = band_for("redness", FACE)
    *history, current = visits([20.0, 20.0 + band, 20.0 + 2.2 * band], days=100)
    assert worsening(current, history) is None


def test_the_trend_raises_a_routine_referral_and_names_its_specialty() -> None:
    persistent = [55.0, 56.0, 57.0]  # red for 8 weeks, inside the band: ROUTINE
    *history, current = visits(persistent)
    outcome = triage(current, history)
    assert outcome.referral is not None and outcome.referral.urgency is Urgency.ROUTINE
    assert "concern_worsening" not in outcome.fired_rule_ids
    *history, current = visits([52.0, 62.0, 71.0])  # red and worsening: SOON, rosacea
    outcome = triage(current, history)
    assert outcome.referral is not None and outcome.referral.urgency is Urgency.SOON
    assert outcome.referral.specialty is Specialty.ROSACEA
    reason = outcome.referral.reasons[0]
    assert reason.rule_id == "concern_worsening"
    assert "from 52.0 to 71.0" in reason.text and "whole face" in reason.text
    assert reason.evidence["band"] == round(band_for("redness", FACE), 1)


MOLES = [(-0.30, 0.20), (0.12, 0.45), (0.25, -0.05), (-0.10, 0.60)]


def test_a_mirrored_selfie_among_the_visits_is_read_side_for_side() -> None:
    """Two visits as taken, then a selfie saved mirrored (a new phone): the person's left cheek
    worsens 10 -> 25 -> 40 while the right stays at 60. The mirrored photo names the left cheek
    "right"; read by name, the "left cheek" would run 10, 25, 60 (two cheeks mixed). Read side
    for side (the spots match only flipped), the trend is the one cheek's, under the name the
    current photo gives it."""
    spots = tuple(PigmentedSpot(x, y, 20.0, 30.0) for x, y in MOLES)
    flipped = tuple(PigmentedSpot(-x, y, 20.0, 30.0) for x, y in MOLES)
    readings = [(10.0, 60.0, spots), (25.0, 60.0, spots), (60.0, 40.0, flipped)]
    *history, current = [
        AnalysisSnapshot(
            NOW - timedelta(days=28 * (2 - index)),
            {"redness": 20.0},
            {"cheek_left": {"redness": left}, "cheek_right": {"redness": right}},
            spots=placed,
        )
        for index, (left, right, placed) in enumerate(readings)
    ]
    found = worsening(current, history)
    assert found is not None and found.region == "cheek_right"
    assert found.values == (10.0, 25.0, 40.0)
    # as taken (no mirror told: spots matching as they are), the names are read as they are
    plain = [replace(snapshot, spots=spots) for snapshot in (*history, current)]
    found = worsening(plain[-1], plain[:-1])
    assert found is not None and found.region == "cheek_left"
    assert found.values == (10.0, 25.0, 60.0)


def test_retakes_in_one_sitting_are_one_visit_not_a_trend() -> None:
    """Three photos minutes apart (the person retook it: the window's light changed) rise by
    more than the band each time: that is one visit, so no worsening over time is read; the
    same values a day apart each are (the fewest days a trend of three visits can span)."""
    band = band_for("redness", FACE)
    values = [20.0, 20.0 + 1.2 * band, 20.0 + 2.4 * band]
    *history, current = visits(values, days=0)
    retakes = [
        replace(s, taken_at=NOW - timedelta(minutes=5 * n))
        for n, s in zip((2, 1), history, strict=True)
    ]
    assert worsening(current, retakes) is None
    assert "concern_worsening" not in triage(current, retakes).fired_rule_ids
    # Retakes before the current visit count once, as their newest photo: an hour's first
    # try read 0 (a fall that would break the trend were it a visit of its own).
    *history, current = visits(values, days=1)
    retaken = AnalysisSnapshot(history[1].taken_at - timedelta(hours=1), {"redness": 0.0})
    found = worsening(current, [history[0], retaken, history[1]])
    assert found is not None and len(found.values) == 3 and found.days == 2
    *history, current = visits(values, days=1)
    outcome = triage(current, history)
    assert outcome.referral is not None
    (reason,) = [r for r in outcome.referral.reasons if r.rule_id == "concern_worsening"]
    assert "across your last 3 analyses over 2 days," in reason.text


def test_the_days_of_a_trend_are_counted_in_words() -> None:
    from metskin.domain.referrals.trend import explain

    evidence = {
        "concern": "redness",
        "region": FACE,
        "first": 20.0,
        "last": 40.0,
        "band": 6.0,
        "analyses": 3,
        "days": 1,
    }
    assert "analyses over 1 day, from 20" in explain(evidence)[1]
    assert "analyses over 9 days, from 20" in explain({**evidence, "days": 9})[1]
