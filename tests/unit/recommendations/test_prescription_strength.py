"""Prescription status by strength: adapalene is sold over the counter at 0.1% and only on
prescription above, azelaic acid at 10% and on prescription above (`prescription_above` in
ingredients.json); tretinoin, tazarotene and hydroquinone at any strength; benzoyl peroxide
never."""

from __future__ import annotations

import pytest

from metskin.domain.recommendations.loader import load_catalog, parse_catalog
from metskin.domain.recommendations.needs import SkinNeeds
from metskin.domain.recommendations.prescribed import check_prescribed
from metskin.domain.recommendations.records import RecordProblem
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from tests.unit.recommendations.recommendation_builders import (
    INGREDIENTS,
    basics,
    catalog,
    needs,
    packaged_rules,
    product,
    profile,
)
from tests.unit.recommendations.test_recommendations_safety import chosen, excluded_by, rule_hit

ADULT = {"age": 30}
TEEN = {"age": 15}
SENSITIVE = {"age": 30, "sensitive_skin": True}


def adapalene_at(percent: float, person: dict) -> Routine:
    built = catalog([product("adapalene", "serum", [("Adapalene", percent)], when="PM")])
    return build_routine(needs(acne=60), profile(**person), built)


def test_adapalene_above_0_1_percent_needs_a_prescription() -> None:
    assert "adapalene" in chosen(adapalene_at(0.1, ADULT))
    strong = adapalene_at(0.3, ADULT)
    assert "adapalene" not in chosen(strong)
    assert excluded_by(strong, "adapalene") == "prescription.only_when_prescribed"
    (reason,) = [e.reason for e in strong.excluded if e.product.id == "adapalene"]
    assert reason.startswith("Contains Adapalene, a prescription-only active")
    ask = "A prescription treatment such as Adapalene could help your acne; ask a dermatologist."
    assert ask in strong.warnings


@pytest.mark.parametrize("said", ["adapalene", "Adapalene", "Differin"])
def test_a_prescription_for_adapalene_lets_the_strong_gel_in(said: str) -> None:
    routine = adapalene_at(0.3, {**ADULT, "prescribed": [said]})
    assert "adapalene" in chosen(routine)
    rx = "Testlab Adapalene is prescription-only: use it only as your doctor prescribes."
    assert rx in routine.warnings
    # The over-the-counter strength is no prescription product, prescribed or not.
    assert rx not in adapalene_at(0.1, {**ADULT, "prescribed": [said]}).warnings


@pytest.mark.parametrize(
    ("person", "rule_id"),
    [
        (TEEN, rule_hit("minor.no_prescription_actives")),
        (SENSITIVE, rule_hit("strength.no_prescription_strength_adapalene")),
    ],
)
def test_minors_and_sensitive_skin_get_the_strong_gel_as_tretinoin_only_when_prescribed(
    person: dict, rule_id: str
) -> None:
    """A prescription lifts the strength rule too, as it lifts the prescription rules (it
    stayed even with a prescription); the rule stays, so that a catalog not yet seeded with
    `prescription_above` still keeps the strong gel from them."""
    strong = adapalene_at(0.3, person)
    assert excluded_by(strong, "adapalene") == rule_id
    ask = "A prescription treatment such as Adapalene could help your acne; ask a dermatologist."
    assert ask in strong.warnings
    assert "adapalene" in chosen(adapalene_at(0.1, person))
    assert "adapalene" in chosen(adapalene_at(0.3, {**person, "prescribed": ["adapalene"]}))


def test_a_strength_dependent_prescription_active_needs_its_strength_on_the_label() -> None:
    unknown = product("adapalene", "serum", [("Adapalene", None)], when="PM")
    with pytest.raises(RecordProblem, match="Adapalene needs a concentration"):
        parse_catalog(INGREDIENTS, [unknown])


def test_benzoyl_peroxide_needs_no_prescription_at_any_strength() -> None:
    built = catalog([product("bpo", "spot_treatment", [("Benzoyl Peroxide", 10.0)], when="PM")])
    assert "bpo" in chosen(build_routine(needs(acne=90), profile(**ADULT), built))


SHIPPED = load_catalog()


def test_the_shipped_catalog_s_prescription_products_by_strength() -> None:
    """Which shipped products are sold only on prescription, and for which active."""
    found = {
        p.id: sorted(i.inci_name for i in p.prescription_actives)
        for p in SHIPPED.products
        if p.prescription_actives
    }
    assert found == {
        "clearmark-derm-azelaic-15pct-clearing-gel": ["Azelaic Acid"],
        "derm-rx-clinical-adapalene-0-3pct-bpo-2-5pct-gel": ["Adapalene"],
        "derm-rx-clinical-hydroquinone-4pct-cream": ["Hydroquinone"],
        "derm-rx-clinical-tazarotene-0-1pct-cream": ["Tazarotene"],
        "derm-rx-clinical-tretinoin-0-025pct-cream": ["Tretinoin"],
        "derm-rx-clinical-tretinoin-0-05pct-cream": ["Tretinoin"],
        "derm-rx-clinical-triple-fade-cream": ["Hydroquinone", "Tretinoin"],
    }


def test_azelaic_acid_above_10_percent_needs_a_prescription() -> None:
    """15% (Finacea, Skinoren) is prescription-only in the EU, UK and US; 10% is sold as a
    cosmetic, and three shipped products have it."""
    azelaic = SHIPPED.ingredients["azelaic acid"]
    assert not azelaic.prescription_only_at(10.0)
    assert azelaic.prescription_only_at(15.0)
    ten = [p.id for p in SHIPPED.products if p.percent_of(azelaic) == 10.0]
    assert len(ten) == 3 and not any(SHIPPED.product(i).prescription_actives for i in ten)
    gel = "clearmark-derm-azelaic-15pct-clearing-gel"
    redness = SkinNeeds({"redness": 60, "acne": 40}, "normal", monk_tone=4)
    for person in (ADULT, TEEN, SENSITIVE):
        routine = build_routine(redness, profile(**person), SHIPPED)
        assert gel not in chosen(routine)
        assert excluded_by(routine, gel) in {
            "prescription.only_when_prescribed",
            "minor.no_prescription_actives",
            "sensitive.no_prescription_actives",
        }
    check_prescribed(["azelaic acid"], tuple(SHIPPED.ingredients.values()))


def test_an_adult_gets_the_shipped_0_3_percent_gel_only_when_prescribed() -> None:
    gel = "derm-rx-clinical-adapalene-0-3pct-bpo-2-5pct-gel"
    acne = SkinNeeds({"acne": 40, "pigmentation": 40}, "oily", monk_tone=4)
    without = build_routine(acne, profile(**ADULT), SHIPPED)
    assert gel not in chosen(without)
    assert excluded_by(without, gel) == "prescription.only_when_prescribed"
    assert gel in chosen(build_routine(acne, profile(**ADULT, prescribed=["adapalene"]), SHIPPED))


def test_without_prescription_above_the_strength_rule_still_guards_minors_and_sensitive_skin() -> (
    None
):
    """A deployed catalog not yet seeded: adapalene without `prescription_above`."""
    old = [{k: v for k, v in i.items() if k != "prescription_above"} for i in INGREDIENTS]
    built = parse_catalog(
        old,
        [*basics(), product("adapalene", "serum", [("Adapalene", 0.3)], when="PM")],
        packaged_rules(),
    )
    for person in (TEEN, SENSITIVE):
        routine = build_routine(needs(acne=60), profile(**person), built)
        assert "adapalene" not in chosen(routine)
        prescribed = profile(**person, prescribed=["adapalene"])
        assert "adapalene" in chosen(build_routine(needs(acne=60), prescribed, built))
