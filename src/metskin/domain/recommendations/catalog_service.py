"""Use cases of the catalog: read its products (by id, by search, those no longer sold), check
a profile's prescribed actives against it, and edit it (an admin's products and ingredients, a
whole catalog loaded). `RecommendationService` has them (`service.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from metskin.domain.accounts.profile import MAX_ITEM_LENGTH, MAX_LIST_ITEMS
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Job
from metskin.domain.money.model import RatesTable
from metskin.domain.ports import Clock, read
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.catalog_cache import CatalogCache
from metskin.domain.recommendations.errors import ProductNotFound
from metskin.domain.recommendations.jobs import REFRESH_ROUTINES_WITH
from metskin.domain.recommendations.loader import parse_catalog
from metskin.domain.recommendations.model import FormerProduct, ProductFilter
from metskin.domain.recommendations.payload import plain_record
from metskin.domain.recommendations.ports import RecommendationsUowFactory
from metskin.domain.recommendations.prescribed import check_prescribed, prescription_actives
from metskin.domain.recommendations.prices import require_rates

TOO_MANY_NAMES = _("Up to {count} ingredients to exclude, of at most {length} characters each.")


def _names_to_exclude(names: Sequence[str]) -> tuple[str, ...]:
    """A search's ingredients to exclude, held to an allergy list's limits: each is looked
    for on every label of the catalog."""
    if len(names) > MAX_LIST_ITEMS or any(len(name) > MAX_ITEM_LENGTH for name in names):
        raise ValidationFailed.translatable(
            TOO_MANY_NAMES, "excludeIngredients", count=MAX_LIST_ITEMS, length=MAX_ITEM_LENGTH
        )
    return tuple(names)


class CatalogUseCases:
    """The catalog's half of `RecommendationService`, on its unit of work, clock, rates and
    in-memory catalog (`CatalogCache`), which that class sets."""

    _uow_factory: RecommendationsUowFactory
    _clock: Clock
    _rates: Callable[[], RatesTable]
    catalog: CatalogCache

    def check_prescribed(self, terms: Sequence[str]) -> None:
        """A profile's prescribed actives, each one the catalog sells only on prescription,
        or `UnknownPrescription` naming the first that is not (`prescribed.py`)."""
        check_prescribed(terms, tuple(self.catalog.index().catalog.ingredients.values()))

    def prescription_actives(self) -> tuple[str, ...]:
        """The INCI names `check_prescribed` accepts (their common names too)."""
        ingredients = self.catalog.index().catalog.ingredients.values()
        return tuple(i.inci_name for i in prescription_actives(ingredients))

    def product(self, product_id: str) -> Product:
        found = self.products_by_id([product_id]).get(product_id)
        if found is None:
            raise ProductNotFound(_("No such product."), field="id")
        return found

    def products_by_id(self, product_ids: list[str]) -> dict[str, Product]:
        by_id = self.catalog.index().by_id
        return {i: by_id[i] for i in product_ids if i in by_id}

    def no_longer_sold(self, product_ids: list[str]) -> list[FormerProduct]:
        """Of `product_ids` (a saved routine's), the products taken off sale since, by the
        names they had: a routine saved before shows what the person used (`product` null)."""
        return read(self._uow_factory, lambda uow: uow.catalog.no_longer_sold(product_ids))

    def search(self, wanted: ProductFilter, after_id: str | None, limit: int) -> list[Product]:
        """One SELECT of ids; the products are the catalog's in memory. A product saved by
        another process since this one read its catalog (at most `CATALOG_CHECK_SECONDS`
        ago) is read and parsed in a second SELECT. `exclude_ingredients` are found as
        allergies are (`CandidateIndex.listed`): "retinoids", "Salicylic-Acid", "fragrances"
        leave out the products with those, by the INCI names they find."""
        index = self.catalog.index()
        by_id = index.by_id
        if wanted.exclude_ingredients:
            terms = _names_to_exclude(wanted.exclude_ingredients)
            wanted = replace(wanted, exclude_ingredients=(*terms, *index.listed(terms)))
        with self._uow_factory() as uow:
            ids = uow.catalog.search(wanted, after_id, limit)
            missing = [i for i in ids if i not in by_id]
            fresh = uow.catalog.raw_products(missing) if missing else []
        if fresh:
            by_id = {**by_id, **{p.id: p for p in self.catalog.parse_products(fresh)}}
        return [by_id[i] for i in ids if i in by_id]

    def save_product(self, raw: dict[str, Any]) -> Product:
        (product,) = self.catalog.parse_products([raw])
        require_rates([product], self._rates)
        with self._uow_factory() as uow:
            uow.catalog.save_product(product, plain_record(raw), self._clock())
            uow.catalog.bump_version()
            uow.commit()
        self.catalog.invalidate()
        return product

    def remove_product(self, product_id: str) -> None:
        with self._uow_factory() as uow:
            if not uow.catalog.deactivate_product(product_id, self._clock()):
                raise ProductNotFound(_("No such product."), field="id")
            uow.catalog.bump_version()
            # the people following a routine with it get another, and are told why
            uow.defer(Job(REFRESH_ROUTINES_WITH, {"product_id": product_id}))
            uow.commit()
        self.catalog.invalidate()

    def save_ingredient(self, raw: dict[str, Any]) -> None:
        with self._uow_factory() as uow:
            self.catalog.check_ingredient(raw, uow.catalog.raw_products())
            uow.catalog.save_ingredient(plain_record(raw))
            uow.catalog.bump_version()
            uow.commit()
        self.catalog.invalidate()

    def load_catalog(
        self, ingredients: list[Mapping[str, Any]], products: list[Mapping[str, Any]]
    ) -> int:
        """Loads (or refreshes) ingredients and products, validated together. Returns a count."""
        catalog = parse_catalog(ingredients, products, [])
        require_rates(catalog.products, self._rates)
        by_id = {str(item["id"]): item for item in products}
        with self._uow_factory() as uow:
            for item in ingredients:
                uow.catalog.save_ingredient(plain_record(item))
            uow.catalog.save_products(
                [(product, plain_record(by_id[product.id])) for product in catalog.products],
                self._clock(),
            )
            uow.catalog.bump_version()
            uow.commit()
        self.catalog.invalidate()
        return len(catalog.products)
