"""Money: an amount in one ISO 4217 currency, and dated exchange rates to convert it.

Rates are quoted against the euro (units of the currency per 1 EUR, as the ECB does), so a
cross rate is the ratio of two quotes. Amounts are Decimals, rounded half up to the
currency's minor units only where a person sees them (a converted price, a total).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

BASE = "EUR"
MAX_WHOLE_DIGITS = 9  # up to 999,999,999.99
MAX_FRACTION_DIGITS = 6


@cache
def _tables() -> dict[str, Any]:
    text = resources.files("metskin").joinpath("data", "money", "currencies.json").read_text()
    return dict(json.loads(text))


def iso_currencies() -> Mapping[str, int]:
    """Circulating ISO 4217 currencies and their minor units (no funds, metals or XXX)."""
    return _tables()["currencies"]


def currency_of_country(country: str) -> str | None:
    return _tables()["countries"].get(country.upper())


def country_of_zone(time_zone: str) -> str | None:
    return _tables()["zones"].get(time_zone)


def check_currency(code: object, field_name: str = "currency") -> str:
    """The code, if it is a circulating ISO 4217 currency; a coded error naming the field if not."""
    text = code.strip().upper() if isinstance(code, str) else ""
    if text not in iso_currencies():
        shown = repr(str(code)[:12])
        not_iso = _("{value} is not an ISO 4217 currency code (such as EUR, GBP or USD).")
        raise ValidationFailed.translatable(not_iso, field_name, value=shown)
    return text


def local_currency(time_zone: str, locale: str = "", priced: Iterable[str] = ()) -> str:
    """The currency where the person lives: their time zone's country, else their locale's
    region (en-GB), if it can be priced; the euro otherwise."""
    wanted = set(priced) | {BASE}
    region = locale.partition("-")[2]
    for country in (country_of_zone(time_zone), region or None):
        currency = currency_of_country(country) if country else None
        if currency in wanted:
            return str(currency)
    return BASE


def plain_amount(text: str, field: str) -> Decimal:
    """A finite, non-negative decimal written as text ("12.50"): no NaN, Infinity or 1e400."""
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        not_number = _("{name} must be a number.")
        raise ValidationFailed.translatable(not_number, field, name=field) from error
    exponent = amount.as_tuple().exponent
    if (
        not isinstance(exponent, int)  # NaN or Infinity
        or amount.adjusted() >= MAX_WHOLE_DIGITS
        or exponent < -MAX_FRACTION_DIGITS
    ):
        plain = _("{name} must be a plain amount, like 12.50.")
        raise ValidationFailed.translatable(plain, field, name=field)
    if amount < 0:
        raise ValidationFailed.translatable(_("{name} cannot be negative."), field, name=field)
    return amount


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if type(self.amount) is not Decimal:  # a Decimal's text gives the same Decimal back
            object.__setattr__(self, "amount", Decimal(str(self.amount)))
        if self.currency not in iso_currencies():
            raise ValueError(f"Not an ISO 4217 currency: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def rounded(self) -> Money:
        step = Decimal(1).scaleb(-iso_currencies()[self.currency])
        return Money(self.amount.quantize(step, rounding=ROUND_HALF_UP), self.currency)

    def text(self) -> str:
        return f"{self.rounded().amount} {self.currency}"

    def _same(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"Cannot mix {self.currency} and {other.currency}: convert first")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount


def total(items: Iterable[Money], currency: str) -> Money:
    return sum(items, Money.zero(currency))


@dataclass(frozen=True)
class Rate:
    """Units of `currency` for one euro, as of a day."""

    currency: str
    per_eur: Decimal
    as_of: date
    source: str = "seed"  # "seed" (the packaged file) or "admin"


@dataclass(frozen=True)
class Conversion:
    """A price as the person sees it, with the rate and date that made it."""

    price: Money  # in the wanted currency, rounded
    original: Money
    rate: Decimal | None = None  # None: no conversion was needed
    as_of: date | None = None

    @property
    def converted(self) -> bool:
        return self.rate is not None

    def note(self) -> str:
        if self.rate is None or self.as_of is None:
            return ""
        return (
            f"converted from {self.original.currency} at {_plain(self.rate)} "
            f"(rates of {self.as_of.isoformat()})"
        )

    def text(self) -> str:
        """ "16.41 GBP (18.90 EUR at 0.868, rates of 2026-11-30)", or "18.90 EUR"."""
        if self.rate is None or self.as_of is None:
            return self.price.text()
        return (
            f"{self.price.text()} ({self.original.text()} at {_plain(self.rate)}, "
            f"rates of {self.as_of.isoformat()})"
        )


class NoRate(ValidationFailed, code="NO_EXCHANGE_RATE"): ...


@dataclass(frozen=True)
class RatesTable:
    """The newest rate of each currency; the euro is always 1."""

    rates: Mapping[str, Rate] = field(default_factory=dict)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset({BASE, *self.rates})

    def rate(self, source: str, target: str) -> tuple[Decimal, date | None]:
        """Units of `target` for one unit of `source`, and the older date of the two quotes."""
        if source == target:
            return Decimal(1), None
        quotes = [self._quote(source), self._quote(target)]
        dates = [q.as_of for q in quotes if q is not None]
        per_source, per_target = (q.per_eur if q else Decimal(1) for q in quotes)
        return per_target / per_source, min(dates) if dates else None

    def factor(self, source: str, target: str) -> float:
        """The same rate as a float, for vectorised pre-filters (never for a shown amount)."""
        return float(self.rate(source, target)[0])

    def convert(self, money: Money, target: str) -> Conversion:
        if money.currency == target:
            return Conversion(money.rounded(), money)
        rate, as_of = self.rate(money.currency, target)
        shown = _rate_shown(rate)
        return Conversion(Money(money.amount * shown, target).rounded(), money, shown, as_of)

    def _quote(self, currency: str) -> Rate | None:
        if currency == BASE:
            return None
        found = self.rates.get(currency)
        if found is None:
            raise NoRate.translatable(
                _("There is no exchange rate for {currency} yet; an administrator can add one."),
                "currency",
                currency=currency,
            )
        return found


def _rate_shown(rate: Decimal) -> Decimal:
    """Rates are shown, and applied, to 6 significant digits: what the note says is exact."""
    digits = rate.adjusted()
    return rate.quantize(Decimal(1).scaleb(digits - 5), rounding=ROUND_HALF_UP)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def newest(rates: Iterable[Rate]) -> RatesTable:
    """Per currency, the rate with the latest date (a later entry wins a tie)."""
    best: dict[str, Rate] = {}
    for rate in rates:
        current = best.get(rate.currency)
        if current is None or rate.as_of >= current.as_of:
            best[rate.currency] = rate
    return RatesTable(best)


@cache
def seed_rates() -> tuple[Rate, ...]:
    """The packaged rates (data/money/exchange_rates.json): the table before any admin edit."""
    text = resources.files("metskin").joinpath("data", "money", "exchange_rates.json").read_text()
    data = json.loads(text)
    as_of = date.fromisoformat(data["as_of"])
    return tuple(
        Rate(check_currency(code), Decimal(value), as_of)
        for code, value in sorted(data["per_eur"].items())
    )


@cache
def seed_table() -> RatesTable:
    return newest(seed_rates())
