"""The translator port: messages in the person's language, dates and money in their format.

The catalogs and the locale data (Babel, CLDR) are an adapter (`adapters/i18n/`). The domain
marks its texts with `gettext` on a translator and formats with it; `SourceText` (English, the
source language) is what a use case speaks when nothing else is wired.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol

from metskin.domain.money.model import Money

DateStyle = Literal["long", "short"]


class Translator(Protocol):
    @property
    def locale(self) -> str: ...

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, count: int) -> str: ...

    def format_datetime(self, moment: datetime, time_zone: str, style: DateStyle = "long") -> str:
        """`moment` (aware) in `time_zone`, with the zone's abbreviation."""
        ...

    def format_date(self, day: date, style: DateStyle = "long") -> str: ...

    def zone_name(self, time_zone: str) -> str:
        """The place an IANA zone is named after, as the locale writes it ("Londres" for
        Europe/London in French), for "(London time)"."""
        ...

    def format_number(self, number: Decimal) -> str:
        """Every digit kept, with the locale's decimal sign and grouping ("0,868", "1.234,5")."""
        ...

    def format_money(self, money: Money) -> str:
        """Rounded to the currency's minor units, with its symbol where the locale puts it."""
        ...


class Translations(Protocol):
    def translator(self, locale: str | None) -> Translator:
        """The translator for a stored or negotiated locale (unsupported ones speak English)."""
        ...
