"""The translator port with Babel: catalog lookups and CLDR dates and money for a locale."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_timezone,
    get_timezone_location,
)
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from metskin.adapters.i18n.catalogs import Messages, messages, plural_index
from metskin.domain.i18n.locales import effective_locale
from metskin.domain.i18n.ports import DateStyle, Translator
from metskin.domain.money.model import Money


@dataclass(frozen=True)
class BabelTranslator:
    locale: str
    _messages: Messages = field(repr=False, compare=False)

    @property
    def _babel(self) -> Locale:
        return _babel_locale(self.locale)

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        forms = self._messages.get((singular, plural))
        if isinstance(forms, tuple):
            index = plural_index(self.locale.partition("-")[0], count)
            return forms[min(index, len(forms) - 1)]
        return singular if count == 1 else plural

    def format_datetime(self, moment: datetime, time_zone: str, style: DateStyle = "long") -> str:
        local = moment.astimezone(ZoneInfo(time_zone))
        clock = f"{format_time(local, 'HH:mm', locale=self._babel)} {local:%Z}"
        if style == "short":
            return f"{format_skeleton('MMMEd', local, locale=self._babel)} {clock}"
        day = format_date(local, "full", locale=self._babel)
        return self.gettext("{date} at {time}").format(date=day, time=clock)

    def format_date(self, day: date, style: DateStyle = "long") -> str:
        return format_date(day, "medium" if style == "short" else "long", locale=self._babel)

    def zone_name(self, time_zone: str) -> str:
        city = get_timezone_location(get_timezone(time_zone), self._babel, return_city=True)
        return str(city)

    def format_number(self, number: Decimal) -> str:
        return format_decimal(number, locale=self._babel, decimal_quantization=False)

    def format_money(self, money: Money) -> str:
        text = format_currency(money.rounded().amount, money.currency, locale=self._babel)
        symbol = get_currency_symbol(money.currency, locale=self._babel)
        return text.replace(symbol, _narrow_symbol(money.currency, self.locale))


class BabelTranslations:
    """One translator per supported locale, built on first use."""

    def translator(self, locale: str | None) -> Translator:
        return _translator(effective_locale(locale))


@cache
def _translator(locale: str) -> BabelTranslator:
    return BabelTranslator(locale, messages(locale.partition("-")[0]))


@cache
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale, sep="-")


@cache
def _narrow_symbol(currency: str, locale: str) -> str:
    """The locale's symbol without a country marker (`£GB` -> `£`, `US$` -> `$`) where what is
    left is a sign; a code stays a code (`CHF`)."""
    symbol = get_currency_symbol(currency, locale=_babel_locale(locale))
    bare = "".join(c for c in symbol if not ("A" <= c.upper() <= "Z"))
    return bare.strip() or symbol
