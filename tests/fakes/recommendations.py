"""In-memory fakes of the recommendations' repositories and its unit of work."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.analysis.ports import AnalysisRepository
from metskin.domain.checkins.ports import CheckInRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.recommendations.catalog import Catalog, Product, normalise
from metskin.domain.recommendations.feedback import Feedback
from metskin.domain.recommendations.model import (
    TEXT_WORDS,
    FormerProduct,
    ProductFilter,
    SavedRoutine,
)
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.ports import (
    CatalogRepository,
    FeedbackRepository,
    RoutineRepository,
)
from metskin.domain.recommendations.scoring import ScoredProduct
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.analysis import FakeAnalysisRepository
from tests.fakes.checkins import FakeCheckInRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository, InMemoryTable


@dataclass
class StoredProduct:
    product: Product
    raw: dict[str, Any]
    active: bool
    updated_at: datetime


class FakeCatalogRepository(InMemoryRepository):
    """Ingredients by normalised INCI name, products by id (a removed one stays, inactive);
    `search` filters as the SQL one does and pages by id."""

    def __init__(self) -> None:
        self.catalog_version = 0
        self.ingredients: dict[str, dict[str, Any]] = {}
        self.products: dict[str, StoredProduct] = {}

    def version(self) -> int:
        return self.catalog_version

    def bump_version(self) -> None:
        self.catalog_version += 1

    def raw_ingredients(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.ingredients[k]) for k in sorted(self.ingredients)]

    def raw_products(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        wanted = None if ids is None else set(ids)
        return [
            copy.deepcopy(p.raw) for p in self._active() if wanted is None or p.product.id in wanted
        ]

    def raw_product(self, product_id: str) -> dict[str, Any] | None:
        stored = self.products.get(product_id)
        return copy.deepcopy(stored.raw) if stored and stored.active else None

    def known(self, product_id: str) -> bool:
        return product_id in self.products

    def no_longer_sold(self, ids: Sequence[str]) -> list[FormerProduct]:
        gone = [self.products[i] for i in dict.fromkeys(ids) if i in self.products]
        return [
            FormerProduct(s.product.id, s.product.brand, s.product.name)
            for s in gone
            if not s.active
        ]

    def save_ingredient(self, raw: dict[str, Any]) -> None:
        self.ingredients[normalise(str(raw["inci_name"]))] = copy.deepcopy(raw)

    def save_product(self, product: Product, raw: dict[str, Any], now: datetime) -> None:
        self.save_products([(product, raw)], now)

    def save_products(self, items: list[tuple[Product, dict[str, Any]]], now: datetime) -> None:
        for product, raw in items:
            self.products[product.id] = StoredProduct(product, copy.deepcopy(raw), True, now)

    def deactivate_product(self, product_id: str, now: datetime) -> bool:
        stored = self.products.get(product_id)
        if stored is None or not stored.active:
            return False
        stored.active, stored.updated_at = False, now
        return True

    def search(self, wanted: ProductFilter, after_id: str | None, limit: int) -> list[str]:
        found = [
            p.product.id
            for p in self._active()
            if _matches(p.product, wanted) and (after_id is None or p.product.id > after_id)
        ]
        return found[:limit]

    def count(self) -> int:
        return len(self._active())

    def _active(self) -> list[StoredProduct]:
        return [self.products[i] for i in sorted(self.products) if self.products[i].active]


def _matches(product: Product, wanted: ProductFilter) -> bool:
    if wanted.slot and product.slot != wanted.slot:
        return False
    if wanted.max_price is not None and _cents(product.price.amount) > _cents(wanted.max_price):
        return False
    if wanted.pregnancy_safe and not product.pregnancy_safe:
        return False
    if wanted.concern and wanted.concern not in product.concerns:
        return False
    if wanted.skin_type and wanted.skin_type not in product.skin_types:
        return False
    excluded = {normalise(name) for name in wanted.exclude_ingredients}
    if excluded & {normalise(name) for name in product.inci}:
        return False
    text = " ".join([product.brand, product.name, *product.inci]).lower()
    return all(word in text for word in wanted.text.lower().split()[:TEXT_WORDS])


def _cents(price: Decimal) -> int:
    return int((price * 100).to_integral_value())


class FakeFeedbackRepository(InMemoryRepository):
    def __init__(self) -> None:
        self.rows: list[Feedback] = []

    def put(self, feedback: Feedback) -> None:
        key = (feedback.user_id, feedback.product_id)
        self.rows = [f for f in self.rows if (f.user_id, f.product_id) != key] + [feedback]

    def remove(self, user_id: str, product_id: str) -> bool:
        kept = [f for f in self.rows if (f.user_id, f.product_id) != (user_id, product_id)]
        removed, self.rows = len(kept) != len(self.rows), kept
        return removed

    def iter_all(self, batch: int = 10_000) -> Iterator[Feedback]:
        for start in range(0, len(self.rows), batch):
            yield from self.rows[start : start + batch]

    def for_user(self, user_id: str) -> list[Feedback]:
        return [f for f in self.rows if f.user_id == user_id]


class FakeRoutineRepository(InMemoryTable[SavedRoutine]):
    """Saved routines: one per (analysis, profile hash), a unique key checked at commit."""

    noun = "routine"

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, dict[str, datetime]] = {}  # user -> why -> said at

    def find(self, analysis_id: str, profile_hash: str) -> SavedRoutine | None:
        return next(
            (
                copy.deepcopy(r)
                for r in self.rows.values()
                if (r.analysis_id, r.profile_hash) == (analysis_id, profile_hash)
            ),
            None,
        )

    def renew(self, routine_id: str, at: datetime) -> None:
        self.rows[routine_id] = replace(self.rows[routine_id], created_at=at)

    def hold(self, user_id: str, why: str, at: datetime) -> None:
        self.pending.setdefault(user_id, {}).setdefault(why, at)

    def held(self, user_id: str) -> list[str]:
        said = self.pending.get(user_id, {})
        return sorted(said, key=lambda why: (said[why], why))

    def release(self, user_id: str) -> None:
        self.pending.pop(user_id, None)

    def drop(self, analysis_id: str) -> int:
        gone = [key for key, r in self.rows.items() if r.analysis_id == analysis_id]
        for key in gone:
            del self.rows[key]
        return len(gone)

    def list_for_user(
        self, user_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[SavedRoutine]:
        return self.page(lambda r: r.user_id == user_id, before, limit, newest=True)

    def followed_analysis(self, user_id: str) -> str | None:
        newest = self.page(lambda r: r.user_id == user_id, None, 1, newest=True)
        return newest[0].analysis_id if newest else None

    def following(self, product_id: str, after_user: str | None, limit: int) -> list[str]:
        mention = f'"product_id": "{product_id}"'
        users = sorted({r.user_id for r in self.rows.values()})
        found = [
            user
            for user in users
            if (after_user is None or user > after_user)
            and mention in json.dumps(self.list_for_user(user, None, 1)[0].routine)
        ]
        return found[:limit]

    def check_constraints(self) -> None:
        keys = Counter((r.analysis_id, r.profile_hash) for r in self.rows.values())
        if any(n > 1 for n in keys.values()):
            raise Conflict("one routine per analysis and profile")


class FakeCatalogSource:
    """A catalog from memory; `loads` counts the reads."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.loads = 0

    def load(self) -> Catalog:
        self.loads += 1
        return self.catalog


class FakeRanker:
    """A learned ranker stand-in: the content score plus a fixed boost per product id."""

    def __init__(self, boosts: dict[str, float] | None = None) -> None:
        self.boosts = boosts or {}
        self.calls = 0

    def __call__(
        self, product: Product, needs: SkinNeeds, profile: CareProfile, content: ScoredProduct
    ) -> float:
        self.calls += 1
        return content.score + self.boosts.get(product.id, 0.0)


@dataclass(eq=False, kw_only=True)
class FakeRecommendationsUnitOfWork(FakeUnitOfWork):
    catalog: CatalogRepository = field(default_factory=FakeCatalogRepository)
    feedback: FeedbackRepository = field(default_factory=FakeFeedbackRepository)
    routines: RoutineRepository = field(default_factory=FakeRoutineRepository)
    users: UserRepository = field(default_factory=FakeUserRepository)
    analyses: AnalysisRepository = field(default_factory=FakeAnalysisRepository)
    check_ins: CheckInRepository = field(default_factory=FakeCheckInRepository)
    inbox: InboxRepository = field(default_factory=FakeInbox)
