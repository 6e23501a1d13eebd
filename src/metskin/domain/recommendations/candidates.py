"""Candidate shortlists, so that a routine never scores the whole catalog one by one.

The concern and skin-type terms of the content score are precomputed as a matrix over every
product, so a request scores the whole catalog with one matrix product, masks what hard limits
rule out (pregnancy, price cap, listed allergens), and keeps the best `depth` products of each
slot (ties go to the cheaper product) plus the cheapest and, for sunscreens, the tinted shades
that suit the person. Only that shortlist is scored exactly and checked by the safety rules.
A small catalog is used whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from metskin.domain.recommendations.catalog import Catalog, Product, normalise
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.safety import label_words, listed_names, term_forms
from metskin.domain.recommendations.scoring import (
    CLAIM_WEIGHT,
    MIN_SEVERITY,
    SKIN_TYPE_MATCH,
    SKIN_TYPE_MISMATCH,
    best_evidence,
    tone_weight,
)
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES

WHOLE_CATALOG_UP_TO = 2_000
DEPTH = 20  # best formula groups kept per slot
PER_GROUP = 2  # cheapest allowed products kept from each group
CHEAPEST = 10  # cheapest products kept per slot, for tight budgets
LISTED_KEPT = 256  # filters' ingredient lists whose INCI names are kept, per catalog version
SLACK = 0.01  # a converted price rounds to cents: keep what the exact check may still allow


def concern_strength(product: Product, concern: str) -> float:
    """The concern term of the content score for one concern, before the severity weight."""
    evidence = best_evidence(product, concern)[0]
    if evidence > 0:
        return evidence
    return CLAIM_WEIGHT if concern in product.concerns else 0.0


@dataclass(frozen=True, eq=False)
class FormulaGroups:
    """Products that score alike (same slot, concern strengths, skin types, pregnancy flag,
    tint): scored once per group; members are kept cheapest first."""

    slot_of: np.ndarray  # (groups,) slot name
    strengths: np.ndarray  # (groups, concerns)
    skin_types: np.ndarray  # (groups, skin types) bool
    pregnancy_safe: np.ndarray  # (groups,) bool
    tints: np.ndarray  # (groups, 2) Monk range, 0 when untinted
    members: list[np.ndarray]  # product indices, cheapest first
    by_slot: dict[str, np.ndarray]  # slot -> group indices


@dataclass(frozen=True, eq=False)
class CandidateIndex:
    catalog: Catalog
    by_id: dict[str, Product]
    groups: FormulaGroups
    prices: np.ndarray
    currencies: np.ndarray
    pregnancy_safe: np.ndarray
    cheapest: dict[str, np.ndarray]  # slot -> product indices, cheapest first
    containing: dict[str, np.ndarray]  # ingredient name -> indices of products with it
    labels: tuple[str, ...] = ()  # every INCI name the products list, once per `normalise`d name
    # `listed` by terms: a filter is asked again page after page (up to LISTED_KEPT filters).
    found_by_terms: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, catalog: Catalog) -> CandidateIndex:
        products = catalog.products
        prices = np.array([float(p.price.amount) for p in products], dtype=np.float64)
        slots: dict[str, list[int]] = defaultdict(list)
        for index, product in enumerate(products):
            slots[product.slot].append(index)
        return cls(
            catalog=catalog,
            by_id={product.id: product for product in products},
            groups=_group(products, prices),
            prices=prices,
            currencies=np.array([p.price.currency for p in products]),
            pregnancy_safe=np.array([p.pregnancy_safe for p in products], dtype=bool),
            cheapest={
                slot: np.array(sorted(found, key=lambda i: (prices[i], products[i].id)))
                for slot, found in slots.items()
            },
            containing=_ingredient_index(catalog),
            labels=tuple({normalise(n): n for p in products for n in p.inci}.values()),
        )

    def listed(self, terms: Iterable[str]) -> tuple[str, ...]:
        """The INCI names on the catalog's labels that `terms` find, as a person's allergies
        are found (`safety.listed_names`: case, hyphens, plurals, common names, classes)."""
        key = tuple(terms)
        found = self.found_by_terms.get(key)
        if found is None:
            found = listed_names(self.labels, self.catalog.ingredients, key)
            if len(self.found_by_terms) >= LISTED_KEPT:
                self.found_by_terms.clear()
            self.found_by_terms[key] = found
        return found

    def shortlist(self, needs: SkinNeeds, profile: CareProfile, depth: int = DEPTH) -> Catalog:
        if len(self.catalog.products) <= WHOLE_CATALOG_UP_TO:
            return self.catalog
        groups = self.groups
        scores = self._group_scores(needs)
        usable_group = np.ones(len(scores), dtype=bool)
        if profile.pregnant:
            usable_group &= groups.pregnancy_safe
        allowed = self._allowed(profile)
        monk = needs.monk_tone or 0
        tinted = (groups.tints[:, 0] <= monk) & (monk <= groups.tints[:, 1])
        chosen: set[int] = set()
        for slot, in_slot in groups.by_slot.items():
            candidates = in_slot[usable_group[in_slot]]
            chosen.update(self._best_members(candidates, scores, allowed, depth))
            shades = candidates[tinted[candidates]]
            chosen.update(self._best_members(shades, scores, allowed, depth))
            chosen.update(_first_allowed(self.cheapest[slot], allowed, CHEAPEST))
        products = self.catalog.products
        return replace(self.catalog, products=tuple(products[i] for i in sorted(chosen)))

    def _group_scores(self, needs: SkinNeeds) -> np.ndarray:
        weights = np.array(
            [
                needs.severity(c) / 100 * tone_weight(c, needs)
                if needs.severity(c) >= MIN_SEVERITY
                else 0.0
                for c in CONCERNS
            ],
            dtype=np.float32,
        )
        fits = self.groups.skin_types[:, SKIN_TYPES.index(needs.skin_type)]
        return self.groups.strengths @ weights + np.where(fits, SKIN_TYPE_MATCH, SKIN_TYPE_MISMATCH)

    def _best_members(
        self, candidates: np.ndarray, scores: np.ndarray, allowed: np.ndarray, depth: int
    ) -> list[int]:
        """Up to PER_GROUP cheapest allowed members of each of the `depth` best groups."""
        found: list[int] = []
        taken_groups = 0
        for group in _ranked(candidates, scores):
            members = _first_allowed(self.groups.members[group], allowed, PER_GROUP)
            if members:
                found += members
                taken_groups += 1
                if taken_groups >= depth:
                    break
        return found

    def _allowed(self, profile: CareProfile) -> np.ndarray:
        local_prices = self._local_prices(profile)
        allowed = np.isfinite(local_prices)  # a price with no exchange rate: left out
        if profile.pregnant:
            allowed &= self.pregnancy_safe
        if profile.budget_per_product is not None:
            allowed &= local_prices <= float(profile.budget_per_product) + SLACK
        for name in (*profile.allergies, *profile.avoid):
            for form in term_forms(name):
                found = self.containing.get(form)
                if found is not None:
                    allowed[found] = False
        return allowed

    def _local_prices(self, profile: CareProfile) -> np.ndarray:
        """Prices in the person's currency, approximately: the exact check comes later.
        Infinite in a currency with no exchange rate (`CareProfile.converts`)."""
        factors = np.ones(len(self.prices))
        for currency in np.unique(self.currencies):
            if not profile.converts(str(currency)):
                factors[self.currencies == currency] = np.inf
            elif currency != profile.currency:
                factors[self.currencies == currency] = profile.rates.factor(
                    str(currency), profile.currency
                )
        return self.prices * factors


def _group(products: tuple[Product, ...], prices: np.ndarray) -> FormulaGroups:
    keys: dict[tuple, list[int]] = defaultdict(list)
    for index, product in enumerate(products):
        key = (
            product.slot,
            tuple(round(concern_strength(product, c), 6) for c in CONCERNS),
            tuple(t in product.skin_types for t in SKIN_TYPES),
            product.pregnancy_safe,
            product.tint_monk_range or (0, 0),
        )
        keys[key].append(index)
    ordered = list(keys.items())
    by_slot: dict[str, list[int]] = defaultdict(list)
    for group, (key, _members) in enumerate(ordered):
        by_slot[key[0]].append(group)
    return FormulaGroups(
        slot_of=np.array([key[0] for key, _ in ordered]),
        strengths=np.array([key[1] for key, _ in ordered], dtype=np.float32).reshape(
            len(ordered), len(CONCERNS)
        ),
        skin_types=np.array([key[2] for key, _ in ordered], dtype=bool).reshape(
            len(ordered), len(SKIN_TYPES)
        ),
        pregnancy_safe=np.array([key[3] for key, _ in ordered], dtype=bool),
        tints=np.array([key[4] for key, _ in ordered], dtype=np.int16).reshape(len(ordered), 2),
        members=[
            np.array(sorted(members, key=lambda i: (prices[i], products[i].id)))
            for _, members in ordered
        ],
        by_slot={slot: np.array(found) for slot, found in by_slot.items()},
    )


def _ranked(candidates: np.ndarray, scores: np.ndarray) -> list[int]:
    """Candidate groups, best score first, read in growing chunks (most requests need few)."""
    if len(candidates) == 0:
        return []
    keys = scores[candidates]
    order = np.argsort(-keys, kind="stable")
    return [int(candidates[i]) for i in order]


def _first_allowed(indices: np.ndarray, allowed: np.ndarray, count: int) -> list[int]:
    usable = indices[allowed[indices]]
    return [int(i) for i in usable[:count]]


def _ingredient_index(catalog: Catalog) -> dict[str, np.ndarray]:
    """Every INCI and common name (as `label_words`) -> the products whose label lists that
    ingredient."""
    aliases: dict[str, set[str]] = defaultdict(set)
    for ingredient in catalog.ingredients.values():
        for name in ingredient.names:
            aliases[label_words(name)].add(label_words(ingredient.inci_name))
    holders: dict[str, list[int]] = defaultdict(list)
    for index, product in enumerate(catalog.products):
        for key in {label_words(name) for name in product.inci}:
            holders[key].append(index)
    found: dict[str, np.ndarray] = {}
    for key, indices in holders.items():
        found[key] = np.array(indices)
    for alias, keys in aliases.items():
        merged = sorted({i for key in keys for i in holders.get(key, [])})
        if merged:
            found[alias] = np.array(merged)
    return found
