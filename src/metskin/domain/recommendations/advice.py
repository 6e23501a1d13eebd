"""What a routine tells the person besides its steps: how to start a product, and warnings."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from metskin.domain.i18n.marks import _, n_
from metskin.domain.i18n.said import Said
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.grouped import named
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.safety import needed_slots
from metskin.domain.recommendations.scoring import concern_label

ESSENTIAL_SLOTS = ("sunscreen", "moisturiser", "cleanser")  # always in, chosen last
ACTIVE_CLASSES = frozenset(
    {
        "retinoid",
        "aha",
        "bha",
        "pha",
        "benzoyl_peroxide",
        "hydroquinone",
        "azelaic_acid",
        "vitamin_c",
        "sulfur",
        "essential_oil",
    }
)
NOT_FOUND = {
    "sunscreen": _("We could not find a sunscreen that fits your needs, budget and avoid-list."),
    "moisturiser": _(
        "We could not find a moisturiser that fits your needs, budget and avoid-list."
    ),
    "cleanser": _("We could not find a cleanser that fits your needs, budget and avoid-list."),
}
# No sunscreen fits: one line for it and for every product left out for want of one (a
# retinoid or an AHA), counted rather than listed; `ingredients`: those the routine had picked.
NO_SUNSCREEN_LEFT_OUT = n_(
    "We could not find a sunscreen that fits your needs, budget and avoid-list. {count} of our "
    "products makes skin more sensitive to the sun (as retinoids and exfoliating acids do) and "
    "needs one every day, so we left it out.",
    "We could not find a sunscreen that fits your needs, budget and avoid-list. Products that "
    "make skin more sensitive to the sun (such as retinoids and exfoliating acids) need one "
    "every day, so we left them out: {count} of our products.",
)
NO_SUNSCREEN_LEFT_OUT_SUITED = n_(
    "We could not find a sunscreen that fits your needs, budget and avoid-list. {count} of our "
    "products, with {ingredients}, would suit your skin but makes it more sensitive to the sun "
    "(as retinoids and exfoliating acids do) and needs one every day, so we left it out.",
    "We could not find a sunscreen that fits your needs, budget and avoid-list. Products that "
    "make skin more sensitive to the sun (such as retinoids and exfoliating acids) need one "
    "every day, so we left them out: {count} of our products, among them products with "
    "{ingredients} that would suit your skin.",
)
PATCH_TEST = _(
    "Patch test first: put a little on the side of your neck or behind the ear once a day "
    "for 3 days, and skip the product if it itches, burns or turns red."
)
ONE_AT_A_TIME = _(
    "Start one new active at a time, about two weeks apart, so you can tell what your "
    "skin reacts to."
)
PREGNANCY_NOTE = _(
    "We left out ingredients that are not advised in pregnancy or breastfeeding. "
    "Check any new product with your doctor or midwife."
)
# Severe scores that a routine alone should not be trusted with: (threshold, advice, the same
# advice naming the prescription treatments that would have suited, `{ingredients}`).
SEE_A_DOCTOR = {
    "acne": (
        75,
        _(
            "Your acne score is high: a dermatologist can offer prescription options "
            "that work faster and help prevent scarring."
        ),
        _(
            "Your acne score is high: a dermatologist can offer prescription options such as "
            "{ingredients} that work faster and help prevent scarring."
        ),
    ),
    "pigmentation": (
        80,
        _(
            "Widespread dark patches can be melasma; a dermatologist can confirm "
            "it and guide treatment."
        ),
        _(
            "Widespread dark patches can be melasma; a dermatologist can confirm it and "
            "guide treatment, such as a prescription cream with {ingredients}."
        ),
    ),
    "redness": (
        75,
        _(
            "Persistent strong redness can be rosacea; a doctor can confirm it and "
            "prescribe treatment."
        ),
        _(
            "Persistent strong redness can be rosacea; a doctor can confirm it and "
            "prescribe treatment such as {ingredients}."
        ),
    ),
}
# A prescription-only product would have been the pick for a concern, and the person has no
# prescription for it: one line per concern, instead of the product.
ASK_FOR_PRESCRIPTION = _(
    "A prescription treatment such as {ingredients} could help your {concern}; ask a dermatologist."
)


def introduction(product: Product, profile: CareProfile) -> list[str]:
    """The label's own way to start the product, and the patch-test advice when it is left on
    a careful person's skin or holds an active or a fragrance: one patch-test line, the one
    that says how (a label's "Patch test first: essential oils ..." made it two)."""
    own = product.usage.how_to_introduce
    careful = profile.sensitive_skin or bool(profile.allergies)
    leave_on = product.slot != "cleanser"
    if leave_on and (careful or product.classes & ACTIVE_CLASSES or not product.fragrance_free):
        return [own, PATCH_TEST] if own and not _asks_for_patch_test(own) else [PATCH_TEST]
    return [own] if own else []


def _asks_for_patch_test(line: str) -> bool:
    return line.casefold().startswith(PATCH_TEST.casefold().split(":", 1)[0])


def routine_warnings(
    picked: Collection[str],
    products: list[Product],
    needs: SkinNeeds,
    profile: CareProfile,
    rules: tuple[SafetyRule, ...],
    *,
    left_out: Collection[Product] = (),
    set_aside: int = 0,
    rx_options: Mapping[str, str] | None = None,
) -> list[str]:
    """`picked`: the slots the routine filled; `products`: its products; `left_out`: the
    products it would have suggested but left out for want of a sunscreen (none fits);
    `set_aside`: how many products it left out for want of one in all;
    `rx_options`: concern -> the prescription-only actives that would have been picked for
    it (`prescriptions.OnPrescription.options`)."""
    warnings: list[str] = [
        _no_sunscreen(left_out, rules, set_aside)
        if slot == "sunscreen" and set_aside
        else NOT_FOUND[slot]
        for slot in ESSENTIAL_SLOTS
        if slot not in picked
    ]
    sun_sensitising = _sun_sensitising(products, rules)
    if sun_sensitising and "sunscreen" in picked:
        sun = _(
            "Your products with {ingredients} make your skin more sensitive to the sun: use the "
            "sunscreen every morning, even on cloudy days, and reapply outdoors."
        )
        warnings.append(Said(sun, ingredients=sun_sensitising))
    if sum(1 for p in products if p.classes & ACTIVE_CLASSES) > 1:
        warnings.append(ONE_AT_A_TIME)
    if profile.pregnant or profile.breastfeeding:
        warnings.append(PREGNANCY_NOTE)
    prescription = _("{product} is prescription-only: use it only as your doctor prescribes.")
    warnings += [
        Said(prescription, product=p.display_name) for p in products if p.prescription_actives
    ]
    return list(dict.fromkeys(warnings + _to_a_doctor(needs, rx_options or {})))


def _to_a_doctor(needs: SkinNeeds, options: Mapping[str, str]) -> list[str]:
    """One line per concern that needs a doctor: a severe score (`SEE_A_DOCTOR`), naming the
    prescription treatments that would have suited it if any; or those treatments alone."""
    lines: list[str] = []
    for concern, (threshold, advice, naming) in SEE_A_DOCTOR.items():
        if needs.severity(concern) < threshold:
            continue
        named = options.get(concern)
        lines.append(Said(naming, ingredients=named) if named else advice)
    lines += [
        Said(ASK_FOR_PRESCRIPTION, ingredients=named, concern=concern_label(concern))
        for concern, named in options.items()
        if concern not in SEE_A_DOCTOR or needs.severity(concern) < SEE_A_DOCTOR[concern][0]
    ]
    return lines


def _no_sunscreen(left_out: Collection[Product], rules: tuple[SafetyRule, ...], count: int) -> str:
    """No sunscreen, and `count` products left out for want of one: one line for both."""
    suited = _sun_sensitising(left_out, rules)
    if not suited:
        return Said.counted(NO_SUNSCREEN_LEFT_OUT, count)
    return Said.counted(NO_SUNSCREEN_LEFT_OUT_SUITED, count, ingredients=suited)


def _sun_sensitising(products: Collection[Product], rules: tuple[SafetyRule, ...]) -> str:
    """The ingredients of `products` that need a sunscreen with them, named in a list."""
    return named(
        i.inci_name
        for p in products
        for r in needed_slots(p, rules)
        for i in p.with_class(*r.classes)
    )
