"""Ports the recommendations component needs from the outside."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from metskin.domain.ports import CreatedKey, UnitOfWork
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.feedback import Feedback
from metskin.domain.recommendations.model import FormerProduct, ProductFilter, SavedRoutine
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.scoring import ScoredProduct

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import UserRepository
    from metskin.domain.analysis.ports import AnalysisRepository
    from metskin.domain.checkins.ports import CheckInRepository
    from metskin.domain.inbox.ports import InboxRepository


class Ranker(Protocol):
    """Gives the final ranking score; a learned model can blend in the content score."""

    def __call__(
        self, product: Product, needs: SkinNeeds, profile: CareProfile, content: ScoredProduct
    ) -> float: ...


class CatalogSource(Protocol):
    """Where the catalog comes from: the packaged files, or a database later."""

    def load(self) -> Catalog: ...


class CatalogRepository(Protocol):
    def version(self) -> int: ...
    def bump_version(self) -> None: ...
    def raw_ingredients(self) -> list[dict[str, Any]]: ...
    def raw_products(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The active products' records by id; only those of `ids` when given."""
        ...

    def raw_product(self, product_id: str) -> dict[str, Any] | None: ...
    def known(self, product_id: str) -> bool:
        """Whether the catalog has or had the product (on sale or taken off sale)."""
        ...

    def no_longer_sold(self, ids: Sequence[str]) -> list[FormerProduct]:
        """Of `ids`, the products the catalog had and took off sale (known, not active)."""
        ...

    def save_ingredient(self, raw: dict[str, Any]) -> None: ...
    def save_product(self, product: Product, raw: dict[str, Any], now: datetime) -> None: ...
    def save_products(self, items: list[tuple[Product, dict[str, Any]]], now: datetime) -> None: ...
    def deactivate_product(self, product_id: str, now: datetime) -> bool: ...
    def search(self, wanted: ProductFilter, after_id: str | None, limit: int) -> list[str]:
        """The ids of the active products `wanted` matches, by id, after `after_id`."""
        ...

    def count(self) -> int: ...


class FeedbackRepository(Protocol):
    def put(self, feedback: Feedback) -> None:
        """Store the person's rating of the product, replacing the one they gave before."""
        ...

    def remove(self, user_id: str, product_id: str) -> bool:
        """Forget the person's rating of the product; False when there was none."""
        ...

    def iter_all(self, batch: int = 10_000) -> Iterator[Feedback]: ...
    def for_user(self, user_id: str) -> list[Feedback]: ...


class RoutineRepository(Protocol):
    def find(self, analysis_id: str, profile_hash: str) -> SavedRoutine | None: ...
    def add(self, saved: SavedRoutine) -> None: ...
    def renew(self, routine_id: str, at: datetime) -> None:
        """A routine saved before becomes the person's current one again, from `at`: its
        `created_at` (the history's order) is set to it."""
        ...

    def hold(self, user_id: str, why: str, at: datetime) -> None:
        """A change said (`why`) while the photo of the person's routine is measured, kept
        beside their routines until it is told or no longer needed (`followed.hold_why`); a
        why said again is kept once, where it was first said."""
        ...

    def held(self, user_id: str) -> list[str]:
        """The whys kept for the person, in the order said."""
        ...

    def release(self, user_id: str) -> None:
        """The whys kept for the person forgotten: told, or the routine is up to date."""
        ...

    def drop(self, analysis_id: str) -> int:
        """The routines saved for an analysis that then failed, deleted; how many."""
        ...

    def list_for_user(
        self, user_id: str, before: CreatedKey | None, limit: int
    ) -> list[SavedRoutine]: ...
    def followed_analysis(self, user_id: str) -> str | None:
        """The analysis of the person's newest routine (the first of `list_for_user`), without
        reading the routine itself; None when they have none."""
        ...

    def following(self, product_id: str, after_user: str | None, limit: int) -> list[str]:
        """The ids of the people, by id after `after_user`, whose newest routine has the product
        in a step."""
        ...


class RecommendationsUnitOfWork(UnitOfWork, Protocol):
    catalog: CatalogRepository
    feedback: FeedbackRepository
    routines: RoutineRepository
    users: UserRepository
    analyses: AnalysisRepository
    check_ins: CheckInRepository  # a new routine restarts the check-in count
    inbox: InboxRepository  # and tells the person when it changed


RecommendationsUowFactory = Callable[[], RecommendationsUnitOfWork]
