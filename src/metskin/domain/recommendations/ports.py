"""Ports the recommendations component needs from the outside."""

from __future__ import annotations

from typing import Protocol

from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.scoring import ScoredProduct


class Ranker(Protocol):
    """Gives the final ranking score; a learned model can blend in the content score."""

    def __call__(
        self, product: Product, needs: SkinNeeds, profile: CareProfile, content: ScoredProduct
    ) -> float: ...


class CatalogSource(Protocol):
    """Where the catalog comes from: the packaged files, or a database later."""

    def load(self) -> Catalog: ...
