"""Recommendations in SQL: the catalog (products, ingredients), feedback and saved routines
(tables and repositories), and the recommender's training data read from them.

Products keep their validated source record (`data`, the same shape as the shipped JSON),
plus the columns and link tables that filters and candidate sets query by.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Index,
    Row,
    SmallInteger,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.repository import KeysetStatements, SqlRepository, values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.ports import Clock, CreatedKey
from metskin.domain.recommendations.catalog import Product, normalise
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.model import ProductFilter, SavedRoutine
from metskin.domain.recommendations.ports import RecommendationsUowFactory
from metskin.domain.recommendations.service import care_profile, needs_from_result

CATALOG_VERSION_KEY = "catalog_version"
BULK_CHUNK = 500
RECENT_ANALYSES = 5


class IngredientRow(SQLModel, table=True):
    __tablename__ = "ingredients"
    __table_args__ = MYSQL_TABLE_ARGS

    inci_key: str = Field(primary_key=True, max_length=191)
    inci_name: str = Field(max_length=200)
    data: dict[str, Any] = Field(sa_type=JSON)


class ProductRow(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_slot_price", "slot", "active", "price_cents"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=100)
    brand: str = Field(max_length=100, index=True)
    name: str = Field(max_length=200)
    slot: str = Field(max_length=20)
    price_cents: int
    currency: str = Field(max_length=3)
    pregnancy_safe: bool
    fragrance_free: bool
    non_comedogenic: bool
    active: bool = True
    search_text: str = Field(max_length=4000)
    data: dict[str, Any] = Field(sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class _ProductLink(SQLModel):
    """A product's key at the head of the primary key of each table that lists one of its
    facets (concerns, skin types, ingredients); the rows go with the product."""

    product_id: str = Field(
        primary_key=True, max_length=100, foreign_key="products.id", ondelete="CASCADE"
    )


class ProductConcernRow(_ProductLink, table=True):
    __tablename__ = "product_concerns"
    __table_args__ = (
        Index("ix_product_concerns_concern", "concern", "product_id"),
        MYSQL_TABLE_ARGS,
    )

    concern: str = Field(primary_key=True, max_length=20)


class ProductSkinTypeRow(_ProductLink, table=True):
    __tablename__ = "product_skin_types"
    __table_args__ = (
        Index("ix_product_skin_types_type", "skin_type", "product_id"),
        MYSQL_TABLE_ARGS,
    )

    skin_type: str = Field(primary_key=True, max_length=12)


class ProductIngredientRow(_ProductLink, table=True):
    __tablename__ = "product_ingredients"
    __table_args__ = (
        Index("ix_product_ingredients_inci", "inci_key", "product_id"),
        MYSQL_TABLE_ARGS,
    )

    inci_key: str = Field(primary_key=True, max_length=191)


class CatalogMetaRow(SQLModel, table=True):
    __tablename__ = "catalog_meta"
    __table_args__ = MYSQL_TABLE_ARGS

    key: str = Field(primary_key=True, max_length=40)
    value: int = 0


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        # One rating per person and product: rating again replaces it (migration 0005).
        UniqueConstraint("user_id", "product_id", name="uq_feedback_user_product"),
        Index("ix_feedback_product", "product_id"),
        MYSQL_TABLE_ARGS,
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    product_id: str = Field(max_length=100, foreign_key="products.id", ondelete="CASCADE")
    rating: int = Field(sa_type=SmallInteger)
    outcome: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RoutineRow(SQLModel, table=True):
    """A routine as it was recommended; one per analysis and profile state."""

    __tablename__ = "routines"
    __table_args__ = (
        UniqueConstraint("analysis_id", "profile_hash", name="uq_routines_analysis_profile"),
        Index("ix_routines_user_created", "user_id", "created_at", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    analysis_id: str = Field(max_length=36, foreign_key="analyses.id", ondelete="CASCADE")
    profile_hash: str = Field(max_length=64)
    model_version: str = Field(default="", max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    routine: dict[str, Any] = Field(sa_type=JSON)


def _cents(price: Decimal) -> int:
    return int((price * 100).to_integral_value())


def search_text(product: Product) -> str:
    words = [product.brand, product.name, *product.inci]
    return " ".join(words).lower()[:4000]


LINK_TABLES = (ProductConcernRow, ProductSkinTypeRow, ProductIngredientRow)


def _product_values(product: Product, raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": product.id,
        "brand": product.brand,
        "name": product.name,
        "slot": product.slot,
        "price_cents": _cents(product.price.amount),
        "currency": product.price.currency,
        "pregnancy_safe": product.pregnancy_safe,
        "fragrance_free": product.fragrance_free,
        "non_comedogenic": product.non_comedogenic,
        "active": True,
        "search_text": search_text(product),
        "data": raw,
        "updated_at": now,
    }


def _link_values(products: list[Product]) -> dict[type[SQLModel], list[dict[str, str]]]:
    return {
        ProductConcernRow: [
            {"product_id": p.id, "concern": c} for p in products for c in sorted(set(p.concerns))
        ],
        ProductSkinTypeRow: [
            {"product_id": p.id, "skin_type": t}
            for p in products
            for t in sorted(set(p.skin_types))
        ],
        ProductIngredientRow: [
            {"product_id": p.id, "inci_key": k}
            for p in products
            for k in sorted({normalise(n) for n in p.inci})
        ],
    }


ROUTINE_FIELDS = tuple(f.name for f in fields(SavedRoutine))


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_PRODUCTS = core_table(ProductRow)
_CONCERNS = core_table(ProductConcernRow)
_SKIN_TYPES = core_table(ProductSkinTypeRow)
_PRODUCT_INCI = core_table(ProductIngredientRow)


def _apply_filter(query: Any, wanted: ProductFilter) -> Any:
    """`query` on the products table (Core columns) cut to the products `wanted` matches."""
    products = _PRODUCTS.c
    if wanted.slot:
        query = query.where(products.slot == wanted.slot)
    if wanted.max_price is not None:
        query = query.where(products.price_cents <= _cents(wanted.max_price))
    if wanted.pregnancy_safe:
        query = query.where(products.pregnancy_safe)
    if wanted.concern:
        concerns = _CONCERNS.c
        tagged = core_select(concerns.product_id).where(concerns.concern == wanted.concern)
        query = query.where(products.id.in_(tagged))
    if wanted.skin_type:
        types = _SKIN_TYPES.c
        typed = core_select(types.product_id).where(types.skin_type == wanted.skin_type)
        query = query.where(products.id.in_(typed))
    if wanted.exclude_ingredients:
        keys = [normalise(name) for name in wanted.exclude_ingredients]
        inci = _PRODUCT_INCI.c
        query = query.where(
            products.id.not_in(core_select(inci.product_id).where(inci.inci_key.in_(keys)))
        )
    for word in wanted.text.lower().split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(products.search_text.like(f"%{escaped}%", escape="\\"))
    return query


# The records as plain rows (no ORM row, no pydantic model built): active products by id,
# ingredients by key.
_ACTIVE_RECORDS = core_select(_PRODUCTS.c.data).where(_PRODUCTS.c.active).order_by(_PRODUCTS.c.id)
_INGREDIENT_TABLE = core_table(IngredientRow)
_INGREDIENT_RECORDS = core_select(_INGREDIENT_TABLE.c.data).order_by(_INGREDIENT_TABLE.c.inci_key)


class SqlCatalogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def version(self) -> int:
        row = self._session.get(CatalogMetaRow, CATALOG_VERSION_KEY)
        return row.value if row else 0

    def bump_version(self) -> None:
        row = self._session.get(CatalogMetaRow, CATALOG_VERSION_KEY)
        if row is None:
            self._session.add(CatalogMetaRow(key=CATALOG_VERSION_KEY, value=1))
        else:
            self._session.execute(
                update(CatalogMetaRow)
                .where(col(CatalogMetaRow.key) == CATALOG_VERSION_KEY)
                .values(value=CatalogMetaRow.value + 1)
            )

    def raw_ingredients(self) -> list[dict[str, Any]]:
        return list(self._session.connection().execute(_INGREDIENT_RECORDS).scalars())

    def raw_products(self, ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        query = _ACTIVE_RECORDS if ids is None else _ACTIVE_RECORDS.where(_PRODUCTS.c.id.in_(ids))
        return list(self._session.connection().execute(query).scalars())

    def raw_product(self, product_id: str) -> dict[str, Any] | None:
        row = self._session.get(ProductRow, product_id)
        return row.data if row and row.active else None

    def save_ingredient(self, raw: dict[str, Any]) -> None:
        name = str(raw["inci_name"])
        self._session.merge(IngredientRow(inci_key=normalise(name), inci_name=name, data=raw))

    def save_product(self, product: Product, raw: dict[str, Any], now: datetime) -> None:
        self.save_products([(product, raw)], now)

    def save_products(self, items: list[tuple[Product, dict[str, Any]]], now: datetime) -> None:
        """Replaces these products and their link rows, in bulk statements."""
        for chunk in _chunks(items, BULK_CHUNK):
            ids = [product.id for product, _ in chunk]
            for link in LINK_TABLES:
                self._session.execute(delete(link).where(col(link.product_id).in_(ids)))
            self._session.execute(delete(ProductRow).where(col(ProductRow.id).in_(ids)))
            self._session.execute(
                insert(ProductRow), [_product_values(p, raw, now) for p, raw in chunk]
            )
            for table, values in _link_values([p for p, _ in chunk]).items():
                if values:
                    self._session.execute(insert(table), values)

    def deactivate_product(self, product_id: str, now: datetime) -> bool:
        row = self._session.get(ProductRow, product_id)
        if row is None or not row.active:
            return False
        row.active = False
        row.updated_at = now
        self._session.add(row)
        return True

    def search(self, wanted: ProductFilter, after_id: str | None, limit: int) -> list[str]:
        """The ids only, one plain SELECT: the records are in the catalog the service keeps."""
        products = _PRODUCTS.c
        query = _apply_filter(core_select(products.id).where(products.active), wanted)
        if after_id is not None:
            query = query.where(products.id > after_id)
        query = query.order_by(products.id).limit(limit)
        return list(self._session.connection().execute(query).scalars())

    def count(self) -> int:
        query = select(func.count()).select_from(ProductRow).where(col(ProductRow.active))
        return int(self._session.exec(query).one())


class SqlFeedbackRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, feedback: Feedback) -> None:
        row = self._session.exec(
            select(FeedbackRow)
            .where(FeedbackRow.user_id == feedback.user_id)
            .where(FeedbackRow.product_id == feedback.product_id)
        ).first()
        if row is None:
            row = FeedbackRow(
                user_id=feedback.user_id,
                product_id=feedback.product_id,
                rating=feedback.rating,
                outcome=feedback.outcome,
                created_at=feedback.created_at,
            )
        row.rating, row.outcome = feedback.rating, feedback.outcome
        row.created_at = feedback.created_at
        self._session.add(row)

    def iter_all(self, batch: int = 10_000) -> Iterator[Feedback]:
        last_id = 0
        while True:
            rows = list(
                self._session.exec(
                    select(FeedbackRow)
                    .where(col(FeedbackRow.id) > last_id)
                    .order_by(col(FeedbackRow.id))
                    .limit(batch)
                )
            )
            for row in rows:
                yield Feedback(row.user_id, row.product_id, row.rating, row.outcome, row.created_at)
            if len(rows) < batch:
                return
            last_id = rows[-1].id or last_id

    def for_user(self, user_id: str) -> list[Feedback]:
        rows = self._session.exec(select(FeedbackRow).where(FeedbackRow.user_id == user_id))
        return [Feedback(r.user_id, r.product_id, r.rating, r.outcome, r.created_at) for r in rows]


_ROUTINES = core_table(RoutineRow)
# The routine's save in the pipeline (and the history's pages): Core statements built once,
# plain rows mapped straight to the domain, no ORM row built, tracked or flushed.
_ROUTINE_FOUND = core_select(_ROUTINES).where(
    _ROUTINES.c.analysis_id == bindparam("analysis"), _ROUTINES.c.profile_hash == bindparam("key")
)
_USER_ROUTINES = KeysetStatements.of(_ROUTINES, _ROUTINES.c.user_id == bindparam("user"))
_INSERT_ROUTINE = _ROUTINES.insert()


class SqlRoutineRepository(SqlRepository[RoutineRow, SavedRoutine]):
    row_type = RoutineRow

    def to_domain(self, row: RoutineRow | Row[Any]) -> SavedRoutine:
        """From an ORM row or a plain Core row of the table (the same names)."""
        return SavedRoutine(**values_of(row, ROUTINE_FIELDS))

    def new_row(self, saved: SavedRoutine) -> RoutineRow:
        return RoutineRow(**values_of(saved, ROUTINE_FIELDS))

    def add(self, saved: SavedRoutine) -> None:
        """One Core INSERT now (the unique key refuses a second one of the same state)."""
        self._session.connection().execute(_INSERT_ROUTINE, values_of(saved, ROUTINE_FIELDS))

    def find(self, analysis_id: str, profile_hash: str) -> SavedRoutine | None:
        found = self._session.connection().execute(
            _ROUTINE_FOUND, {"analysis": analysis_id, "key": profile_hash}
        )
        row = found.first()
        return self.to_domain(row) if row else None

    def list_for_user(
        self, user_id: str, before: CreatedKey | None, limit: int
    ) -> list[SavedRoutine]:
        rows = _USER_ROUTINES.rows(self._session, before, limit, user=user_id)
        return [self.to_domain(row) for row in rows]


# --- training data ---------------------------------------------------------------------------


class SqlFeedbackSource:
    def __init__(self, uow_factory: RecommendationsUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def iter_feedback(self) -> Iterable[Feedback]:
        with self._uow_factory() as uow:
            yield from uow.feedback.iter_all()

    def user_contexts(self) -> Mapping[str, UserContext]:
        with self._uow_factory() as uow:
            user_ids = sorted({item.user_id for item in uow.feedback.iter_all()})
            users = uow.users.list_by_ids(user_ids)
            contexts = {}
            for user in users:
                recent = uow.analyses.list_for_owner(user.id, None, RECENT_ANALYSES)
                done = [a.id for a in recent if a.status is AnalysisStatus.DONE]
                results = uow.analyses.get_results(done)
                latest: dict[str, Any] = next(
                    (results[a][0] for a in done if a in results and results[a][0].get("ok")), {}
                )  # {}: self-report only
                needs = needs_from_result(ResultReadout.from_stored(latest), user.profile)
                contexts[user.id] = UserContext(needs, care_profile(user.profile, self._clock()))
        return contexts
