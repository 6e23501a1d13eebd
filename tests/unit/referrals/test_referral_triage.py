"""Triage: one test per rule, history-based evolution, and how reasons combine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.referrals import (
    RULES,
    AnalysisSnapshot,
    Answers,
    PigmentedSpot,
    Specialty,
    Urgency,
    triage,
)
from metskin.domain.referrals.checks import seven_point_score

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def snap(days_ago: float = 0, **fields: object) -> AnalysisSnapshot:
    return AnalysisSnapshot(taken_at=NOW - timedelta(days=days_ago), **fields)  # type: ignore[arg-type]


def fired(
    current: AnalysisSnapshot,
    history: list[AnalysisSnapshot] | None = None,
    answers: Answers | None = None,
) -> tuple[str, ...]:
    return triage(current, history or [], answers).fired_rule_ids


def test_calm_skin_and_no_answers_gives_no_referral() -> None:
    outcome = triage(snap(concerns={"acne": 20, "redness": 10}, acne_lesions=4), [], Answers())
    assert outcome.referral is None
    assert outcome.rules_checked == tuple(rule.id for rule in RULES)


@pytest.mark.parametrize(
    ("lesions", "score", "expected"),
    [
        (49, 40.0, False),
        (50, 40.0, True),
        (10, 74.9, False),
        (10, 75.0, True),
        (None, 80.0, True),
    ],
)
def test_severe_acne_by_lesion_count_or_score(
    lesions: int | None, score: float, expected: bool
) -> None:
    current = snap(concerns={"acne": score}, acne_lesions=lesions)
    assert ("acne_severe" in fired(current)) is expected


def test_severe_acne_referral_is_soon_to_acne_specialist() -> None:
    referral = triage(snap(acne_lesions=60), [], None).referral
    assert referral is not None
    assert referral.urgency is Urgency.SOON
    assert referral.specialty is Specialty.ACNE
    assert referral.reasons[0].evidence["acne_lesions"] == 60


def test_nodules_from_analysis_or_answers() -> None:
    assert "acne_nodules" in fired(snap(acne_nodules=2))
    assert "acne_nodules" in fired(snap(), answers=Answers(painful_deep_lumps=True))
    assert "acne_nodules" not in fired(snap(acne_nodules=0))


def test_scarring_uses_the_worst_region_when_no_whole_face_score() -> None:
    current = snap(regions={"left_cheek": {"scarring": 55}, "forehead": {"scarring": 10}})
    outcome = triage(current, [], None)
    assert outcome.fired_rule_ids == ("scarring",)
    assert outcome.referral is not None
    assert outcome.referral.reasons[0].evidence == {
        "scarring_score": 55,
        "worst_region": "left_cheek",
    }
    assert outcome.referral.urgency is Urgency.ROUTINE
    assert "scarring" not in fired(snap(regions={"left_cheek": {"scarring": 39}}))


def test_persistent_redness_needs_four_weeks_of_red_analyses() -> None:
    history = [snap(35, concerns={"redness": 60}), snap(14, concerns={"redness": 55})]
    assert "redness_persistent" in fired(snap(concerns={"redness": 58}), history)
    # Only 20 days of redness: not yet persistent.
    short = [snap(20, concerns={"redness": 60}), snap(10, concerns={"redness": 60})]
    assert "redness_persistent" not in fired(snap(concerns={"redness": 58}), short)


def test_a_calm_analysis_breaks_persistent_redness() -> None:
    history = [
        snap(60, concerns={"redness": 70}),
        snap(40, concerns={"redness": 70}),
        snap(20, concerns={"redness": 20}),
        snap(10, concerns={"redness": 70}),
    ]
    assert "redness_persistent" not in fired(snap(concerns={"redness": 70}), history)


def test_worsening_redness_against_the_recent_baseline() -> None:
    history = [snap(60, concerns={"redness": 25}), snap(30, concerns={"redness": 30})]
    outcome = triage(snap(concerns={"redness": 45}), history, None)
    assert "redness_worsening" in outcome.fired_rule_ids
    assert outcome.referral is not None
    reasons = {reason.rule_id: reason for reason in outcome.referral.reasons}
    assert reasons["redness_worsening"].evidence["redness_baseline"] == 27.5
    # Same rise but from analyses older than the window: no baseline, no referral.
    old = [snap(200, concerns={"redness": 25}), snap(150, concerns={"redness": 30})]
    assert "redness_worsening" not in fired(snap(concerns={"redness": 45}), old)


def test_redness_with_eye_symptoms_is_urgent() -> None:
    outcome = triage(snap(concerns={"redness": 45}), [], Answers(eye_symptoms=True))
    assert outcome.referral is not None
    assert outcome.referral.urgency is Urgency.URGENT
    assert outcome.referral.specialty is Specialty.ROSACEA
    assert "redness_with_eye_symptoms" not in fired(snap(concerns={"redness": 45}))
    assert "redness_with_eye_symptoms" not in fired(
        snap(concerns={"redness": 10}), answers=Answers(eye_symptoms=True)
    )


def test_spot_that_grows_between_analyses_is_urgent() -> None:
    before = snap(60, spots=(PigmentedSpot(x=0.40, y=0.50, area=10.0, darkness=50),))
    now = snap(spots=(PigmentedSpot(x=0.41, y=0.50, area=13.0, darkness=51),))
    outcome = triage(now, [before], None)
    assert outcome.fired_rule_ids == ("spot_changing",)
    assert outcome.referral is not None
    assert outcome.referral.urgency is Urgency.URGENT
    assert outcome.referral.specialty is Specialty.SKIN_CANCER
    evidence = outcome.referral.reasons[0].evidence
    assert evidence["area_ratio"] == 1.3
    assert evidence["days_between"] == 60.0


def test_spot_that_darkens_is_flagged_but_small_noise_is_not() -> None:
    before = snap(30, spots=(PigmentedSpot(x=0.2, y=0.3, area=8.0, darkness=40),))
    darker = snap(spots=(PigmentedSpot(x=0.2, y=0.3, area=8.2, darkness=55),))
    same = snap(spots=(PigmentedSpot(x=0.2, y=0.3, area=8.5, darkness=44),))
    assert "spot_changing" in fired(darker, [before])
    assert fired(same, [before]) == ()


def test_spot_change_accumulated_over_several_analyses() -> None:
    history = [
        snap(120, spots=(PigmentedSpot(x=0.5, y=0.5, area=10.0),)),
        snap(60, spots=(PigmentedSpot(x=0.5, y=0.5, area=11.5),)),
    ]
    now = snap(spots=(PigmentedSpot(x=0.5, y=0.5, area=13.0),))
    assert "spot_changing" in fired(now, history)  # 13 / 10 against the oldest one
    assert "spot_changing" not in fired(now, history[1:])  # 13 / 11.5 is only +13 %


def test_spot_far_from_earlier_spots_is_new_not_changed() -> None:
    before = snap(30, spots=(PigmentedSpot(x=0.2, y=0.2, area=5.0),))
    now = snap(spots=(PigmentedSpot(x=0.2, y=0.2, area=5.0), PigmentedSpot(x=0.7, y=0.6, area=9.0)))
    outcome = triage(now, [before], None)
    assert outcome.fired_rule_ids == ("spot_new",)
    assert outcome.referral is not None
    assert outcome.referral.urgency is Urgency.SOON
    assert outcome.referral.reasons[0].evidence["new_spots"] == 1


def test_no_evolution_without_earlier_spot_measurements() -> None:
    unmeasured = snap(30)  # spots=None: the earlier analysis did not look for spots
    now = snap(spots=(PigmentedSpot(x=0.7, y=0.6, area=9.0, darkness=80),))
    assert fired(now, [unmeasured]) == ()
    assert fired(now, []) == ()


def test_history_after_the_current_analysis_is_ignored() -> None:
    later = snap(-10, spots=(PigmentedSpot(x=0.5, y=0.5, area=1.0),))
    now = snap(spots=(PigmentedSpot(x=0.5, y=0.5, area=5.0),))
    assert fired(now, [later]) == ()


def test_retakes_of_the_same_sitting_are_no_history() -> None:
    """A photo retaken minutes later (the light changed, the detector saw one more spot) is
    the same visit: no spot is new or changed since it, and redness has not risen against it.
    The same photos a day apart are history, and fire."""
    spot = PigmentedSpot(x=0.2, y=0.2, area=5.0)
    now = snap(spots=(spot, PigmentedSpot(x=0.7, y=0.6, area=9.0)), concerns={"redness": 45})
    for ago, expected in ((5 / 1440, ()), (1, ("redness_worsening", "spot_new"))):
        earlier = [
            snap(ago + 1 / 1440, spots=(spot,), concerns={"redness": 25}),
            snap(ago, spots=(spot,), concerns={"redness": 30}),
        ]
        assert tuple(sorted(fired(now, earlier))) == expected, ago


def test_seven_point_checklist_scoring() -> None:
    assert seven_point_score(Answers(spot_growing=True)) == 2
    assert seven_point_score(Answers(spot_growing=True, spot_bleeding_or_oozing=True)) == 3
    assert (
        seven_point_score(
            Answers(
                spot_inflamed=True, spot_7mm_or_larger=True, spot_itching_or_feels_different=True
            )
        )
        == 3
    )
    assert "seven_point_checklist" not in fired(snap(), answers=Answers(spot_changing_colour=True))
    answers = Answers(spot_changing_colour=True, spot_itching_or_feels_different=True)
    urgent = triage(snap(), [], answers)
    assert urgent.referral is not None
    assert urgent.referral.urgency is Urgency.URGENT
    assert urgent.referral.reasons[0].evidence == {"seven_point_score": 3}


def test_non_healing_sore_after_four_weeks() -> None:
    assert "non_healing_sore" in fired(snap(), answers=Answers(sore_not_healing_weeks=4))
    assert "non_healing_sore" not in fired(snap(), answers=Answers(sore_not_healing_weeks=3))


def test_distress_threshold_and_validation() -> None:
    high = Answers(distress_low_mood=2, distress_avoiding_people=2, distress_self_conscious=2)
    low = Answers(distress_low_mood=2, distress_self_conscious=3)
    assert fired(snap(), answers=high) == ("distress",)
    assert fired(snap(), answers=low) == ()
    with pytest.raises(ValidationFailed):
        Answers(distress_low_mood=4)


def test_self_harm_thoughts_are_urgent_whatever_the_skin_shows() -> None:
    referral = triage(snap(), [], Answers(self_harm_thoughts=True)).referral
    assert referral is not None
    assert referral.urgency is Urgency.URGENT
    assert "crisis" in referral.reasons[0].text


def test_urgency_is_the_highest_fired_rule_and_reasons_are_ordered() -> None:
    before = snap(30, spots=(PigmentedSpot(x=0.4, y=0.4, area=4.0),))
    now = snap(
        concerns={"scarring": 60}, acne_lesions=70, spots=(PigmentedSpot(x=0.4, y=0.4, area=6.0),)
    )
    referral = triage(now, [before], None).referral
    assert referral is not None
    assert [r.rule_id for r in referral.reasons] == ["spot_changing", "acne_severe", "scarring"]
    assert referral.urgency is Urgency.URGENT
    assert referral.specialty is Specialty.SKIN_CANCER
    assert "not a diagnosis" in referral.message


def test_children_are_sent_to_paediatric_dermatology() -> None:
    referral = triage(snap(acne_lesions=80), [], Answers(age_years=13)).referral
    assert referral is not None
    assert referral.specialty is Specialty.PAEDIATRIC


def test_every_rule_reports_only_declared_evidence() -> None:
    before = snap(
        40,
        concerns={"redness": 20},
        spots=(PigmentedSpot(x=0.4, y=0.4, area=4.0, darkness=30),),
        pigmented_spots=2,
        pigmented_area=0.01,
    )
    middle = snap(20, concerns={"redness": 22}, pigmented_spots=3, pigmented_area=0.012)
    now = snap(
        concerns={"redness": 55, "scarring": 50, "acne": 90},
        acne_nodules=1,
        spots=(
            PigmentedSpot(x=0.4, y=0.4, area=6.0, darkness=45),
            PigmentedSpot(x=0.8, y=0.8, area=3.0),
        ),
        pigmented_spots=8,
        pigmented_area=0.03,
    )
    answers = Answers(
        eye_symptoms=True,
        spot_growing=True,
        spot_inflamed=True,
        sore_not_healing_weeks=6,
        distress_low_mood=3,
        distress_daily_life=3,
        self_harm_thoughts=True,
    )
    referral = triage(now, [before, middle], answers).referral
    assert referral is not None
    declared = {rule.id: set(rule.evidence) for rule in RULES}
    for reason in referral.reasons:
        assert set(reason.evidence) <= declared[reason.rule_id], reason.rule_id
    assert len(referral.reasons) == len(RULES) - 1  # all but persistent redness


def test_snapshot_needs_an_aware_timestamp() -> None:
    with pytest.raises(ValidationFailed):
        AnalysisSnapshot(taken_at=datetime(2025, 1, 1))


@dataclass(frozen=True)
class FakeConcern:
    name: str
    score: float
    regions: dict[str, float]
    measurements: dict[str, float]


def test_snapshot_from_analysis_concerns() -> None:
    concerns = [
        FakeConcern("acne", 62.0, {"chin": 80.0}, {"lesion_count": 55.0}),
        FakeConcern("redness", 30.0, {"chin": 20.0, "nose": 45.0}, {}),
    ]
    snapshot = AnalysisSnapshot.from_concerns(NOW, concerns)
    assert snapshot.acne_lesions == 55
    assert snapshot.regions == {"chin": {"acne": 80.0, "redness": 20.0}, "nose": {"redness": 45.0}}
    assert snapshot.score("redness") == 30.0
    assert fired(snapshot) == ("acne_severe",)
