"""The product catalog as routines read it: ingredients, products and the safety rules. The
loader that reads and checks the records is `loader.py`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from metskin.domain.money.model import Money
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.vocabulary import EVIDENCE_WEIGHTS, WHEN_CHOICES


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
