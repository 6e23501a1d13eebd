"""Candidate shortlists: a small catalog is used whole; a large one is cut, keeping quality."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from importlib import resources

import pytest

from metskin.domain.recommendations.candidates import WHOLE_CATALOG_UP_TO, CandidateIndex
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.loader import load_catalog, parse_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from metskin.domain.recommendations.scoring import score_product
from metskin.domain.recommendations.vocabulary import SKIN_TYPES

MEASURED = ("redness", "pigmentation", "acne", "wrinkles", "pores", "dark_circles", "shine")


@pytest.fixture(scope="module")
def big_catalog() -> Catalog:
    """The shipped catalog as 4,000 products: variants with other brands and prices."""
    folder = resources.files("metskin").joinpath("data", "catalog")
    ingredients = json.loads(folder.joinpath("ingredients.json").read_text())
    products = json.loads(folder.joinpath("products.json").read_text())
    rng = random.Random(11)
    variants = [
        {
            **base,
            "id": f"{base['id']}-v{i}",
            "brand": f"{base['brand']} {i % 31}",
            "price": f"{float(base['price']) * rng.uniform(0.6, 1.6):.2f}",
        }
        for i, base in ((i, products[i % len(products)]) for i in range(4_000))
    ]
    parsed = parse_catalog(ingredients, variants, [])
    return replace(parsed, rules=load_catalog().rules)


def people(seed: int, count: int) -> list[tuple[SkinNeeds, CareProfile]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        needs = SkinNeeds(
            {c: rng.choice([0, 15, 35, 60, 85]) for c in MEASURED},
            rng.choice(SKIN_TYPES),
            monk_tone=rng.randint(1, 10),
        )
        profile = CareProfile(
            pregnant=rng.random() < 0.25,
            allergies=tuple(rng.sample(["Niacinamide", "Linalool", "Parfum"], rng.randint(0, 2))),
            budget_per_product=rng.choice([None, 20, 35]),
        )
        found.append((needs, profile))
    return found


def quality(routine: Routine, needs: SkinNeeds, profile: CareProfile) -> float:
    steps = {step.slot: step.product for step in (*routine.am, *routine.pm)}
    return sum(score_product(p, needs, profile).score for p in steps.values())


def test_a_small_catalog_is_used_whole() -> None:
    catalog = load_catalog()
    assert len(catalog.products) <= WHOLE_CATALOG_UP_TO
    needs, profile = people(1, 1)[0]
    assert CandidateIndex.build(catalog).shortlist(needs, profile) is catalog


@pytest.mark.parametrize("seed", [2, 3])
def test_the_shortlist_keeps_routines_as_good_as_the_whole_catalog(
    big_catalog: Catalog, seed: int
) -> None:
    index = CandidateIndex.build(big_catalog)
    for needs, profile in people(seed, 6):
        shortlist = index.shortlist(needs, profile)
        assert len(shortlist.products) < len(big_catalog.products) / 5
        full = build_routine(needs, profile, big_catalog)
        short = build_routine(needs, profile, shortlist)
        assert {s.slot for s in full.am} == {s.slot for s in short.am}
        assert quality(short, needs, profile) >= 0.98 * quality(full, needs, profile)


def test_hard_limits_are_applied_before_scoring(big_catalog: Catalog) -> None:
    index = CandidateIndex.build(big_catalog)
    needs = SkinNeeds({"acne": 70, "wrinkles": 60}, "oily", monk_tone=8)
    profile = CareProfile(pregnant=True, allergies=("Niacinamide",), budget_per_product=30)
    shortlist = index.shortlist(needs, profile).products
    assert shortlist
    for product in shortlist:
        assert float(product.price.amount) <= 30
        assert "niacinamide" not in {name.lower() for name in product.inci}
        assert product.pregnancy_safe


def test_the_shortlist_leaves_out_allergens_written_as_plurals_or_with_hyphens(
    big_catalog: Catalog,
) -> None:
    index = CandidateIndex.build(big_catalog)
    needs = SkinNeeds({"dryness": 80, "redness": 50, "acne": 60}, "dry", monk_tone=3)
    profile = CareProfile(allergies=("Oats", "shea-butters", "benzoyl-peroxide"))
    shortlist = index.shortlist(needs, profile).products
    assert shortlist
    unwanted = {"avena sativa kernel flour", "butyrospermum parkii butter", "benzoyl peroxide"}
    for product in shortlist:
        assert unwanted.isdisjoint(name.lower() for name in product.inci)


def test_the_shortlist_leaves_out_prices_with_no_exchange_rate(big_catalog: Catalog) -> None:
    """A product stored in a currency with no rate (NGN) is not shortlisted, and the budget
    check on the others does not fail on it (before: NO_EXCHANGE_RATE for everyone)."""
    naira = tuple(
        replace(p, price=replace(p.price, currency="NGN")) if i % 2 else p
        for i, p in enumerate(big_catalog.products)
    )
    index = CandidateIndex.build(replace(big_catalog, products=naira))
    needs = SkinNeeds({"acne": 70, "wrinkles": 60}, "oily", monk_tone=4)
    for profile in (CareProfile(), CareProfile(budget_per_product=30, currency="GBP")):
        shortlist = index.shortlist(needs, profile).products
        assert shortlist and {p.price.currency for p in shortlist} == {"EUR"}
