"""What a built routine is: its steps, each slot's alternatives and what was left out
(`routine.py` builds it, `payload.py` saves it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from metskin.domain.money.model import Conversion, Money
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.safety import Exclusion
from metskin.domain.recommendations.scoring import ScoredProduct


@dataclass(frozen=True)
class Candidate:
    product: Product
    score: float  # after the ranker, if any
    content: ScoredProduct


@dataclass(frozen=True)
class Step:
    slot: str
    time: str  # "AM" | "PM"
    product: Product
    how_much: str
    frequency: str
    introduce: tuple[str, ...]  # frequency ramp, patch test advice
    why: tuple[str, ...]
    warnings: tuple[str, ...]
    price: Conversion  # in the person's currency


@dataclass(frozen=True)
class Routine:
    am: tuple[Step, ...]
    pm: tuple[Step, ...]
    alternatives: Mapping[str, tuple[Candidate, ...]]  # slot -> up to 3
    warnings: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    total_price: Money  # in the person's currency: the sum of the converted prices
    price_notes: tuple[str, ...] = ()  # the rates and dates the prices were converted with
    # Each alternative's price in the person's currency, like the steps' (by product id).
    alternative_prices: Mapping[str, Conversion] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.total_price.currency

    @property
    def products(self) -> tuple[Product, ...]:
        seen: dict[str, Product] = {}
        for step in (*self.am, *self.pm):
            seen.setdefault(step.product.id, step.product)
        return tuple(seen.values())
