"""The product catalog: ingredients, products and the loader that checks them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import Money, check_currency
from metskin.domain.recommendations.records import (
    RecordProblem,
    flag,
    key_actives_of,
    number,
    per_day_from,
    price,
    table,
    text,
    texts,
    tint_of,
    unknown,
    whole,
)
from metskin.domain.recommendations.rules import SafetyRule, parse_rules
from metskin.domain.recommendations.vocabulary import (
    CONCERNS,
    EVIDENCE_WEIGHTS,
    IRRITATION_LEVELS,
    SKIN_TYPES,
    SLOTS,
    WHEN_CHOICES,
)

NON_COMEDOGENIC_MAX = 2  # highest rating we still call non-comedogenic
INGREDIENTS_FILE = "ingredients.json"
PRODUCTS_FILE = "products.json"
RULES_FILE = "safety_rules.json"


def normalise(name: str) -> str:
    """Case- and space-insensitive key for ingredient names."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Ingredient:
    inci_name: str
    common_names: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()  # "retinoid", "aha", "bha", "spf_filter", ...
    concerns: Mapping[str, str] = field(default_factory=dict)  # concern -> evidence strength
    contraindications: tuple[str, ...] = ()  # "pregnancy", "breastfeeding", "retinoid_conflict"
    contraindicated_above: Mapping[str, float] = field(default_factory=dict)  # only above this %
    is_fragrance: bool = False
    is_essential_oil: bool = False
    comedogenic_rating: int = 0  # 0-5
    irritation: str = "low"
    prescription_only: bool = False  # at any strength (tretinoin, hydroquinone)
    prescription_above: float | None = None  # only above this % (adapalene: 0.1)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.inci_name, *self.common_names)

    def contraindicated(self, condition: str, percent: float | None) -> bool:
        if condition not in self.contraindications:
            return False
        return _above(percent, self.contraindicated_above.get(condition))

    def prescription_only_at(self, percent: float | None) -> bool:
        """Whether a product with `percent` % of it is sold only on prescription."""
        return self.prescription_only or (
            self.prescription_above is not None and _above(percent, self.prescription_above)
        )


def _above(percent: float | None, limit: float | None) -> bool:
    """Above a strength limit, or no limit; an unknown strength counts as above: the safe side."""
    return limit is None or percent is None or percent > limit


@dataclass(frozen=True)
class KeyActive:
    ingredient: Ingredient
    percent: float | None = None

    def label(self) -> str:
        strength = f" {self.percent:g}%" if self.percent is not None else ""
        return f"{self.ingredient.inci_name}{strength}"


@dataclass(frozen=True)
class Usage:
    when: str  # "AM" | "PM" | "both": the times of day it may be used
    how_much: str
    frequency: str  # shown to the person, e.g. "Once or twice a day"
    how_to_introduce: str = ""
    warnings: tuple[str, ...] = ()
    per_day: int = 1  # uses a day at most: 2 may go in the morning and evening routines

    @property
    def times(self) -> tuple[str, ...]:
        return WHEN_CHOICES[self.when]


@dataclass(frozen=True)
class Product:
    id: str
    brand: str
    name: str
    slot: str
    price: Money  # in the catalog's currency; shown converted (see domain/money)
    size: str
    skin_types: tuple[str, ...]
    concerns: tuple[str, ...]
    inci: tuple[str, ...]  # full label, in order
    key_actives: tuple[KeyActive, ...]
    usage: Usage
    ingredients: tuple[Ingredient, ...] = ()  # the known entries of `inci`, in order
    spf: int | None = None
    tint_monk_range: tuple[int, int] | None = None  # shades cover these Monk tones
    # Derived by the loader from the ingredients, never typed in.
    fragrance_free: bool = True
    non_comedogenic: bool = True
    pregnancy_safe: bool = True

    @property
    def display_name(self) -> str:
        return f"{self.brand} {self.name}"

    @cached_property
    def evidence(self) -> dict[str, tuple[float, str, str]]:
        """Per concern: (weight, label, strength) of the key active with the best evidence."""
        best: dict[str, tuple[float, str, str]] = {}
        for active in self.key_actives:
            for concern, strength in active.ingredient.concerns.items():
                weight = EVIDENCE_WEIGHTS.get(strength, 0.0)
                if weight > best.get(concern, (0.0, "", ""))[0]:
                    best[concern] = (weight, active.label(), strength)
        return best

    @cached_property
    def classes(self) -> frozenset[str]:
        return frozenset(c for ingredient in self.ingredients for c in ingredient.classes)

    def percent_of(self, ingredient: Ingredient) -> float | None:
        for active in self.key_actives:
            if active.ingredient.inci_name == ingredient.inci_name:
                return active.percent
        return None

    @cached_property
    def prescription_actives(self) -> tuple[Ingredient, ...]:
        """The ingredients this product is sold on prescription for, at its strengths."""
        return tuple(i for i in self.ingredients if i.prescription_only_at(self.percent_of(i)))

    def contraindicated_for(self, condition: str) -> tuple[Ingredient, ...]:
        return tuple(
            ingredient
            for ingredient in self.ingredients
            if ingredient.contraindicated(condition, self.percent_of(ingredient))
        )

    @cached_property
    def inci_keys(self) -> frozenset[str]:
        """The known ingredients' INCI names, normalised (as the safety rules' are compared)."""
        return frozenset(normalise(i.inci_name) for i in self.ingredients)

    def with_class(self, *classes: str) -> tuple[Ingredient, ...]:
        return tuple(i for i in self.ingredients if set(i.classes).intersection(classes))

    def has_class(self, *classes: str) -> bool:
        """`bool(self.with_class(*classes))`, from the classes kept in one set."""
        return not self.classes.isdisjoint(classes)


@dataclass(frozen=True)
class Catalog:
    ingredients: Mapping[str, Ingredient]  # keyed by normalised INCI name
    products: tuple[Product, ...]
    rules: tuple[SafetyRule, ...] = ()

    def ingredient(self, name: str) -> Ingredient:
        return self.ingredients[normalise(name)]

    def product(self, product_id: str) -> Product:
        for product in self.products:
            if product.id == product_id:
                return product
        raise KeyError(product_id)

    def in_slot(self, slot: str) -> tuple[Product, ...]:
        return tuple(p for p in self.products if p.slot == slot)


def load_catalog(path_or_default: str | Path | None = None) -> Catalog:
    """Load and check the catalog in a folder; the packaged one by default."""
    folder: Traversable | Path = (
        Path(path_or_default)
        if path_or_default is not None
        else resources.files("metskin").joinpath("data", "catalog")
    )
    return parse_catalog(
        _read_json(folder, INGREDIENTS_FILE),
        _read_json(folder, PRODUCTS_FILE),
        _read_json(folder, RULES_FILE),
    )


def parse_catalog(
    raw_ingredients: Sequence[Mapping[str, Any]],
    raw_products: Sequence[Mapping[str, Any]],
    raw_rules: Sequence[Mapping[str, Any]] | None = None,
) -> Catalog:
    ingredients = _parse_ingredients(raw_ingredients)
    products = tuple(_parse_product(item, ingredients) for item in raw_products)
    _check_unique_ids(products)
    return Catalog(ingredients, products, parse_rules(raw_rules or []))


def _read_json(folder: Traversable | Path, name: str) -> list[Mapping[str, Any]]:
    data = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{name} must hold a JSON list")
    return data


def _parse_ingredients(raw: Sequence[Mapping[str, Any]]) -> dict[str, Ingredient]:
    found: dict[str, Ingredient] = {}
    for item in raw:
        ingredient = _parse_ingredient(item)
        key = normalise(ingredient.inci_name)
        if key in found:
            raise RecordProblem(f"Duplicate ingredient {ingredient.inci_name!r}", "inci_name")
        found[key] = ingredient
    return found


def _parse_ingredient(item: Mapping[str, Any]) -> Ingredient:
    if not isinstance(item, Mapping):
        raise RecordProblem("An ingredient must be an object")
    name = text(item, "inci_name")
    try:
        ingredient = _build_ingredient(name, item)
    except RecordProblem as problem:
        raise RecordProblem(f"Ingredient {name!r}: {problem}", problem.field) from None
    problems = unknown("concern", ingredient.concerns, CONCERNS)
    problems += unknown("evidence strength", ingredient.concerns.values(), EVIDENCE_WEIGHTS)
    if ingredient.irritation not in IRRITATION_LEVELS:
        problems.append(f"irritation must be one of {IRRITATION_LEVELS}")
    if problems:
        raise RecordProblem(f"Ingredient {name!r}: {'; '.join(problems)}")
    return ingredient


def _build_ingredient(name: str, item: Mapping[str, Any]) -> Ingredient:
    concerns = table(item, "concerns")
    if not all(isinstance(strength, str) for strength in concerns.values()):
        raise RecordProblem("concerns must map each concern to an evidence strength", "concerns")
    limits = table(item, "contraindicated_above")
    return Ingredient(
        inci_name=name,
        common_names=texts(item, "common_names"),
        functions=texts(item, "functions"),
        classes=texts(item, "classes"),
        concerns=concerns,
        contraindications=texts(item, "contraindications"),
        contraindicated_above={
            state: number(limit, f"contraindicated_above.{state}", 0, 100)
            for state, limit in limits.items()
        },
        is_fragrance=flag(item, "is_fragrance"),
        is_essential_oil=flag(item, "is_essential_oil"),
        comedogenic_rating=whole(item.get("comedogenic_rating", 0), "comedogenic_rating", 0, 5),
        irritation=text(item, "irritation", required=False) or "low",
        prescription_only=flag(item, "prescription_only"),
        prescription_above=None
        if item.get("prescription_above") is None
        else number(item["prescription_above"], "prescription_above", 0, 100),
    )


def _parse_product(item: Mapping[str, Any], known: Mapping[str, Ingredient]) -> Product:
    if not isinstance(item, Mapping):
        raise RecordProblem("A product must be an object")
    product_id = text(item, "id")
    try:
        product = _build_product(product_id, item, known)
    except RecordProblem as problem:
        raise RecordProblem(f"Product {product_id!r}: {problem}", problem.field) from None
    problems = _product_problems(product, known)
    if problems:
        raise RecordProblem(f"Product {product_id!r}: {'; '.join(problems)}")
    return product


def _build_product(
    product_id: str, item: Mapping[str, Any], known: Mapping[str, Ingredient]
) -> Product:
    for name in ("price", "currency", "usage"):
        if name not in item:
            raise RecordProblem(f"{name} is missing", name)
    inci = texts(item, "inci")
    ingredients = tuple(known[normalise(n)] for n in inci if normalise(n) in known)
    key_actives = tuple(
        KeyActive(known[normalise(name)], percent)
        if normalise(name) in known
        else KeyActive(Ingredient(inci_name=name), percent)  # reported by _product_problems
        for name, percent in key_actives_of(item.get("key_actives", []))
    )
    usage = table(item, "usage")
    when = text(usage, "when", at="usage.")
    frequency = text(usage, "frequency", at="usage.")
    per_day = usage.get("per_day")
    spf = item.get("spf")
    return _with_derived_flags(
        Product(
            id=product_id,
            brand=text(item, "brand"),
            name=text(item, "name"),
            slot=text(item, "slot"),
            price=Money(price(item["price"]), _currency(item["currency"])),
            size=text(item, "size"),
            skin_types=texts(item, "skin_types"),
            concerns=texts(item, "concerns"),
            inci=inci,
            key_actives=key_actives,
            usage=Usage(
                when=when,
                how_much=text(usage, "how_much", at="usage."),
                frequency=frequency,
                how_to_introduce=text(usage, "how_to_introduce", required=False, at="usage."),
                warnings=texts(usage, "warnings", at="usage."),
                per_day=whole(per_day, "usage.per_day", 1, 2)
                if per_day is not None
                else per_day_from(when, frequency),
            ),
            ingredients=ingredients,
            spf=None if spf is None else whole(spf, "spf", 1, 100),
            tint_monk_range=tint_of(item.get("tint_monk_range")),
        )
    )


def _with_derived_flags(product: Product) -> Product:
    return replace(
        product,
        fragrance_free=not any(i.is_fragrance for i in product.ingredients),
        non_comedogenic=all(
            i.comedogenic_rating <= NON_COMEDOGENIC_MAX for i in product.ingredients
        ),
        pregnancy_safe=not product.contraindicated_for("pregnancy"),
    )


def _product_problems(product: Product, known: Mapping[str, Ingredient]) -> list[str]:
    problems = []
    if product.slot not in SLOTS:
        problems.append(f"unknown slot {product.slot!r} (use one of {', '.join(SLOTS)})")
    if product.usage.when not in WHEN_CHOICES:
        problems.append(f"usage.when must be one of {', '.join(WHEN_CHOICES)}")
    elif product.usage.per_day not in (1, 2) or len(product.usage.times) < product.usage.per_day:
        problems.append("usage.per_day must be 1, or 2 for a product used morning and evening")
    problems += unknown("skin type", product.skin_types, SKIN_TYPES)
    problems += unknown("concern", product.concerns, CONCERNS)
    problems += _key_active_problems(product, known)
    problems += _strength_problems(product)
    if product.tint_monk_range and product.tint_monk_range[0] > product.tint_monk_range[1]:
        problems.append("tint_monk_range must be two Monk tones from 1 to 10, low first")
    return problems


def _key_active_problems(product: Product, known: Mapping[str, Ingredient]) -> list[str]:
    problems = []
    label = {normalise(name) for name in product.inci}
    for active in product.key_actives:
        key = normalise(active.ingredient.inci_name)
        if key not in known:
            problems.append(f"unknown key-active ingredient {active.ingredient.inci_name!r}")
        elif key not in label:
            problems.append(f"key active {active.ingredient.inci_name!r} is not in its INCI list")
        if active.percent is not None and not 0 < active.percent <= 100:
            problems.append(f"{active.ingredient.inci_name} concentration must be 0-100 %")
    return problems


def _strength_problems(product: Product) -> list[str]:
    """Ingredients whose safety depends on strength must state it."""
    return [
        f"{i.inci_name} needs a concentration in key_actives (its safety depends on strength)"
        for i in product.ingredients
        if (i.contraindicated_above or i.prescription_above is not None)
        and product.percent_of(i) is None
    ]


def _currency(code: object) -> str:
    try:
        return check_currency(code)
    except ValidationFailed as error:
        raise RecordProblem(f"currency: {error.message}", "currency") from None


def _check_unique_ids(products: tuple[Product, ...]) -> None:
    seen: set[str] = set()
    for product in products:
        if product.id in seen:
            raise RecordProblem(f"Product {product.id!r}: duplicate id", "id")
        seen.add(product.id)
