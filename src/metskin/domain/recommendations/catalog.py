"""The product catalog: ingredients, products and the loader that checks them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import Money, check_currency
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
    prescription_only: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.inci_name, *self.common_names)

    def contraindicated(self, condition: str, percent: float | None) -> bool:
        if condition not in self.contraindications:
            return False
        limit = self.contraindicated_above.get(condition)
        # Unknown strength counts as above the limit: the safe side.
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


# A record without `per_day` (written before it existed) is read from its frequency text.
ONCE_A_DAY_WORDS = ("once a day", "once daily", " week", "every other", "every third", " or ")
TWICE_A_DAY_WORDS = ("twice", "morning and evening", "and evening")


def per_day_from(when: str, frequency: str) -> int:
    text = f" {frequency.casefold()} "
    if when != "both":
        return 1
    if any(word in text for word in TWICE_A_DAY_WORDS):
        return 2
    return 1 if any(word in text for word in ONCE_A_DAY_WORDS) else 2


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
            raise ValueError(f"Duplicate ingredient {ingredient.inci_name!r}")
        found[key] = ingredient
    return found


def _parse_ingredient(item: Mapping[str, Any]) -> Ingredient:
    name = str(item.get("inci_name") or "")
    if not name:
        raise ValueError(f"Ingredient without an inci_name: {dict(item)}")
    concerns = dict(item.get("concerns", {}))
    ingredient = Ingredient(
        inci_name=name,
        common_names=tuple(item.get("common_names", ())),
        functions=tuple(item.get("functions", ())),
        classes=tuple(item.get("classes", ())),
        concerns=concerns,
        contraindications=tuple(item.get("contraindications", ())),
        contraindicated_above=dict(item.get("contraindicated_above", {})),
        is_fragrance=bool(item.get("is_fragrance", False)),
        is_essential_oil=bool(item.get("is_essential_oil", False)),
        comedogenic_rating=int(item.get("comedogenic_rating", 0)),
        irritation=str(item.get("irritation", "low")),
        prescription_only=bool(item.get("prescription_only", False)),
    )
    problems = _unknown("concern", concerns, CONCERNS)
    problems += _unknown("evidence strength", concerns.values(), EVIDENCE_WEIGHTS)
    if not 0 <= ingredient.comedogenic_rating <= 5:
        problems.append("comedogenic_rating must be 0-5")
    if ingredient.irritation not in IRRITATION_LEVELS:
        problems.append(f"irritation must be one of {IRRITATION_LEVELS}")
    if problems:
        raise ValueError(f"Ingredient {name!r}: {'; '.join(problems)}")
    return ingredient


def _parse_product(item: Mapping[str, Any], known: Mapping[str, Ingredient]) -> Product:
    product_id = str(item.get("id") or "")
    if not product_id:
        raise ValueError(f"Product without an id: {item.get('name', '?')}")
    try:
        product = _build_product(product_id, item, known)
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise ValueError(f"Product {product_id!r}: missing or malformed field ({error})") from None
    problems = _product_problems(product, item, known)
    if problems:
        raise ValueError(f"Product {product_id!r}: {'; '.join(problems)}")
    return product


def _build_product(
    product_id: str, item: Mapping[str, Any], known: Mapping[str, Ingredient]
) -> Product:
    inci = tuple(str(name) for name in item["inci"])
    ingredients = tuple(known[normalise(n)] for n in inci if normalise(n) in known)
    key_actives = tuple(
        KeyActive(known[normalise(name)], percent)
        if normalise(name) in known
        else KeyActive(Ingredient(inci_name=name), percent)  # reported by _product_problems
        for name, percent in item.get("key_actives", ())
    )
    usage = item["usage"]
    tint = item.get("tint_monk_range")
    product = Product(
        id=product_id,
        brand=str(item["brand"]),
        name=str(item["name"]),
        slot=str(item["slot"]),
        price=Money(Decimal(str(item["price"])), _currency(item["currency"])),
        size=str(item["size"]),
        skin_types=tuple(item["skin_types"]),
        concerns=tuple(item.get("concerns", ())),
        inci=inci,
        key_actives=key_actives,
        usage=Usage(
            when=str(usage["when"]),
            how_much=str(usage["how_much"]),
            frequency=str(usage["frequency"]),
            how_to_introduce=str(usage.get("how_to_introduce", "")),
            warnings=tuple(usage.get("warnings", ())),
            per_day=int(
                usage.get("per_day") or per_day_from(str(usage["when"]), str(usage["frequency"]))
            ),
        ),
        ingredients=ingredients,
        spf=item.get("spf"),
        tint_monk_range=(int(tint[0]), int(tint[1])) if tint else None,
    )
    return _with_derived_flags(product)


def _with_derived_flags(product: Product) -> Product:
    return replace(
        product,
        fragrance_free=not any(i.is_fragrance for i in product.ingredients),
        non_comedogenic=all(
            i.comedogenic_rating <= NON_COMEDOGENIC_MAX for i in product.ingredients
        ),
        pregnancy_safe=not product.contraindicated_for("pregnancy"),
    )


def _product_problems(
    product: Product, item: Mapping[str, Any], known: Mapping[str, Ingredient]
) -> list[str]:
    problems = []
    if product.slot not in SLOTS:
        problems.append(f"unknown slot {product.slot!r} (use one of {', '.join(SLOTS)})")
    if product.price.amount < 0:
        problems.append(f"negative price {product.price.amount}")
    if product.usage.when not in WHEN_CHOICES:
        problems.append(f"usage.when must be one of {', '.join(WHEN_CHOICES)}")
    elif product.usage.per_day not in (1, 2) or len(product.usage.times) < product.usage.per_day:
        problems.append("usage.per_day must be 1, or 2 for a product used morning and evening")
    problems += _unknown("skin type", product.skin_types, SKIN_TYPES)
    problems += _unknown("concern", product.concerns, CONCERNS)
    problems += _key_active_problems(product, known)
    problems += _strength_problems(product)
    if (
        product.tint_monk_range
        and not 1 <= product.tint_monk_range[0] <= (product.tint_monk_range[1]) <= 10
    ):
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
        if i.contraindicated_above and product.percent_of(i) is None
    ]


def _currency(code: object) -> str:
    try:
        return check_currency(code)
    except ValidationFailed as error:
        raise ValueError(f"currency: {error.message}") from None


def _check_unique_ids(products: tuple[Product, ...]) -> None:
    seen: set[str] = set()
    for product in products:
        if product.id in seen:
            raise ValueError(f"Product {product.id!r}: duplicate id")
        seen.add(product.id)


def _unknown(what: str, values: Any, allowed: Any) -> list[str]:
    return [f"unknown {what} {value!r}" for value in values if value not in allowed]
