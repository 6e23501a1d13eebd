"""The catalog in memory for the recommendation service, reloaded when its version in the
database changes; records checked before they are saved."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from metskin.domain.recommendations.candidates import CandidateIndex
from metskin.domain.recommendations.catalog import Catalog, Product, normalise
from metskin.domain.recommendations.errors import InvalidProduct
from metskin.domain.recommendations.loader import parse_catalog
from metskin.domain.recommendations.ports import RecommendationsUowFactory
from metskin.domain.recommendations.records import RecordProblem
from metskin.domain.recommendations.rules import SafetyRule

log = logging.getLogger(__name__)
CATALOG_CHECK_SECONDS = 1.0  # how stale the in-memory catalog may be


def checked(
    raw_ingredients: Sequence[Mapping[str, Any]], raw_products: Sequence[Mapping[str, Any]]
) -> Catalog:
    """The records parsed, or InvalidProduct naming the record and field at fault."""
    try:
        return parse_catalog(raw_ingredients, raw_products, [])
    except RecordProblem as problem:
        raise InvalidProduct(str(problem), field=problem.field) from problem
    except ValueError as error:
        raise InvalidProduct(str(error), field="input") from error


class CatalogCache:
    """The catalog in memory, reloaded when its version in the database changes."""

    def __init__(
        self, uow_factory: RecommendationsUowFactory, rules: tuple[SafetyRule, ...]
    ) -> None:
        self._uow_factory = uow_factory
        self._rules = rules
        self._lock = threading.Lock()
        self._version = -1
        self._checked_at = 0.0
        self._index: CandidateIndex | None = None
        self._raw_ingredients: list[Mapping[str, Any]] = []

    def index(self) -> CandidateIndex:
        with self._lock:
            if self._index is None or time.monotonic() - self._checked_at > CATALOG_CHECK_SECONDS:
                self._refresh()
            assert self._index is not None
            return self._index

    def parse_products(self, raw: Sequence[Mapping[str, Any]]) -> list[Product]:
        """Validates product records against the current ingredients."""
        self.index()
        return list(checked(self._raw_ingredients, raw).products)

    def check_ingredient(
        self, raw: Mapping[str, Any], products: Sequence[Mapping[str, Any]]
    ) -> None:
        """Validates an ingredient record with the whole catalog it would join (`products`, the
        stored ones): a record every product still parses with, or InvalidProduct."""
        self.index()
        checked([raw], [])  # its own fields first, named as such
        key = normalise(str(raw["inci_name"]))
        others = [i for i in self._raw_ingredients if normalise(str(i["inci_name"])) != key]
        checked([*others, raw], products)

    def invalidate(self) -> None:
        with self._lock:
            self._checked_at = 0.0

    def _refresh(self) -> None:
        with self._uow_factory() as uow:
            version = uow.catalog.version()
            if version != self._version or self._index is None:
                raw_ingredients: list[Mapping[str, Any]] = list(uow.catalog.raw_ingredients())
                raw_products = uow.catalog.raw_products()
                try:
                    catalog = parse_catalog(raw_ingredients, raw_products, [])
                except ValueError:
                    if self._index is None:
                        raise
                    # A stored record no longer parses (written by an older version, or by
                    # hand): keep serving the last catalog that did, rather than failing reads.
                    log.exception(
                        "catalog version %s does not load; kept version %s", version, self._version
                    )
                    self._version = version
                else:
                    self._raw_ingredients = raw_ingredients
                    self._index = CandidateIndex.build(
                        Catalog(catalog.ingredients, catalog.products, self._rules)
                    )
                    self._version = version
        self._checked_at = time.monotonic()
