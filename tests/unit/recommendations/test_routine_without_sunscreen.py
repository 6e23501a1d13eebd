"""No sunscreen fits the person: the products that need one (retinoids, AHAs) stay out, the
routine is chosen without them, and it says why."""

from __future__ import annotations

from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile

PRODUCTS = [
    product("cleanser", "cleanser", [("Glycerin", None)]),
    product("cream", "moisturiser", [("Ceramide NP", None)]),
    product(
        "spf-with-parfum", "sunscreen", [("Zinc Oxide", 15.0)], when="AM", extra_inci=["Parfum"]
    ),
    product("retinol-serum", "serum", [("Retinol", 0.5)], when="PM", concerns=["wrinkles"]),
    product("bakuchiol-serum", "serum", [("Bakuchiol", 1.0)], concerns=["wrinkles"]),
    product("bha-liquid", "exfoliant", [("Salicylic Acid", 1.0)], concerns=["acne", "pores"]),
]
SKIN = needs(wrinkles=90, acne=80)


def lines(routine: Routine) -> list[str]:
    """Every sentence the routine shows with its steps."""
    return [line for step in (*routine.am, *routine.pm) for line in step.why]


def slots(routine: Routine) -> dict[str, str]:
    return {step.slot: step.product.id for step in (*routine.am, *routine.pm)}


def test_with_a_sunscreen_the_retinol_is_in_and_the_acid_moves_to_the_morning() -> None:
    """The same catalog as below, with a sunscreen the person can use."""
    routine = build_routine(SKIN, profile(), catalog(PRODUCTS, with_basics=False))
    assert slots(routine)["serum"] == "retinol-serum"
    assert {s.product.id for s in routine.pm} >= {"retinol-serum"}
    assert "bha-liquid" not in {s.product.id for s in routine.pm}
    assert any("Retinol Serum" in line for line in lines(routine))


def test_without_a_sunscreen_the_serum_slot_gets_the_best_safe_serum() -> None:
    routine = build_routine(SKIN, profile(avoid=("parfum",)), catalog(PRODUCTS, with_basics=False))
    assert "sunscreen" not in slots(routine)
    assert slots(routine)["serum"] == "bakuchiol-serum"  # was left empty
    # The acid no longer gives way to a retinol the routine does not have...
    assert {s.product.id for s in routine.pm} >= {"bha-liquid", "bakuchiol-serum"}
    # ...and no step speaks of it.
    assert not [line for line in lines(routine) if "Retinol Serum" in line]
    left_out = {e.product.id: e.rule_id for e in routine.excluded}
    assert left_out["retinol-serum"] == "spf.required_with_aha_or_retinoid"
    assert not any(a.product.id == "retinol-serum" for a in routine.alternatives["serum"])
    (why,) = [w for w in routine.warnings if "Products with" in w]
    assert why.startswith("Products with Retinol would suit your skin")
    assert "daily sunscreen" in why


def test_a_retinoid_the_routine_would_not_have_picked_is_not_said_to_be_left_out() -> None:
    """With only pores to treat, no retinoid is missing: no explanation is owed."""
    routine = build_routine(
        needs(pores=80), profile(avoid=("parfum",)), catalog(PRODUCTS, with_basics=False)
    )
    assert "bha-liquid" in slots(routine).values()
    assert not [w for w in routine.warnings if "Products with" in w]
