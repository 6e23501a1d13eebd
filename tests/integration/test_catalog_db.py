"""The catalog's search in SQL (plain Core rows: ids only) gives what the ORM rows gave, filter by
filter and page by page, with every field of every product; one SELECT per page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from metskin.adapters.db.catalog import IngredientRow, ProductRow, _apply_filter
from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.model import ProductFilter
from tests.fakes.recommendations import FakeCatalogRepository

NOW = datetime(2026, 12, 3, tzinfo=UTC)
FILTERS = [
    ProductFilter(),
    ProductFilter(concern="acne", slot="serum"),
    ProductFilter(slot="sunscreen", max_price=Decimal("20")),
    ProductFilter(pregnancy_safe=True, concern="wrinkles"),
    ProductFilter(exclude_ingredients=("Parfum", "Linalool"), slot="moisturiser"),
    ProductFilter(text="vitamin c"),
    ProductFilter(text="100%_ \\"),  # LIKE's wildcards and escape, taken literally
    ProductFilter(skin_type="oily", slot="cleanser"),
]


def orm_search(session: Session, wanted: ProductFilter, after: str | None, limit: int) -> list:
    """The search as it was before issue 17 point 3: whole ORM rows, their `data` returned."""
    query = _apply_filter(select(ProductRow).where(col(ProductRow.active)), wanted)
    if after is not None:
        query = query.where(col(ProductRow.id) > after)
    return [row.data for row in session.exec(query.order_by(col(ProductRow.id)).limit(limit))]


@contextmanager
def selects(container: Container) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            seen.append(args[2])

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", record)


def pages(search: Any, wanted: ProductFilter, size: int) -> list[list[Any]]:
    found, after = [], None
    while page := search(wanted, after, size):
        found.append(page)
        after = page[-1] if isinstance(page[-1], str) else page[-1].id
    return found


@pytest.fixture
def catalog(container: Container) -> Container:
    list(seed_catalog(container))
    return container


@pytest.mark.parametrize("wanted", FILTERS)
def test_search_gives_the_orm_rows_products_page_by_page(
    catalog: Container, wanted: ProductFilter
) -> None:
    service = catalog.recommendations
    with catalog.new_uow() as uow:
        session = uow.session
        before = pages(
            lambda w, a, n: service.catalog.parse_products(orm_search(session, w, a, n)),
            wanted,
            7,
        )
    now = pages(service.search, wanted, 7)
    # Whole products: price (Money), key actives, usage, ingredients, flags, Monk range...
    assert now == before
    assert all(isinstance(product, Product) for page in now for product in page)
    fake = FakeCatalogRepository()  # the filters written once more, in Python
    fake.save_products([(p, {}) for p in service.catalog.index().catalog.products], NOW)
    assert [[p.id for p in page] for page in now] == pages(fake.search, wanted, 7)
    assert now or wanted.text == "100%_ \\"


def test_a_page_is_one_select_of_ids(catalog: Container) -> None:
    service = catalog.recommendations
    service.catalog.index()
    for size in (5, 50):
        with selects(catalog) as seen:
            found = service.search(ProductFilter(), None, size)
        assert len(found) == size
        (statement,) = [s for s in seen if "products" in s]
        assert "data" not in statement.split("FROM")[0]


def test_a_product_saved_by_another_process_is_read_from_its_record(catalog: Container) -> None:
    """The catalog in memory is at most a second old: a product it does not know yet is read
    and parsed from the database (a second SELECT), whole."""
    service = catalog.recommendations
    index = service.catalog.index()
    known = index.catalog.products[0]
    with catalog.new_uow() as uow:
        (raw,) = uow.catalog.raw_products([known.id])
        new = replace(known, id="zz-new-serum", name="New Serum")
        uow.catalog.save_product(new, {**raw, "id": new.id, "name": new.name}, datetime.now(UTC))
        uow.commit()  # as another process would: the version is not bumped here
    with selects(catalog) as seen:
        found = service.search(ProductFilter(), known.id, 500)
    assert found[-1] == new and found[0] == index.by_id[found[0].id]
    assert len([s for s in seen if "products" in s]) == 2


def test_records_are_read_as_the_orm_rows_gave_them(catalog: Container) -> None:
    with catalog.new_uow() as uow:
        session = uow.session
        ids = [row.id for row in session.exec(select(ProductRow).order_by(col(ProductRow.id)))]
        assert uow.catalog.deactivate_product(ids[1], datetime.now(UTC))
        uow.commit()
    with catalog.new_uow() as uow:
        session = uow.session
        rows = session.exec(select(ProductRow).order_by(col(ProductRow.id))).all()
        active = [row.data for row in rows if row.active]
        assert uow.catalog.raw_products() == active
        assert uow.catalog.raw_products([ids[3], ids[1], ids[0]]) == [active[0], active[2]]
        ingredients = session.exec(select(IngredientRow).order_by(col(IngredientRow.inci_key)))
        assert uow.catalog.raw_ingredients() == [row.data for row in ingredients]
