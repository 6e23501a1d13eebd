"""English as written in the source: the translator a use case speaks when none is wired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from metskin.domain.i18n.locales import DEFAULT_LOCALE
from metskin.domain.i18n.ports import DateStyle, Translator
from metskin.domain.money.model import Money


@dataclass(frozen=True)
class SourceText:
    """Identity messages; `Monday 30 March 2026 at 09:30 BST`, `12.50 GBP`."""

    locale: str = DEFAULT_LOCALE

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return singular if count == 1 else plural

    def format_datetime(self, moment: datetime, time_zone: str, style: DateStyle = "long") -> str:
        local = moment.astimezone(ZoneInfo(time_zone))
        if style == "short":
            return f"{local:%a} {local.day} {local:%b %H:%M %Z}"
        return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M %Z}"

    def format_date(self, day: date, style: DateStyle = "long") -> str:
        return f"{day.day} {day:%b %Y}" if style == "short" else f"{day.day} {day:%B %Y}"

    def zone_name(self, time_zone: str) -> str:
        return time_zone.rpartition("/")[2].replace("_", " ")

    def format_number(self, number: Decimal) -> str:
        return format(number, "f")

    def format_money(self, money: Money) -> str:
        return money.text()


class SourceTexts:
    """Every locale speaks the source English."""

    def translator(self, locale: str | None) -> Translator:
        return SourceText()


ENGLISH: Translator = SourceText()
