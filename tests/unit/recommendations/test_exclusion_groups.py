"""The products left out, one line per reason: a "fragrance" allergy's ~30 products are one
line with a count, and the budget's reasons stay in view beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.payload import MAX_EXCLUDED_SHOWN, profile_hash, serialise
from metskin.domain.recommendations.routine import build_routine
from metskin.graphql.recommendations.types import exclusion_groups
from tests.unit.recommendations.recommendation_builders import catalog, needs, product, profile

PACKAGED = load_catalog()
SKIN = SkinNeeds({"acne": 80, "wrinkles": 70, "pigmentation": 60}, "oily")
FRAGRANCE = CareProfile(allergies=("fragrance",), budget_total=Decimal(60))
FRENCH = BabelTranslations().translator("fr-FR")


def test_an_allergy_s_products_are_one_line_and_every_other_reason_stays_in_view() -> None:
    routine = build_routine(SKIN, FRAGRANCE, PACKAGED)
    payload = serialise(routine, [])
    allergic = [e for e in routine.excluded if e.rule_id == "allergy.listed_ingredient"]
    assert len(allergic) >= 25 and len(routine.excluded) > MAX_EXCLUDED_SHOWN
    groups = payload["excluded_groups"]
    # Every product left out is in one group, and every group is shown.
    assert sum(g["count"] for g in groups) == len(routine.excluded) <= 80
    assert len(groups) <= MAX_EXCLUDED_SHOWN
    (allergy,) = [g for g in groups if g["rule_id"] == "allergy.listed_ingredient"]
    assert allergy["count"] == len(allergic)
    assert {p["product_id"] for p in allergy["products"]} == {e.product.id for e in allergic}
    # A line about several products, in the plural ("Contains A, B, which matches" was one
    # product's sentence).
    assert allergy["reason"].startswith("Products with ")
    assert 'Parfum, Rosa Damascena Flower Oil match your allergy "fragrance". ' in allergy["reason"]
    assert (
        f"We left out {len(allergic)} of our products for this, among them " in (allergy["reason"])
    )
    assert allergy["reason"].count("Everyday Basics") == 3  # three examples named
    # The budget's reasons and the conflict, hidden behind the allergy's lines before.
    shown: Counter[str] = Counter()
    for group in groups:
        shown[group["rule_id"]] += group["count"]
    left_out = Counter(e.rule_id for e in routine.excluded)
    assert shown == left_out
    assert left_out["budget.total"] > 10
    # Each product keeps its own reason.
    assert {p["reason"] for p in allergy["products"]} == {e.reason for e in allergic}


def test_a_reason_that_names_its_product_is_its_own_line() -> None:
    # With tretinoin prescribed, the routine's retinoid clashes with an acid: a conflict.
    prescribed = replace(FRAGRANCE, prescribed=("tretinoin",))
    routine = build_routine(SKIN, prescribed, PACKAGED)
    groups = serialise(routine, [])["excluded_groups"]
    (conflict,) = [g for g in groups if g["rule_id"].startswith("conflict.")]
    assert conflict["count"] == 1
    assert conflict["reason"] == conflict["products"][0]["reason"]


def test_the_grouped_line_reads_in_french() -> None:
    payload = serialise(build_routine(SKIN, FRAGRANCE, PACKAGED), [])
    (allergy, *_) = [
        g for g in exclusion_groups(payload, FRENCH) if g.rule_id == "allergy.listed_ingredient"
    ]
    assert allergy.reason.startswith("Les produits contenant ")
    assert "correspondent à votre allergie" in allergy.reason
    assert "Nous avons écarté pour cette raison 30 de nos produits, dont " in allergy.reason
    assert allergy.count == 30 and len(allergy.products) == 30


def test_a_routine_saved_before_the_groups_has_each_product_as_its_own() -> None:
    payload = serialise(build_routine(SKIN, FRAGRANCE, PACKAGED), [])
    del payload["excluded_groups"]
    groups = exclusion_groups(payload, FRENCH)
    assert [g.count for g in groups] == [1] * len(payload["excluded"])
    assert groups[0].products[0].product_id == payload["excluded"][0]["product_id"]
    assert groups[0].reason.startswith("Contient ")


def test_a_routine_saved_before_the_groups_keeps_its_key() -> None:
    """The groups are read from the exclusions: the key a routine was saved under before they
    came stays its key, so it is found and stays the person's routine (a new key would save it
    again and restart their check-in count)."""
    routine = build_routine(SKIN, FRAGRANCE, PACKAGED)
    payload = serialise(routine, [])
    before = {name: value for name, value in payload.items() if name != "excluded_groups"}
    assert profile_hash(SKIN, FRAGRANCE, payload) == profile_hash(SKIN, FRAGRANCE, before)


def test_the_products_over_the_total_budget_are_one_line_whatever_their_prices() -> None:
    """The budget's reasons grouped only at the same price: one line per price, ~25 lines in a
    routine without a sunscreen. The line names the budget, not a price; each product keeps
    its own reason with its price."""
    routine = build_routine(SKIN, FRAGRANCE, PACKAGED)
    over = [e for e in routine.excluded if e.rule_id == "budget.total"]
    assert len({e.reason for e in over}) > 5  # several prices
    (line,) = [
        g for g in serialise(routine, [])["excluded_groups"] if g["rule_id"] == "budget.total"
    ]
    assert line["reason"].startswith(
        "Products that would take the routine over your total budget of 60.00 EUR. We left out "
        f"{len(over)} of our products for this, among them "
    )
    assert {p["reason"] for p in line["products"]} <= {e.reason for e in over}


def test_every_reason_that_can_group_has_a_sentence_for_several_products() -> None:
    """A reason that does not name its product groups (`grouped._shared`): its rule says it
    for several products too (`group_reason`), translated."""
    german = BabelTranslations().translator("de-DE")
    for rule in PACKAGED.rules:
        if "{product}" in rule.reason:
            continue
        assert rule.group_reason, rule.id
        for tr in (FRENCH, german):
            assert tr.gettext(rule.group_reason) != rule.group_reason, (rule.id, tr.locale)


def test_the_products_that_would_stack_on_one_pick_are_one_line() -> None:
    """A stacking reason names its product, so each was its own line (21 in a routine without
    a sunscreen); the rule's line for several names the pick they would go on top of."""
    built = catalog(
        [
            product("niacinamide-serum", "serum", [("Niacinamide", 10.0)], price="9.00"),
            product("b3-toner", "toner", [("Niacinamide", 4.0)], price="9.00"),
            product("b3-mist", "toner", [("Niacinamide", 5.0)], price="9.00"),
            product("bha-toner", "toner", [("Salicylic Acid", 1.0)], price="9.50"),
        ]
    )
    routine = build_routine(needs(shine=90, pores=80, pigmentation=60), profile(), built)
    groups = serialise(routine, [])["excluded_groups"]
    (stacking,) = [g for g in groups if g["rule_id"] == "stacking.same_kind_of_active"]
    assert stacking["count"] == 2
    assert stacking["reason"].startswith(
        "Products with Niacinamide 4%, Niacinamide 5% would go on top of Testlab Niacinamide "
        "Serum (Niacinamide 10%) in the same routine: "
    )
    assert stacking["reason"].endswith(
        "We left out 2 of our products for this, among them Testlab B3 Mist, Testlab B3 Toner."
    )
