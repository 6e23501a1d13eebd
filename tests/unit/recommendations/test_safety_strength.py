"""Strength limits for sensitive skin, under-18s and deeper skin tones (safety_rules.json),
on hand-made catalogs and on the shipped one."""

from __future__ import annotations

import pytest

from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile
from tests.unit.recommendations.test_recommendations_safety import chosen, excluded_by, rule_hit

SENSITIVE = {"sensitive_skin": True, "age": 40}
TEEN = {"age": 15}
ADULT = {"age": 40}


def routine_with(active: tuple[str, float], slot: str, person: dict, **concerns: float) -> Routine:
    built = catalog([product("active", slot, [active], when="PM")])
    measured = needs(**(concerns or {"acne": 90, "pigmentation": 90}))
    return build_routine(measured, profile(**person), built)


@pytest.mark.parametrize(
    ("rule_id", "active", "slot", "too_strong", "fine"),
    [
        (
            rule_hit("strength.no_peel_strength_aha"),
            "Glycolic Acid",
            "exfoliant",
            30.0,
            10.0,
        ),
        (
            rule_hit("strength.no_high_strength_salicylic"),
            "Salicylic Acid",
            "exfoliant",
            4.0,
            2.0,
        ),
    ],
)
@pytest.mark.parametrize("person", [SENSITIVE, TEEN])
def test_strong_acids_are_left_out_for_sensitive_skin_and_minors(
    rule_id: str, active: str, slot: str, too_strong: float, fine: float, person: dict
) -> None:
    strong = routine_with((active, too_strong), slot, person)
    assert "active" not in chosen(strong)
    assert excluded_by(strong, "active") == rule_id
    assert "active" in chosen(routine_with((active, fine), slot, person))
    assert "active" in chosen(routine_with((active, too_strong), slot, ADULT))


def test_prescription_actives_are_left_out_for_sensitive_skin() -> None:
    tretinoin = ("Tretinoin", 0.025)
    sensitive = routine_with(tretinoin, "serum", SENSITIVE, wrinkles=90)
    assert excluded_by(sensitive, "active") == rule_hit("sensitive.no_prescription_actives")
    prescribed = {**ADULT, "prescribed": ["tretinoin"]}
    assert "active" in chosen(routine_with(tretinoin, "serum", prescribed, wrinkles=90))
    # A dermatologist who prescribes it knows the skin: the prescription lifts this rule too.
    prescribed_sensitive = {**SENSITIVE, "prescribed": ["tretinoin"]}
    assert "active" in chosen(routine_with(tretinoin, "serum", prescribed_sensitive, wrinkles=90))


def test_sensitive_skin_gets_benzoyl_peroxide_at_two_and_a_half_percent_at_most() -> None:
    strong = routine_with(("Benzoyl Peroxide", 4.0), "spot_treatment", SENSITIVE, acne=90)
    assert excluded_by(strong, "active") == rule_hit("sensitive.gentle_benzoyl_peroxide")
    gentle = routine_with(("Benzoyl Peroxide", 2.5), "spot_treatment", SENSITIVE, acne=90)
    assert "active" in chosen(gentle)
    assert "active" in chosen(routine_with(("Benzoyl Peroxide", 4.0), "spot_treatment", ADULT))


@pytest.mark.parametrize(("monk", "allowed"), [(3, True), (6, False), (10, False)])
def test_peel_strength_acids_are_left_out_for_deeper_skin_tones(monk: int, allowed: bool) -> None:
    built = catalog([product("peel", "exfoliant", [("Glycolic Acid", 12.0)], when="PM")])
    tone = SkinNeeds({"pigmentation": 90, "wrinkles": 90}, "normal", monk_tone=monk)
    routine = build_routine(tone, profile(age=30), built)
    assert ("peel" in chosen(routine)) is allowed
    if not allowed:
        assert excluded_by(routine, "peel") == rule_hit("tone.no_peel_strength_aha")


def test_a_strong_product_for_a_deeper_tone_comes_after_every_gentler_one() -> None:
    """The reason says "gentler options come first": a gentler exfoliant is picked even when
    the strong one (10% glycolic, allowed) treats more concerns."""
    built = catalog(
        [
            product(
                "strong",
                "exfoliant",
                [("Glycolic Acid", 10.0), ("Azelaic Acid", 10.0), ("Niacinamide", 5.0)],
                when="PM",
            ),
            product("gentle", "exfoliant", [("Salicylic Acid", 1.0)], when="PM"),
        ]
    )
    concerns = {"pigmentation": 90, "acne": 90, "pores": 60}
    light = build_routine(SkinNeeds(concerns, "oily", monk_tone=2), profile(age=30), built)
    assert "strong" in chosen(light)  # the better match, when dark marks are no risk
    deep = build_routine(SkinNeeds(concerns, "oily", monk_tone=9), profile(age=30), built)
    assert "gentle" in chosen(deep) and "strong" not in chosen(deep)
    (first, *_rest) = deep.alternatives["exfoliant"]
    assert first.product.id == "strong"
    assert any("gentler options come first" in line for line in first.content.reasons)


SHIPPED = load_catalog()
PEEL = "plain-formula-aha-30pct-bha-2pct-peeling-solution"


@pytest.mark.parametrize(
    ("person", "monk"),
    [
        (CareProfile(age=50, sensitive_skin=True, breastfeeding=True), 1),
        (CareProfile(age=50, sensitive_skin=True, allergies=("retinoids",)), 1),
        (CareProfile(age=30), 10),
        (CareProfile(age=15), 3),
    ],
)
def test_the_shipped_peel_never_goes_to_the_people_its_label_warns(
    person: CareProfile, monk: int
) -> None:
    concerns = {"wrinkles": 95, "pigmentation": 95, "pores": 95, "acne": 70, "shine": 40}
    routine = build_routine(SkinNeeds(concerns, "oily", monk_tone=monk), person, SHIPPED)
    assert PEEL not in chosen(routine)
    assert any(e.product.id == PEEL for e in routine.excluded)


def test_sensitive_skin_gets_no_tretinoin_or_strong_benzoyl_peroxide_when_shipped() -> None:
    acne = SkinNeeds(
        {"acne": 70, "pigmentation": 60, "shine": 55, "pores": 50, "wrinkles": 40}, "oily", 5
    )
    routine = build_routine(acne, CareProfile(age=30, sensitive_skin=True), SHIPPED)
    for step in (*routine.am, *routine.pm):
        assert not step.product.prescription_actives
        for active in step.product.key_actives:
            if active.ingredient.inci_name == "Benzoyl Peroxide":
                assert (active.percent or 0) <= 2.5
