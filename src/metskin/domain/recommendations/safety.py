"""The engine behind the safety rules in `safety_rules.json`."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from metskin.domain.i18n.marks import _
from metskin.domain.recommendations.catalog import Ingredient, KeyActive, Product, normalise
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.prices import price_said
from metskin.domain.recommendations.rules import SafetyRule

# Rule conditions are about the person; ingredient contraindications about the state.
CONTRAINDICATION_FOR = {"pregnant": "pregnancy", "breastfeeding": "breastfeeding"}


@dataclass(frozen=True)
class Exclusion:
    product: Product
    rule_id: str
    reason: str  # shown to the user
    group_reason: str = ""  # the rule's reason for several products (`grouped.py`)


ProductCheck = Callable[[SafetyRule, Product, CareProfile], str | None]


def exclusion_for(
    product: Product, needs: SkinNeeds, profile: CareProfile, rules: Iterable[SafetyRule]
) -> Exclusion | None:
    """The first product rule that keeps this product out, if any."""
    conditions = profile.conditions() | needs.conditions()
    for rule in rules:
        check = PRODUCT_CHECKS.get(rule.kind)
        if check is None or not rule.applies(conditions):
            continue
        reason = check(rule, product, profile)
        if reason:
            return Exclusion(product, rule.id, reason, rule.group_reason)
    return None


def _class_check(rule: SafetyRule, product: Product, _profile: CareProfile) -> str | None:
    if not product.has_class(*rule.classes):
        return None
    hits = product.with_class(*rule.classes)
    return _explain(rule, product, hits[0]) if hits else None


def _strength_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    wanted = {normalise(name) for name in rule.ingredients}
    limit = rule.above_percent or 0.0
    for ingredient in product.ingredients:
        if normalise(ingredient.inci_name) not in wanted:
            continue
        if rule.lifted_by_prescription and prescribed(ingredient, profile):
            continue
        percent = product.percent_of(ingredient)
        if percent is None or percent > limit:  # unknown strength: the safe side
            return rule.explain(
                product=product.display_name,
                ingredient=ingredient.inci_name,
                percent=_percent_text(percent),
                limit=f"{limit:g}",
            )
    return None


def _contraindication_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    for condition in sorted(profile.conditions().intersection(rule.applies_to)):
        state = CONTRAINDICATION_FOR.get(condition)
        hits = product.contraindicated_for(state) if state else ()
        if hits:
            return _explain(rule, product, hits[0])
    return None


def _fragrance_check(rule: SafetyRule, product: Product, _profile: CareProfile) -> str | None:
    hits = [i for i in product.ingredients if i.is_fragrance]
    return _explain(rule, product, hits[0]) if hits else None


def _prescription_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    hits = [i for i in product.prescription_actives if not prescribed(i, profile)]
    return _explain(rule, product, hits[0]) if hits else None


def prescribed(ingredient: Ingredient, profile: CareProfile) -> bool:
    """Whether a doctor prescribed `ingredient` to this person: one of the terms they listed
    is one of its names (INCI or common: "tretinoin", "Retinoic-Acid"), compared as allergies
    are (`term_forms`, `label_words`: case, hyphens, underscores, plurals). Unlike an allergy,
    a term that only appears in a name ("acid") or names a class ("retinoid") lifts nothing:
    a prescription is for one drug, and the safe side here is to lift less."""
    names = {label_words(name) for name in ingredient.names}
    return any(form in names for term in profile.prescribed for form in term_forms(term))


def _avoid_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    return _listed_check(rule, product, profile.avoid)


def _allergy_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    return _listed_check(rule, product, profile.allergies)


def _turned_down_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    return rule.explain(product=product.display_name) if product.id in profile.turned_down else None


def _listed_check(rule: SafetyRule, product: Product, terms: Iterable[str]) -> str | None:
    found = find_listed(product, terms)
    if found is None:
        return None
    term, label = found
    return rule.explain(product=product.display_name, ingredient=label, other=term)


def _price_check(rule: SafetyRule, product: Product, profile: CareProfile) -> str | None:
    limit = profile.budget_per_product
    if limit is None:
        return None
    price = profile.price_of(product)
    if price.price <= profile.budget(limit):
        return None
    return rule.explain(
        product=product.display_name, price=price_said(price), budget=profile.budget(limit)
    )


PRODUCT_CHECKS: dict[str, ProductCheck] = {
    "exclude_class": _class_check,
    "exclude_above_percent": _strength_check,
    "exclude_contraindicated": _contraindication_check,
    "exclude_fragrance": _fragrance_check,
    "exclude_prescription": _prescription_check,
    "avoid_list": _avoid_check,
    "allergy": _allergy_check,
    "turned_down": _turned_down_check,
    "budget_per_product": _price_check,
}


def _explain(rule: SafetyRule, product: Product, ingredient: Ingredient) -> str:
    return rule.explain(
        product=product.display_name,
        ingredient=ingredient.inci_name,
        percent=_percent_text(product.percent_of(ingredient)),
    )


def _percent_text(percent: float | None) -> str:
    return _("unknown") if percent is None else f"{percent:g}"


def find_listed(product: Product, terms: Iterable[str]) -> tuple[str, str] | None:
    """(term, label) for the first listed term found anywhere on the label.

    Matches the full INCI list, common names and ingredient classes, compared as
    `term_forms` and `label_words` say (case, hyphens, plurals).
    """
    for term in terms:
        forms = term_forms(term)
        if not forms:
            continue
        for label in product.inci:
            if _label_mentions(label, forms):
                return term, label
        for ingredient in product.ingredients:
            if _ingredient_found(ingredient, forms):
                return term, ingredient.inci_name
    return None


def listed_names(
    names: Iterable[str], ingredients: Mapping[str, Ingredient], terms: Iterable[str]
) -> tuple[str, ...]:
    """The label `names` (INCI names as products list them) that any of `terms` finds, as
    `find_listed` finds them: a product lists one of these exactly when `find_listed` finds a
    term on it. `ingredients`: the known ones, keyed by `normalise`d INCI name."""
    forms = tuple(dict.fromkeys(form for term in terms for form in term_forms(term)))
    if not forms:
        return ()
    found = []
    for name in names:
        known = ingredients.get(normalise(name))
        if _label_mentions(name, forms) or (known is not None and _ingredient_found(known, forms)):
            found.append(name)
    return tuple(found)


@lru_cache(maxsize=8192)
def label_words(name: str) -> str:
    """A name as listed terms are compared with it: case, spacing, hyphens and underscores
    do not count ("Tea-Tree Oil" is "tea tree oil", a class "benzoyl_peroxide" is
    "benzoyl peroxide")."""
    return normalise(name.replace("-", " ").replace("_", " "))


SINGULAR_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""))


def term_forms(term: str) -> tuple[str, ...]:
    """An allergy or avoid-list term as it is looked for: its `label_words` and the singular
    forms of its last word ("oats" -> "oat", "shea butters" -> "shea butter", "sulfates" ->
    "sulfate", "berries" -> "berry"). A wrong singular finds nothing (whole words only)."""
    words = label_words(term)
    if not words:
        return ()
    last = words.rsplit(" ", 1)[-1]
    forms = [words]
    if not last.endswith("ss"):
        for plural, singular in SINGULAR_ENDINGS:
            if last.endswith(plural) and len(last) > len(plural) + 2:
                forms.append(words[: -len(plural)] + singular)
    return tuple(dict.fromkeys(forms))


def _label_mentions(label: str, forms: Iterable[str]) -> bool:
    return any(_mentions(label, wanted) for wanted in forms)


def _ingredient_found(ingredient: Ingredient, forms: Iterable[str]) -> bool:
    return any(_ingredient_matches(ingredient, wanted) for wanted in forms)


def _ingredient_matches(ingredient: Ingredient, wanted: str) -> bool:
    if any(_mentions(name, wanted) for name in ingredient.common_names):
        return True
    return any(label_words(c) == wanted for c in ingredient.classes)


def _mentions(name: str, wanted: str) -> bool:
    """Whole-word match: "lavender" finds "lavender oil", "acid" does not find "acidic"."""
    return _whole_word(wanted).search(label_words(name)) is not None


@lru_cache(maxsize=4096)
def _whole_word(wanted: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")


def conflict_between(a: Product, b: Product, rules: Iterable[SafetyRule]) -> SafetyRule | None:
    """The rule that keeps these two products out of the same AM or PM routine."""
    for rule in rules:
        if rule.kind != "no_same_time":
            continue
        if _pairs(a, b, rule) or _pairs(b, a, rule):
            return rule
    return None


def stacking_between(a: Product, b: Product, rules: Iterable[SafetyRule]) -> str | None:
    """Why `a` may not go in the same AM or PM routine as `b`: a key active of the same kind
    (niacinamide and niacinamide, two acids, two retinoids) would add up to a stronger dose."""
    for rule in rules:
        if rule.kind != "no_stacking":
            continue
        for mine in a.key_actives:
            theirs = _same_kind(mine, b, rule.classes)
            if theirs is not None:
                return rule.explain(
                    product=a.display_name,
                    ingredient=mine.label(),
                    other=b.display_name,
                    other_ingredient=theirs.label(),
                )
    return None


def _same_kind(mine: KeyActive, other: Product, classes: tuple[str, ...]) -> KeyActive | None:
    kinds = set(mine.ingredient.classes).intersection(classes)
    if not kinds:
        return None
    return next((a for a in other.key_actives if kinds.intersection(a.ingredient.classes)), None)


def _pairs(a: Product, b: Product, rule: SafetyRule) -> bool:
    return a.has_class(*rule.classes) and b.has_class(*rule.with_classes)


def allowed_times(
    product: Product, rules: Iterable[SafetyRule]
) -> tuple[tuple[str, ...], tuple[SafetyRule, ...]]:
    """The times of day a product may be used, and the timing rules that narrowed them."""
    times = product.usage.times
    applied = []
    for rule in rules:
        if rule.kind == "time_only" and rule.time and _has(product, rule):
            times = tuple(t for t in times if t == rule.time) or (rule.time,)
            applied.append(rule)
    return times, tuple(applied)


def needed_slots(product: Product, rules: Iterable[SafetyRule]) -> tuple[SafetyRule, ...]:
    """The `requires_slot` rules this product triggers (SPF with AHAs or retinoids)."""
    return tuple(r for r in rules if r.kind == "requires_slot" and _has(product, r))


def unsafe_without(
    product: Product, rules: Iterable[SafetyRule], filled: Collection[str]
) -> Exclusion | None:
    """Why `product` stays out of a routine whose `filled` slots lack one it needs (an AHA or a
    retinoid without a sunscreen); None when it needs none of the missing ones."""
    for rule in needed_slots(product, rules):
        if rule.slot in filled:
            continue
        hits = product.with_class(*rule.classes)
        ingredient = hits[0].inci_name if hits else ""
        reason = rule.explain(product=product.display_name, ingredient=ingredient)
        return Exclusion(product, rule.id, reason)
    return None


def _has(product: Product, rule: SafetyRule) -> bool:
    return product.has_class(*rule.classes) or not product.inci_keys.isdisjoint(
        _normalised(rule.ingredients)
    )


@cache
def _normalised(names: tuple[str, ...]) -> frozenset[str]:
    """A rule's ingredient names as compared (the rules are few and fixed)."""
    return frozenset(normalise(name) for name in names)


def rule_of_kind(rules: Iterable[SafetyRule], kind: str) -> SafetyRule | None:
    return next((rule for rule in rules if rule.kind == kind), None)
