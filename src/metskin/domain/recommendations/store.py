"""What the recommendations component stores, and the ports to its storage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.feedback import Feedback


@dataclass(frozen=True)
class ProductFilter:
    concern: str | None = None
    skin_type: str | None = None
    slot: str | None = None
    max_price: Decimal | None = None
    exclude_ingredients: tuple[str, ...] = ()
    pregnancy_safe: bool = False
    text: str = ""


@dataclass(frozen=True)
class SavedRoutine:
    id: str
    user_id: str
    analysis_id: str
    profile_hash: str
    created_at: datetime
    routine: dict[str, Any] = field(default_factory=dict)  # the serialised recommendation
    model_version: str = ""


class CatalogRepository(Protocol):
    def version(self) -> int: ...
    def bump_version(self) -> None: ...
    def raw_ingredients(self) -> list[dict[str, Any]]: ...
    def raw_products(self) -> list[dict[str, Any]]: ...
    def raw_product(self, product_id: str) -> dict[str, Any] | None: ...
    def save_ingredient(self, raw: dict[str, Any]) -> None: ...
    def save_product(self, product: Product, raw: dict[str, Any], now: datetime) -> None: ...
    def save_products(
        self, items: list[tuple[Product, dict[str, Any]]], now: datetime
    ) -> None: ...
    def deactivate_product(self, product_id: str, now: datetime) -> bool: ...
    def search(self, wanted: ProductFilter, after_id: str | None, limit: int) -> list[dict]: ...
    def count(self) -> int: ...


class FeedbackRepository(Protocol):
    def add(self, feedback: Feedback) -> None: ...
    def iter_all(self, batch: int = 10_000) -> Iterator[Feedback]: ...
    def for_user(self, user_id: str) -> list[Feedback]: ...


class RoutineRepository(Protocol):
    def find(self, analysis_id: str, profile_hash: str) -> SavedRoutine | None: ...
    def add(self, saved: SavedRoutine) -> None: ...
    def list_for_user(
        self, user_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[SavedRoutine]: ...
