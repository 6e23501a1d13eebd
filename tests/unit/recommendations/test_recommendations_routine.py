"""The routine builder: order, one product per slot, explanations, alternatives, ranker."""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metskin.domain.recommendations.advice import PATCH_TEST
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from metskin.domain.recommendations.rules import load_safety_rules
from metskin.domain.recommendations.safety import find_listed
from metskin.domain.recommendations.scoring import ScoredProduct
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES, SLOTS
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile

PACKAGED = load_catalog()
ACNE_AND_AGEING = SkinNeeds(
    {"acne": 70, "pigmentation": 60, "shine": 55, "pores": 50, "wrinkles": 40, "dark_circles": 45},
    "oily",
    monk_tone=5,
)


def slots(steps: tuple) -> list[str]:
    return [step.slot for step in steps]


def test_steps_follow_the_application_order_with_spf_last_in_the_morning() -> None:
    routine = build_routine(ACNE_AND_AGEING, CareProfile(age=30), PACKAGED)
    for steps in (routine.am, routine.pm):
        order = slots(steps)
        assert order == sorted(order, key=SLOTS.index)
        assert len(order) == len(set(order))  # one product per slot
        assert order[0] == "cleanser"
    assert routine.am[-1].slot == "sunscreen"
    assert "sunscreen" not in slots(routine.pm)
    assert "moisturiser" in slots(routine.am) and "moisturiser" in slots(routine.pm)


def test_treatments_follow_the_measured_needs() -> None:
    calm = build_routine(needs("normal", dryness=10), CareProfile(), PACKAGED)
    assert set(slots(calm.am) + slots(calm.pm)) == {"cleanser", "moisturiser", "sunscreen"}
    busy = build_routine(ACNE_AND_AGEING, CareProfile(age=30), PACKAGED)
    used = set(slots(busy.am) + slots(busy.pm))
    assert {"serum", "spot_treatment", "eye_care"} <= used


def test_every_step_explains_itself() -> None:
    routine = build_routine(ACNE_AND_AGEING, CareProfile(age=30), PACKAGED)
    for step in (*routine.am, *routine.pm):
        assert step.why, step.product.id
        assert step.how_much and step.frequency
        leave_on = step.slot != "cleanser"  # a wash is rinsed off: no patch test (`introduction`)
        if leave_on and step.product.classes & {"retinoid", "aha", "bha", "benzoyl_peroxide"}:
            assert any("Patch test" in line for line in step.introduce)
            assert step.product.usage.how_to_introduce in step.introduce
    serum = next(s for s in routine.am + routine.pm if s.slot == "serum")
    assert any(f"{serum.product.display_name} targets " in s for s in serum.why)


def test_an_essential_oil_product_asks_for_one_patch_test() -> None:
    """Its label's own "Patch test first: essential oils ..." and the routine's patch-test advice
    were two "Patch test first" lines in the same step; the advice that says how stays."""
    oils = {
        p.id for p in PACKAGED.products if "essential_oil" in p.classes and p.slot != "cleanser"
    }
    slots_with_oils = {p.slot for p in PACKAGED.products if p.id in oils}
    only_oils = Catalog(
        PACKAGED.ingredients,
        tuple(p for p in PACKAGED.products if p.slot not in slots_with_oils or p.id in oils),
        PACKAGED.rules,
    )
    routine = build_routine(
        SkinNeeds({"acne": 85, "wrinkles": 70, "pores": 70}, "oily"), CareProfile(), only_oils
    )
    steps = [s for s in (*routine.am, *routine.pm) if s.product.id in oils]
    assert steps
    for step in steps:
        assert step.product.usage.how_to_introduce.startswith("Patch test first")
        patch = [line for line in step.introduce if line.startswith("Patch test first")]
        assert patch == [PATCH_TEST], step.product.id
        assert len(set(step.introduce)) == len(step.introduce)
        assert len(set(step.warnings)) == len(step.warnings)
    assert len(set(routine.warnings)) == len(routine.warnings)


def test_alternatives_are_up_to_three_other_safe_products_per_slot() -> None:
    routine = build_routine(ACNE_AND_AGEING, CareProfile(age=30, avoid=("parfum",)), PACKAGED)
    chosen = {p.slot: p.id for p in routine.products}
    assert set(routine.alternatives) == set(chosen)
    for slot, alternatives in routine.alternatives.items():
        assert len(alternatives) <= 3
        assert all(a.product.slot == slot and a.product.id != chosen[slot] for a in alternatives)
        assert all(find_listed(a.product, ["parfum"]) is None for a in alternatives)
    assert len(routine.alternatives["serum"]) == 3


def test_excluded_products_carry_a_rule_and_a_reason() -> None:
    routine = build_routine(ACNE_AND_AGEING, CareProfile(pregnant=True), PACKAGED)
    assert routine.excluded
    assert all(e.rule_id and e.reason for e in routine.excluded)
    assert {"pregnancy.no_retinoids", "pregnancy.no_hydroquinone"} <= {
        e.rule_id for e in routine.excluded
    }
    assert any("pregnancy" in w for w in routine.warnings)


def test_ranker_hook_can_change_the_pick() -> None:
    built = catalog(
        [
            product("best-content", "serum", [("Azelaic Acid", 10.0)]),
            product("learned-favourite", "serum", [("Niacinamide", 5.0)]),
        ]
    )
    skin = needs(pigmentation=80)
    plain = build_routine(skin, profile(), built)
    assert "best-content" in {p.id for p in plain.products}

    seen: list[ScoredProduct] = []

    def ranker(item: Product, _n: SkinNeeds, _p: CareProfile, content: ScoredProduct) -> float:
        seen.append(content)
        return content.score + (5.0 if item.id == "learned-favourite" else 0.0)

    ranked = build_routine(skin, profile(), built, ranker=ranker)
    assert "learned-favourite" in {p.id for p in ranked.products}
    assert seen and all(isinstance(c, ScoredProduct) for c in seen)


def test_severe_scores_suggest_a_dermatologist() -> None:
    routine = build_routine(needs("oily", acne=90), CareProfile(), PACKAGED)
    assert any("dermatologist" in w for w in routine.warnings)
    mild = build_routine(needs("oily", acne=40), CareProfile(), PACKAGED)
    assert not any("dermatologist" in w for w in mild.warnings)


def test_deep_tone_gets_a_matching_tint_or_no_white_cast() -> None:
    skin = SkinNeeds({"pigmentation": 70}, "normal", monk_tone=9)
    spf = next(
        s.product for s in build_routine(skin, CareProfile(), PACKAGED).am if s.slot == "sunscreen"
    )
    if spf.tint_monk_range:
        assert spf.tint_monk_range[0] <= 9 <= spf.tint_monk_range[1]
    else:
        assert not all("mineral_filter" in a.ingredient.classes for a in spf.key_actives)


# Safety holds for any needs and profile, on the real catalog.
profiles = st.builds(
    CareProfile,
    age=st.integers(13, 80),
    pregnant=st.booleans(),
    breastfeeding=st.booleans(),
    sensitive_skin=st.booleans(),
    avoid=st.lists(
        st.sampled_from(
            ["parfum", "lavender", "niacinamide", "zinc oxide", "glycerin", "salicylic acid"]
        ),
        max_size=2,
    ).map(tuple),
    budget_total=st.one_of(st.none(), st.integers(20, 300).map(Decimal)),
    budget_per_product=st.one_of(st.none(), st.integers(8, 120).map(Decimal)),
    currency=st.sampled_from(["EUR", "GBP", "USD", "JPY"]),
)
skin_needs = st.builds(
    SkinNeeds,
    concerns=st.dictionaries(st.sampled_from(CONCERNS), st.integers(0, 100)),
    skin_type=st.sampled_from(SKIN_TYPES),
    monk_tone=st.integers(1, 10),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(skin=skin_needs, person=profiles)
def test_safety_invariants_hold_for_any_person(skin: SkinNeeds, person: CareProfile) -> None:
    routine = build_routine(skin, person, PACKAGED)
    assert_safe(routine, person)


def assert_safe(routine: Routine, person: CareProfile) -> None:
    products = routine.products
    if person.pregnant or person.breastfeeding:
        assert not any(p.classes & {"retinoid", "hydroquinone"} for p in products)
        assert all(p.pregnancy_safe for p in products)
    if person.sensitive_skin:
        assert all(p.fragrance_free for p in products)
    assert all(find_listed(p, person.avoid) is None for p in products)
    # Money: every amount in the person's currency, converted with the rates it names.
    local = {p.id: person.price_of(p).price for p in products}
    if person.budget_per_product is not None:
        assert all(price.amount <= person.budget_per_product for price in local.values())
    if person.budget_total is not None:
        assert routine.total_price.amount <= person.budget_total
    assert routine.total_price.currency == person.currency
    assert routine.total_price.amount == sum((m.amount for m in local.values()), Decimal(0))
    steps = (*routine.am, *routine.pm)
    assert all(s.price.price.currency == person.currency for s in steps)
    if any(p.price.currency != person.currency for p in products):
        assert routine.price_notes and all("rates of" in note for note in routine.price_notes)
    assert_routine_rules(routine)
    for steps in (routine.am, routine.pm):
        # No retinoid beside a separate acid or benzoyl peroxide product in the same slot. A
        # fixed combination formulated together (adapalene + benzoyl peroxide) is one product.
        for a, b in permutations([s.product.classes for s in steps], 2):
            assert not ("retinoid" in a and b & {"aha", "bha", "benzoyl_peroxide"}), (a, b)
    assert not any("retinoid" in s.product.classes for s in routine.am)
    if any(p.classes & {"aha", "retinoid"} for p in products):
        assert routine.am and routine.am[-1].slot == "sunscreen"


STACKING = next(r for r in load_safety_rules() if r.kind == "no_stacking").classes


def assert_routine_rules(routine: Routine) -> None:
    """No active stacked in one time of day, frequencies kept, every "why" line its own."""
    for steps in (routine.am, routine.pm):
        kinds = [
            set(a.ingredient.classes) & set(STACKING) for s in steps for a in s.product.key_actives
        ]
        owners = [s.product.id for s in steps for _ in s.product.key_actives]
        for (i, a), (j, b) in permutations(enumerate(kinds), 2):
            assert owners[i] == owners[j] or not a & b, (owners[i], owners[j], a & b)
    uses: dict[str, int] = {}
    for step in (*routine.am, *routine.pm):
        uses[step.product.id] = uses.get(step.product.id, 0) + 1
        assert step.time in step.product.usage.times
    assert all(uses[p.id] <= p.usage.per_day for p in routine.products)
    lines = [line for step in (*routine.am, *routine.pm) for line in step.why]
    assert len(lines) == len(set(lines)), lines


def test_a_product_used_a_few_times_a_week_is_not_said_to_be_used_once_a_day() -> None:
    weekly = {"when": "both", "how_much": "A few drops", "frequency": "2-3 times a week"}
    built = catalog([product("weekly", "serum", [("Niacinamide", 5.0)], usage=weekly)])
    routine = build_routine(needs(shine=80), profile(), built)
    (step,) = [s for s in (*routine.am, *routine.pm) if s.product.id == "weekly"]
    (note,) = [line for line in step.why if "routine only" in line]
    assert "once a day" not in note
    assert "(2-3 times a week)" in note and "not used both morning and evening" in note
