"""The catalog in SQL: products (their validated source record `data`, the same shape as the
shipped JSON, plus the columns and link tables that filters and candidate sets query by),
ingredients and the catalog's version."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Index,
    delete,
    func,
    insert,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.recommendations.catalog import Product, normalise
from metskin.domain.recommendations.model import TEXT_WORDS, FormerProduct, ProductFilter

CATALOG_VERSION_KEY = "catalog_version"
BULK_CHUNK = 500


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
    for word in wanted.text.lower().split()[:TEXT_WORDS]:
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

    def known(self, product_id: str) -> bool:
        found = self._session.connection().execute(
            core_select(_PRODUCTS.c.id).where(_PRODUCTS.c.id == product_id)
        )
        return found.first() is not None

    def no_longer_sold(self, ids: Sequence[str]) -> list[FormerProduct]:
        if not ids:
            return []
        products = _PRODUCTS.c
        found = self._session.connection().execute(
            core_select(products.id, products.brand, products.name).where(
                products.id.in_(list(ids)), ~products.active
            )
        )
        return [FormerProduct(row.id, row.brand, row.name) for row in found]

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
