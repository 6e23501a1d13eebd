""" "A prescription treatment such as X could help": said only when a prescription for X would
have put X in the routine (a second build with the prescription assumed), never on a score
alone; and for the concern the build would have picked it for."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest

from metskin.domain.recommendations.advice import ESSENTIAL_SLOTS
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile
from tests.unit.recommendations.test_recommendations_safety import chosen

TRETINOIN = product("tret", "serum", [("Tretinoin", 0.025)], when="PM", price="38.00")
GENTLE = product("niac", "serum", [("Niacinamide", 5.0)], price="10.00")
ASK = "A prescription treatment such as Tretinoin could help your acne; ask a dermatologist."


def asks(routine: Routine) -> list[str]:
    return [w for w in routine.warnings if "prescription" in w and "dermatologist" in w]


@pytest.mark.parametrize(
    ("person", "skin"),
    [
        # The total budget (60, with 35 held back for the basics) has no room for its 38.
        ({"age": 30, "budget_total": Decimal(60)}, needs(acne=60)),
        # A deeper tone: tretinoin irritates enough to leave dark marks, the gentler serum
        # comes first whatever the scores (tretinoin's is higher).
        ({"age": 30}, SkinNeeds({"acne": 60, "wrinkles": 60}, "normal", monk_tone=8)),
        # Kept out by a rule a prescription does not lift.
        ({"age": 30, "pregnant": True}, needs(acne=60)),
        ({"age": 30, "allergies": ["retinoids"]}, needs(acne=60)),
    ],
    ids=["total-budget", "deeper-tone", "pregnant", "allergic"],
)
def test_no_line_when_a_prescription_would_not_have_put_it_in_the_routine(
    person: dict, skin: SkinNeeds
) -> None:
    """The line compared scores: the budget and the deeper tone's order were not asked."""
    built = catalog([TRETINOIN, GENTLE])
    assert asks(build_routine(skin, profile(**person), built)) == []
    prescribed = build_routine(skin, profile(**person, prescribed=["tretinoin"]), built)
    assert "tret" not in chosen(prescribed)


def test_the_line_when_a_prescription_would_have_put_it_in_the_routine() -> None:
    built = catalog([TRETINOIN, GENTLE])
    skin = SkinNeeds({"acne": 60, "wrinkles": 60}, "normal", monk_tone=4)
    assert ASK in build_routine(skin, profile(age=30), built).warnings
    assert "tret" in chosen(build_routine(skin, profile(age=30, prescribed=["tretinoin"]), built))
    roomy = build_routine(needs(acne=60), profile(age=30, budget_total=Decimal(80)), built)
    assert ASK in roomy.warnings


SHIPPED = load_catalog()
ACTIVES = tuple(sorted({i.inci_name for p in SHIPPED.products for i in p.prescription_actives}))


def swept() -> list[tuple[SkinNeeds, CareProfile]]:
    """Every 7th of the bench's people (`bench/prescription_lines.py --people all`): acne,
    wrinkles, pigmentation, tone, a total budget, pregnancy, sensitive skin."""
    found = []
    for acne, pigment, wrinkles, monk, extra, sensitive in itertools.product(
        (0, 40, 70, 90),
        (0, 70, 90),
        (0, 90),
        (4, 8),
        ({}, {"budget_total": Decimal(60)}, {"pregnant": True}),
        (False, True),
    ):
        skin = SkinNeeds({"acne": acne, "pigmentation": pigment, "wrinkles": wrinkles}, "oily")
        skin = replace(skin, monk_tone=monk)
        found.append((skin, CareProfile(age=30, sensitive_skin=sensitive, **extra)))
    return found[::7]


@pytest.mark.parametrize(("skin", "person"), swept())
def test_on_the_shipped_catalog_the_line_names_what_a_prescription_would_have_picked(
    skin: SkinNeeds, person: CareProfile
) -> None:
    warnings = build_routine(skin, person, SHIPPED).warnings
    said = {a for a in ACTIVES if any(a in w for w in warnings if "dermatologist" in w)}
    everything = build_routine(skin, replace(person, prescribed=ACTIVES), SHIPPED)
    picked = {
        i.inci_name
        for step in (*everything.am, *everything.pm)
        if step.slot not in ESSENTIAL_SLOTS
        for i in step.product.prescription_actives
    }
    assert said == picked
