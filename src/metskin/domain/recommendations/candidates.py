"""Precomputed candidate sets, so a routine never scores the whole catalog.

Per slot, products are kept in lists ordered by what a request can use without scoring:
evidence for each concern, fit for each skin type, tinted shades for each Monk tone. A request
takes the head of the lists that match the person and scores only those. A small catalog is
used whole, so the shortlist changes nothing there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.scoring import CLAIM_WEIGHT, MIN_SEVERITY, best_evidence
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES

WHOLE_CATALOG_UP_TO = 2_000
DEPTH = 40  # products taken from each matching list
SCAN_LIMIT = 20  # at most DEPTH x this many entries are read to find DEPTH that pass the filters
MONK_TONES = range(1, 11)


def concern_strength(product: Product, concern: str) -> float:
    evidence = best_evidence(product, concern)[0]
    return evidence + (CLAIM_WEIGHT if concern in product.concerns else 0.0)


@dataclass(frozen=True)
class CandidateIndex:
    catalog: Catalog
    lists: dict[tuple[str, str], tuple[Product, ...]]  # (slot, key) -> best first
    by_id: dict[str, Product]

    @classmethod
    def build(cls, catalog: Catalog) -> CandidateIndex:
        grouped: dict[tuple[str, str], list[tuple[tuple[float, ...], Product]]] = defaultdict(list)
        for product in catalog.products:
            for key, rank in _entries(product):
                grouped[(product.slot, key)].append((rank, product))
        lists = {
            key: tuple(p for _, p in sorted(items, key=lambda e: (e[0], e[1].id)))
            for key, items in grouped.items()
        }
        return cls(catalog, lists, {product.id: product for product in catalog.products})

    def shortlist(self, needs: SkinNeeds, profile: CareProfile, depth: int = DEPTH) -> Catalog:
        if len(self.catalog.products) <= WHOLE_CATALOG_UP_TO:
            return self.catalog
        chosen: dict[str, Product] = {}
        for key in _wanted_keys(needs):
            for slot_key in [k for k in self.lists if k[1] == key]:
                for product in _passing(self.lists[slot_key], profile, depth):
                    chosen.setdefault(product.id, product)
        return replace(self.catalog, products=tuple(chosen.values()))


def _entries(product: Product) -> Iterator[tuple[str, tuple[float, ...]]]:
    price = float(product.price)
    for concern in CONCERNS:
        strength = concern_strength(product, concern)
        if strength > 0:
            yield f"concern:{concern}", (-strength, price)
    for skin_type in product.skin_types:
        if skin_type in SKIN_TYPES:
            yield f"type:{skin_type}", (-len(product.concerns), price)
    yield "cheapest", (price,)
    if product.tint_monk_range:
        low, high = product.tint_monk_range
        for monk in range(low, high + 1):
            yield f"tint:{monk}", (price,)


def _wanted_keys(needs: SkinNeeds) -> list[str]:
    keys = [f"concern:{c}" for c, severity in needs.concerns.items() if severity >= MIN_SEVERITY]
    keys += [f"type:{needs.skin_type}", "cheapest"]
    if needs.monk_tone is not None:
        keys.append(f"tint:{needs.monk_tone}")
    return keys


def _passing(products: Iterable[Product], profile: CareProfile, depth: int) -> Iterator[Product]:
    """The first `depth` products that no hard limit (pregnancy, price) rules out."""
    cap = profile.budget_per_product
    avoid_pregnancy = profile.pregnant or profile.breastfeeding
    taken = 0
    for read, product in enumerate(products):
        if taken >= depth or read >= depth * SCAN_LIMIT:
            return
        if avoid_pregnancy and not product.pregnancy_safe:
            continue
        if cap is not None and product.price > Decimal(cap):
            continue
        taken += 1
        yield product
