"""Converted prices as sentences a person reads ("16.41 GBP (18.90 EUR at 0.868, rates of
2026-11-30)"), kept as templates so that they translate (`domain/i18n/said.py`)."""

from __future__ import annotations

from metskin.domain.i18n.marks import _
from metskin.domain.i18n.said import Said, Value
from metskin.domain.money.model import Conversion

CONVERTED_PRICE = _("{price} ({original} at {rate}, rates of {date})")
CONVERTED_FROM = _("converted from {currency} at {rate} (rates of {date})")


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
