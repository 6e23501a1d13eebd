"""Reading the catalog: the packaged JSON or the stored records, each field checked, into a
`Catalog` (`catalog.py`); a record that cannot be used is a `RecordProblem` naming its field."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.money.model import Money, check_currency
from metskin.domain.recommendations.catalog import (
    Catalog,
    Ingredient,
    KeyActive,
    Product,
    Usage,
    normalise,
)
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
from metskin.domain.recommendations.rules import parse_rules
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
