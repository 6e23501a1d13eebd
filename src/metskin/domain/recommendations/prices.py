"""Converted prices as sentences a person reads ("16.41 GBP (18.90 EUR at 0.868, rates of
2026-11-30)"), kept as templates so that they translate (`domain/i18n/said.py`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said, Value
from metskin.domain.money.model import BASE, Conversion, RatesTable
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.errors import InvalidProduct
from metskin.domain.recommendations.needs import CareProfile

log = logging.getLogger(__name__)

CONVERTED_PRICE = _("{price} ({original} at {rate}, rates of {date})")
CONVERTED_FROM = _("converted from {currency} at {rate} (rates of {date})")
NO_RATE = _(
    "Product {product}: there is no exchange rate for {currency}, so its price could not be "
    "shown to anyone; price it in EUR or in a currency with a rate, or add the rate first."
)


def price_said(conversion: Conversion) -> Value:
    """The price with how it was converted, as `Conversion.text()` words it."""
    if conversion.rate is None or conversion.as_of is None:
        return conversion.price
    return Said(
        CONVERTED_PRICE,
        price=conversion.price,
        original=conversion.original,
        rate=conversion.rate.normalize(),
        date=conversion.as_of,
    )


def note_said(conversion: Conversion) -> str:
    """How the price was converted, as `Conversion.note()` words it ("" when it was not)."""
    if conversion.rate is None or conversion.as_of is None:
        return ""
    return Said(
        CONVERTED_FROM,
        currency=conversion.original.currency,
        rate=conversion.rate.normalize(),
        date=conversion.as_of,
    )


def priced(catalog: Catalog, profile: CareProfile) -> Catalog:
    """The products whose price converts to the person's currency. One stored in a currency
    with no rate (saved before saving refused those) is left out, and logged, so that it
    does not fail every routine. Each currency is checked once, not each product's: `converts`
    builds the rates' currency set at every call (bench/routine_prices.py)."""
    currencies = {p.price.currency for p in catalog.products}
    unconvertible = {c for c in currencies if not profile.converts(c)}
    if not unconvertible:
        return catalog
    left_out = {
        p.id: p.price.currency for p in catalog.products if p.price.currency in unconvertible
    }
    log.warning(
        "products left out of a routine: no exchange rate for their currency",
        extra={"products": left_out, "currency": profile.currency},
    )
    kept = tuple(p for p in catalog.products if p.id not in left_out)
    return replace(catalog, products=kept)


def require_rates(products: Iterable[Product], rates: Callable[[], RatesTable]) -> None:
    """InvalidProduct (field `currency`) for a product priced in a currency with no rate. The
    rates are read only for a product not priced in euros (a catalog of euro prices, like the
    seed's, reads none: the seed also runs on a database before the rates table existed)."""
    table: RatesTable | None = None
    for product in products:
        if product.price.currency == BASE:
            continue
        table = table or rates()
        if product.price.currency not in table.currencies:
            raise InvalidProduct.translatable(
                NO_RATE, "currency", product=repr(product.id), currency=product.price.currency
            )
