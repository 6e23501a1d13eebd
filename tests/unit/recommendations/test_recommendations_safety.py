"""One test (at least) for every safety rule in safety_rules.json."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import Rate, RatesTable
from metskin.domain.recommendations.catalog import Catalog, normalise
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.routine_model import Routine
from metskin.domain.recommendations.safety import exclusion_for, find_listed, listed_names
from tests.unit.recommendations.recommendation_builders import (
    catalog,
    needs,
    packaged_rules,
    product,
    profile,
)


def excluded_by(routine: Routine, product_id: str) -> str | None:
    return next((e.rule_id for e in routine.excluded if e.product.id == product_id), None)


def chosen(routine: Routine) -> set[str]:
    return {p.id for p in routine.products}


def with_cream(product_id: str, ingredient: str, price: str) -> Catalog:
    """The basics and a ceramide moisturiser whose label also lists `ingredient`."""
    return catalog(
        [
            product(
                product_id,
                "moisturiser",
                [("Ceramide NP", None)],
                extra_inci=[ingredient],
                price=price,
            )
        ]
    )


def rule_hit(rule_id: str) -> str:
    """Marks the rule a test is about; see the last test."""
    return rule_id


@pytest.mark.parametrize("state", [{"pregnant": True}, {"breastfeeding": True}])
def test_no_retinoids_when_pregnant_or_breastfeeding(state: dict) -> None:
    built = catalog([product("retinol", "serum", [("Retinol", 0.5)], when="PM")])
    routine = build_routine(needs(wrinkles=80), profile(**state), built)
    assert "retinol" not in chosen(routine)
    assert excluded_by(routine, "retinol") == rule_hit("pregnancy.no_retinoids")
    reason = next(e.reason for e in routine.excluded if e.product.id == "retinol")
    assert "Retinol" in reason and "pregnancy" in reason


def test_retinoid_is_offered_when_not_pregnant() -> None:
    built = catalog([product("retinol", "serum", [("Retinol", 0.5)], when="PM")])
    routine = build_routine(needs(wrinkles=80), profile(), built)
    assert "retinol" in chosen(routine)


def test_no_hydroquinone_when_pregnant() -> None:
    built = catalog([product("hq", "serum", [("Hydroquinone", 4.0)], when="PM")])
    routine = build_routine(needs(pigmentation=90), profile(pregnant=True, age=30), built)
    assert excluded_by(routine, "hq") == rule_hit("pregnancy.no_hydroquinone")


@pytest.mark.parametrize(("percent", "allowed"), [(0.5, True), (2.0, True), (4.0, False)])
def test_salicylic_acid_above_two_percent_is_left_out_in_pregnancy(
    percent: float, allowed: bool
) -> None:
    built = catalog([product("bha", "serum", [("Salicylic Acid", percent)])])
    routine = build_routine(needs(acne=80), profile(breastfeeding=True), built)
    assert ("bha" in chosen(routine)) is allowed
    if not allowed:
        assert excluded_by(routine, "bha") == rule_hit("pregnancy.no_high_strength_salicylic")


def test_other_pregnancy_contraindicated_ingredients_are_left_out() -> None:
    built = catalog([product("vit-k", "eye_care", [("Phytonadione", 1.0)])])
    routine = build_routine(needs(dark_circles=80), profile(pregnant=True), built)
    assert excluded_by(routine, "vit-k") == rule_hit("pregnancy.contraindicated_ingredient")


def test_prescription_actives_are_left_out_for_minors() -> None:
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="PM")])
    teen = build_routine(needs(acne=80), profile(birth_year=2010, current_year=2026), built)
    assert excluded_by(teen, "tret") == rule_hit("minor.no_prescription_actives")
    # The rule says "only when a doctor prescribes it": a teen's prescription lifts it.
    prescribed = profile(birth_year=2010, current_year=2026, prescribed=["tretinoin"])
    assert "tret" in chosen(build_routine(needs(acne=80), prescribed, built))


def test_an_adult_gets_no_prescription_only_product_without_a_prescription() -> None:
    """Tretinoin was picked for any adult with acne, with only "use it only as your doctor
    prescribes": nobody can buy it without a prescription."""
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="PM")])
    adult = build_routine(needs(acne=60), profile(age=30), built)
    assert "tret" not in chosen(adult)
    assert excluded_by(adult, "tret") == rule_hit("prescription.only_when_prescribed")
    assert not any("prescription-only" in warning for warning in adult.warnings)
    # It would have been the pick: one line says so, and points to a dermatologist.
    ask = "A prescription treatment such as Tretinoin could help your acne; ask a dermatologist."
    assert ask in adult.warnings


@pytest.mark.parametrize("said", ["tretinoin", "Tretinoin", "retinoic acids", "Retinoic-Acid"])
def test_a_prescribed_active_goes_in_the_routine(said: str) -> None:
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="PM")])
    routine = build_routine(needs(acne=60), profile(age=30, prescribed=[said]), built)
    assert "tret" in chosen(routine)
    assert any("prescription-only: use it only as your doctor" in w for w in routine.warnings)
    assert not any("ask a dermatologist" in w for w in routine.warnings)


@pytest.mark.parametrize("said", ["retinoid", "acid", "hydroquinone", "tretinoine"])
def test_only_the_prescribed_drug_itself_lifts_the_rule(said: str) -> None:
    """Unlike an allergy, a class or a word of a name does not count: the safe side of a
    prescription is to lift less."""
    built = catalog(
        [
            product("tret", "serum", [("Tretinoin", 0.025)], when="PM"),
            product("triple", "serum", [("Hydroquinone", 4.0), ("Tretinoin", 0.05)], when="PM"),
        ]
    )
    routine = build_routine(needs(acne=60), profile(age=30, prescribed=[said]), built)
    assert not chosen(routine) & {"tret", "triple"}
    assert excluded_by(routine, "triple") == "prescription.only_when_prescribed"


def test_a_severe_score_names_the_prescription_treatment_in_its_own_line() -> None:
    """Acne of 75 and more already had "a dermatologist can offer prescription options":
    the treatment left out is named there rather than in a second line."""
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="PM")])
    routine = build_routine(needs(acne=90), profile(age=30), built)
    doctor = [w for w in routine.warnings if "dermatologist" in w]
    assert doctor == [
        "Your acne score is high: a dermatologist can offer prescription options such as "
        "Tretinoin that work faster and help prevent scarring."
    ]


def test_a_prescription_does_not_lift_pregnancy_rules() -> None:
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="PM")])
    person = profile(age=30, pregnant=True, prescribed=["tretinoin"])
    routine = build_routine(needs(acne=60), person, built)
    assert excluded_by(routine, "tret") == "pregnancy.no_retinoids"
    assert not any("could help your" in w for w in routine.warnings)


def test_sensitive_skin_gets_only_fragrance_free_products() -> None:
    built = with_cream("scented-cream", "Parfum", price="5.00")
    sensitive = build_routine(needs(dryness=80), profile(sensitive_skin=True), built)
    assert excluded_by(sensitive, "scented-cream") == rule_hit("sensitive.fragrance_free")
    assert all(p.fragrance_free for p in sensitive.products)


def test_avoid_list_ingredient_hidden_deep_in_the_inci_list() -> None:
    # Limonene is not a key active: it sits near the end of the full label.
    hidden = product(
        "hidden",
        "serum",
        [("Niacinamide", 5.0)],
        extra_inci=["Xanthan Gum", "Sodium Citrate", "Limonene"],
    )
    assert hidden["inci"].index("Limonene") > 3
    built = catalog([hidden])
    routine = build_routine(needs(shine=80), profile(avoid=("LIMONENE",)), built)
    assert "hidden" not in chosen(routine)
    assert excluded_by(routine, "hidden") == rule_hit("avoid.listed_ingredient")
    reason = next(e.reason for e in routine.excluded if e.product.id == "hidden")
    assert "Limonene" in reason and "avoid-list" in reason


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("fragrance", "Parfum"),  # a common name of an INCI entry
        ("Lavender", "Lavandula Angustifolia Oil"),  # part of a common name
        ("  parfum ", "Parfum"),  # spacing and case
        ("fragrances", "Parfum"),  # a class, plural
        ("lavender-oils", "Lavandula Angustifolia Oil"),  # hyphen and plural
        ("Essential_Oils", "Lavandula Angustifolia Oil"),  # a class as written in the data
        ("PERFUMES", "Parfum"),
    ],
)
def test_avoid_list_matches_common_names_and_classes(term: str, found: str) -> None:
    built = catalog(
        [
            product(
                "scented",
                "serum",
                [("Niacinamide", 5.0)],
                extra_inci=["Parfum", "Lavandula Angustifolia Oil"],
            )
        ]
    )
    listed = find_listed(built.product("scented"), [term])
    assert listed is not None and listed[1] == found


@pytest.mark.parametrize(
    ("term", "variant"),
    [
        ("oat", "oats"),
        ("sulfate", "sulfates"),
        ("shea butter", "Shea Butters"),
        ("tea tree oil", "tea-tree oil"),
        ("benzoyl peroxide", "benzoyl-peroxide"),
        ("coconut oil", "coconut oils"),
        ("lanolin", "lanolins"),
        ("copper peptide", "copper peptides"),
    ],
)
def test_an_allergy_written_as_a_plural_or_with_hyphens_finds_the_same_products(
    term: str, variant: str
) -> None:
    shipped = load_catalog().products
    found = {p.id for p in shipped if find_listed(p, [term])}
    assert found
    assert {p.id for p in shipped if find_listed(p, [variant])} == found


@pytest.mark.parametrize(
    "terms",
    [("retinoids",), ("Salicylic-Acid", "fragrances"), ("lavender",), ("acid",), ("vitamin c",)],
)
def test_the_names_a_term_finds_are_on_the_labels_find_listed_finds_it_on(
    terms: tuple[str, ...],
) -> None:
    """`listed_names` (the product filter's names to exclude) is `find_listed`, name by name."""
    shipped = load_catalog()
    labels = {name for p in shipped.products for name in p.inci}
    names = {normalise(n) for n in listed_names(labels, shipped.ingredients, terms)}
    assert names
    for p in shipped.products:
        assert bool(names & {normalise(n) for n in p.inci}) == (find_listed(p, terms) is not None)


def test_avoid_list_needs_whole_words() -> None:
    built = catalog([product("acidic", "serum", [("Niacinamide", 5.0)])])
    assert find_listed(built.product("acidic"), ["nia"]) is None


def test_allergies_are_always_respected() -> None:
    built = with_cream("lavender-cream", "Lavandula Angustifolia Oil", price="4.00")
    routine = build_routine(needs(dryness=90), profile(allergies=("lavender",)), built)
    assert excluded_by(routine, "lavender-cream") == rule_hit("allergy.listed_ingredient")
    assert all(find_listed(p, ["lavender"]) is None for p in routine.products)


def test_per_product_budget() -> None:
    built = catalog([product("luxury", "serum", [("Niacinamide", 10.0)], price="90.00")])
    routine = build_routine(needs(shine=90), profile(budget_per_product=Decimal(40)), built)
    assert excluded_by(routine, "luxury") == rule_hit("budget.per_product")
    assert all(p.price.amount <= 40 for p in routine.products)


NOVEMBER = RatesTable({"GBP": Rate("GBP", Decimal("0.85"), date(2026, 11, 30))})


def test_a_budget_in_another_currency_compares_the_converted_price() -> None:
    # 13.90 EUR is 11.82 GBP at 0.85: inside a 12 GBP limit, outside an 11 GBP one.
    built = catalog([product("serum", "serum", [("Niacinamide", 10.0)], price="13.90")])
    fits = profile(budget_per_product=Decimal(12), currency="GBP", rates=NOVEMBER)
    assert exclusion_for(built.product("serum"), needs(), fits, built.rules) is None
    tight = profile(budget_per_product=Decimal(11), currency="GBP", rates=NOVEMBER)
    exclusion = exclusion_for(built.product("serum"), needs(), tight, built.rules)
    assert exclusion is not None and exclusion.rule_id == "budget.per_product"
    assert exclusion.reason == (
        "Costs 11.82 GBP (13.90 EUR at 0.85, rates of 2026-11-30), "
        "above your limit of 11.00 GBP per product."
    )


def test_a_currency_without_a_rate_is_a_coded_error_not_a_guess() -> None:
    built = catalog([product("serum", "serum", [("Niacinamide", 10.0)], price="6.00")])
    person = profile(budget_per_product=Decimal(40), currency="ISK", rates=NOVEMBER)
    with pytest.raises(ValidationFailed) as raised:
        exclusion_for(built.product("serum"), needs(), person, built.rules)
    assert raised.value.code == "NO_EXCHANGE_RATE" and raised.value.field == "currency"


def test_total_budget_keeps_room_for_the_essentials() -> None:
    # Basics cost 8 + 12 + 15 = 35; a 20 serum would leave no room for them in 45.
    built = catalog(
        [
            product(
                "pricey-serum",
                "serum",
                [("Salicylic Acid", 2.0), ("Niacinamide", 10.0)],
                price="20.00",
            ),
            product("cheap-serum", "serum", [("Niacinamide", 5.0)], price="9.00"),
        ]
    )
    unlimited = build_routine(needs(shine=90, acne=90), profile(), built)
    assert "pricey-serum" in chosen(unlimited)  # the better match, when money is no object
    routine = build_routine(needs(shine=90, acne=90), profile(budget_total=Decimal(45)), built)
    assert routine.total_price.amount <= 45
    assert {"plain-cleanser", "plain-moisturiser", "plain-spf", "cheap-serum"} == chosen(routine)
    assert excluded_by(routine, "pricey-serum") == rule_hit("budget.total")


def test_retinoid_and_acid_never_share_a_routine_time() -> None:
    built = catalog(
        [
            product("retinol", "serum", [("Retinol", 0.5)], when="PM", price="9.00"),
            product("aha", "exfoliant", [("Glycolic Acid", 7.0)], when="PM", price="9.00"),
            product("bpo", "spot_treatment", [("Benzoyl Peroxide", 5.0)], price="9.00"),
        ]
    )
    routine = build_routine(needs(wrinkles=90, acne=80, pigmentation=60), profile(), built)
    for steps in (routine.am, routine.pm):
        classes = [s.product.classes for s in steps]
        has_retinoid = any("retinoid" in c for c in classes)
        has_partner = any(c & {"aha", "bha", "benzoyl_peroxide"} for c in classes)
        assert not (has_retinoid and has_partner)
    conflicted = {
        e.product.id
        for e in routine.excluded
        if e.rule_id == rule_hit("conflict.retinoid_with_acids_or_bpo")
    }
    moved = [s for s in routine.am if s.product.id == "bpo"]
    assert conflicted or moved
    assert "retinol" in chosen(routine)


def test_conflicting_product_that_can_move_goes_to_the_morning() -> None:
    built = catalog(
        [
            product("tret", "serum", [("Tretinoin", 0.05)], when="PM"),
            product("bpo", "spot_treatment", [("Benzoyl Peroxide", 2.5)], when="both"),
        ]
    )
    routine = build_routine(needs(acne=90), profile(age=30, prescribed=["tretinoin"]), built)
    am, pm = {s.product.id for s in routine.am}, {s.product.id for s in routine.pm}
    assert "tret" in pm and "bpo" in am and "bpo" not in pm
    bpo_step = next(s for s in routine.am if s.product.id == "bpo")
    assert any("morning only" in line for line in bpo_step.why)


def test_tretinoin_is_evening_only_even_if_the_label_says_both() -> None:
    built = catalog([product("tret", "serum", [("Tretinoin", 0.025)], when="both")])
    routine = build_routine(needs(wrinkles=90), profile(age=40, prescribed=["Tretinoin"]), built)
    assert "tret" in {s.product.id for s in routine.pm}
    assert "tret" not in {s.product.id for s in routine.am}
    step = next(s for s in routine.pm if s.product.id == "tret")
    assert any("evening routine only" in line for line in step.why)
    rule_hit("timing.retinoids_pm_only")


@pytest.mark.parametrize("active", [("Glycolic Acid", 7.0), ("Retinol", 0.5)])
def test_no_aha_or_retinoid_without_a_sunscreen(active: tuple[str, float]) -> None:
    products = [
        product("cleanser", "cleanser", [("Glycerin", None)]),
        product("cream", "moisturiser", [("Ceramide NP", None)]),
        product(
            "spf-with-parfum", "sunscreen", [("Zinc Oxide", 15.0)], when="AM", extra_inci=["Parfum"]
        ),
        product("active", "serum", [active], when="PM"),
    ]
    built = catalog(products, with_basics=False)
    with_spf = build_routine(needs(wrinkles=90, pigmentation=90), profile(), built)
    assert "active" in chosen(with_spf) and "spf-with-parfum" in chosen(with_spf)
    assert any("sensitive to the sun" in w for w in with_spf.warnings)
    no_spf = build_routine(needs(wrinkles=90, pigmentation=90), profile(avoid=("parfum",)), built)
    assert "active" not in chosen(no_spf)
    assert excluded_by(no_spf, "active") == rule_hit("spf.required_with_aha_or_retinoid")
    assert any("could not find a sunscreen" in w for w in no_spf.warnings)


def test_the_same_kind_of_active_is_not_stacked_in_one_routine_time() -> None:
    built = catalog(
        [
            product("niacinamide-serum", "serum", [("Niacinamide", 10.0)], price="9.00"),
            product("niacinamide-toner", "toner", [("Niacinamide", 4.0)], price="9.00"),
            product("bha-toner", "toner", [("Salicylic Acid", 1.0)], price="9.50"),
        ]
    )
    routine = build_routine(needs(shine=90, pores=80, pigmentation=60), profile(), built)
    assert {"niacinamide-serum", "bha-toner"} <= chosen(routine)
    assert excluded_by(routine, "niacinamide-toner") == rule_hit("stacking.same_kind_of_active")
    reason = next(e.reason for e in routine.excluded if e.product.id == "niacinamide-toner")
    assert "Niacinamide 4%" in reason and "Niacinamide 10%" in reason


def test_every_packaged_rule_has_a_test() -> None:
    source = "".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py")
    )
    untested = [r["id"] for r in packaged_rules() if f'rule_hit("{r["id"]}")' not in source]
    assert not untested
