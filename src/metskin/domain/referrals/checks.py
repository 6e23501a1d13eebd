"""The checks behind the triage rules (`rules`): each reads a part of the evidence (the current
analysis, the earlier ones, the person's answers) and returns the values it used, or None.

Thresholds follow common primary-care guidance (acne severity grading, NICE acne and rosacea
advice, the 7-point checklist and ABCDE for pigmented lesions). They pick out who should talk
to a dermatologist; they do not diagnose anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from metskin.domain.referrals.model import (
    ACNE,
    REDNESS,
    SCARRING,
    AnalysisSnapshot,
    Answers,
    Evidence,
)
from metskin.domain.referrals.spots import LOOKBACK, changed_spots, new_spots
from metskin.domain.referrals.trend import worsening

ACNE_SEVERE_LESIONS = 50  # more than 50 inflammatory lesions is usually graded severe
ACNE_SEVERE_SCORE = 75.0
SCARRING_SCORE = 40.0
REDNESS_SCORE = 50.0
REDNESS_PERSISTENT_DAYS = 28
REDNESS_PERSISTENT_MIN_ANALYSES = 3
REDNESS_WORSENING_POINTS = 15.0
REDNESS_WORSENING_WINDOW = timedelta(days=90)
REDNESS_EYES_SCORE = 40.0
SEVEN_POINT_REFER = 3  # a score of 3 or more on the 7-point checklist
NON_HEALING_WEEKS = 4
DISTRESS_SCORE = 6  # of 12
PIGMENT_AREA_RATIO = 1.5  # dark-spot area up by half against the earlier median
PIGMENT_NEW_SPOTS = 3
PIGMENT_MIN_EARLIER = 2  # a trend, not one odd photo


@dataclass(frozen=True)
class TriageInput:
    current: AnalysisSnapshot
    history: Sequence[AnalysisSnapshot]  # earlier snapshots only, oldest first
    answers: Answers


def acne_severe(data: TriageInput) -> Evidence | None:
    lesions = data.current.acne_lesions
    score = data.current.score(ACNE)
    if (lesions or 0) >= ACNE_SEVERE_LESIONS or (score or 0.0) >= ACNE_SEVERE_SCORE:
        return {
            "acne_lesions": lesions if lesions is not None else "unknown",
            "acne_score": score if score is not None else "unknown",
        }
    return None


def acne_nodules(data: TriageInput) -> Evidence | None:
    nodules = data.current.acne_nodules or 0
    if nodules >= 1 or data.answers.painful_deep_lumps:
        return {"acne_nodules": nodules, "painful_deep_lumps": data.answers.painful_deep_lumps}
    return None


def scarring(data: TriageInput) -> Evidence | None:
    score = data.current.score(SCARRING)
    if score is not None and score >= SCARRING_SCORE:
        return {
            "scarring_score": score,
            "worst_region": data.current.worst_region(SCARRING) or "whole face",
        }
    return None


def redness_persistent(data: TriageInput) -> Evidence | None:
    series = _redness_series(data)
    if len(series) < REDNESS_PERSISTENT_MIN_ANALYSES:
        return None
    days = (data.current.taken_at - series[0][0].taken_at).days
    if days < REDNESS_PERSISTENT_DAYS:
        return None
    lowest = min(score for _, score in series)
    if lowest < REDNESS_SCORE:
        return None
    return {"analyses": len(series), "days": days, "lowest_redness": lowest}


def _redness_series(data: TriageInput) -> list[tuple[AnalysisSnapshot, float]]:
    """Redness across the most recent unbroken run of red analyses, oldest first.

    Walks back from the current analysis and stops at the first one below the threshold or
    without a redness score, so a calm month in between breaks persistence.
    """
    run: list[tuple[AnalysisSnapshot, float]] = []
    for snapshot in [data.current, *reversed(data.history)]:
        score = snapshot.score(REDNESS)
        if score is None or score < REDNESS_SCORE:
            break
        run.append((snapshot, score))
    return list(reversed(run))


def redness_worsening(data: TriageInput) -> Evidence | None:
    now = data.current.score(REDNESS)
    start = data.current.taken_at - REDNESS_WORSENING_WINDOW
    earlier = [s.score(REDNESS) for s in data.history if s.taken_at >= start]
    scores = [s for s in earlier if s is not None]
    if now is None or len(scores) < 2:
        return None
    baseline = sum(scores) / len(scores)
    if now - baseline >= REDNESS_WORSENING_POINTS and now >= REDNESS_EYES_SCORE:
        return {
            "redness_now": now,
            "redness_baseline": round(baseline, 1),
            "analyses": len(scores) + 1,
        }
    return None


def redness_with_eyes(data: TriageInput) -> Evidence | None:
    score = data.current.score(REDNESS)
    if data.answers.eye_symptoms and score is not None and score >= REDNESS_EYES_SCORE:
        return {"eye_symptoms": True, "redness_score": score}
    return None


def spot_changing(data: TriageInput) -> Evidence | None:
    changes = changed_spots(data.current, data.history)
    if not changes:
        return None
    top = changes[0]
    return {
        "changed_spots": len(changes),
        "area_ratio": round(top.area_ratio, 2) if top.area_ratio is not None else "unknown",
        "darkness_change": (
            round(top.darkness_change, 1) if top.darkness_change is not None else "unknown"
        ),
        "days_between": round(top.days_between, 1),
        "x": top.spot.x or 0.0,
        "y": top.spot.y or 0.0,
    }


def spot_new(data: TriageInput) -> Evidence | None:
    spots = new_spots(data.current, data.history)
    if not spots:
        return None
    return {"new_spots": len(spots), "x": spots[0].x or 0.0, "y": spots[0].y or 0.0}


def pigment_rising(data: TriageInput) -> Evidence | None:
    """Face-wide dark spots grew in number and area against the person's own recent median.

    Works on what every analysis measures (count and area of dark spots), so evolution is
    tracked even without per-spot positions.
    """
    now = data.current
    if now.pigmented_spots is None or now.pigmented_area is None:
        return None
    earlier = [
        s
        for s in data.history
        if now.taken_at - LOOKBACK <= s.taken_at < now.taken_at
        and s.pigmented_spots is not None
        and s.pigmented_area is not None
    ]
    if len(earlier) < PIGMENT_MIN_EARLIER:
        return None
    counts = sorted(s.pigmented_spots or 0 for s in earlier)
    areas = sorted(s.pigmented_area or 0.0 for s in earlier)
    count_before, area_before = counts[len(counts) // 2], areas[len(areas) // 2]
    if (
        now.pigmented_spots - count_before >= PIGMENT_NEW_SPOTS
        and now.pigmented_area >= PIGMENT_AREA_RATIO * max(area_before, 1e-6)
    ):
        return {
            "spots_now": now.pigmented_spots,
            "spots_before": count_before,
            "area_ratio": round(now.pigmented_area / max(area_before, 1e-6), 2),
            "analyses": len(earlier) + 1,
            "days": (now.taken_at - min(s.taken_at for s in earlier)).days,
        }
    return None


def concern_worsening(data: TriageInput) -> Evidence | None:
    found = worsening(data.current, data.history)
    return found.evidence() if found else None


def seven_point_score(answers: Answers) -> int:
    """Weighted 7-point checklist: 2 points per major feature, 1 per minor one."""
    major = [answers.spot_growing, answers.spot_changing_shape, answers.spot_changing_colour]
    minor = [
        answers.spot_7mm_or_larger,
        answers.spot_inflamed,
        answers.spot_bleeding_or_oozing,
        answers.spot_itching_or_feels_different,
    ]
    return 2 * sum(major) + sum(minor)


def seven_point(data: TriageInput) -> Evidence | None:
    score = seven_point_score(data.answers)
    return {"seven_point_score": score} if score >= SEVEN_POINT_REFER else None


def non_healing(data: TriageInput) -> Evidence | None:
    weeks = data.answers.sore_not_healing_weeks
    if weeks is not None and weeks >= NON_HEALING_WEEKS:
        return {"sore_not_healing_weeks": weeks}
    return None


def distress(data: TriageInput) -> Evidence | None:
    score = data.answers.distress_score
    return {"distress_score": score} if score >= DISTRESS_SCORE else None


def self_harm(data: TriageInput) -> Evidence | None:
    return {"self_harm_thoughts": True} if data.answers.self_harm_thoughts else None
