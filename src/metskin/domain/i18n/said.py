"""Sentences the code builds from a marked template and values ("{product} costs {price}, ...").

A `Said` reads as its English text (it is a `str`, so the code that joins, compares and stores
lines keeps working) and remembers its template and values, so it can be spoken again in any
language: the template through the catalog, then the values put in. Values are plain text (a
product name stays as written; a word that is itself a msgid, such as a skin type, translates),
amounts of money, numbers (`Decimal`: "0.868" in English, "0,868" in French) and days (`date`:
ISO in English as it was always written, the locale's long date elsewhere), or other `Said`s.

Stored results keep both: the English text where they always had it, and `said_json()` beside
it; `spoken()` turns either back into the person's language (English as it was written).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from typing import Any

from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.marks import Plural
from metskin.domain.i18n.ports import Translator
from metskin.domain.money.model import Money

Value = str | Money | Decimal | date


class Said(str):
    """`template.format(**values)` in English, translatable as a whole."""

    template: str
    values: Mapping[str, Value]
    plural: str | None = None  # `counted`: the plural template, `template` the singular
    number: int | None = None  # the count it was said for

    def __new__(cls, template: str, /, **values: Value) -> Said:
        english = template.format(**{name: _english(v) for name, v in values.items()})
        said = super().__new__(cls, english)
        said.template = template
        said.values = values
        return said

    @classmethod
    def counted(cls, forms: Plural, count: int, /, **values: Value) -> Said:
        """`forms` (`n_`) in the form `count` takes, in each language as its catalog says
        (`ngettext`: French says "1 produit", "0 produit"); `{count}` in them is the count."""
        said = cls(forms.singular if count == 1 else forms.plural, count=Decimal(count), **values)
        said.template, said.plural, said.number = forms.singular, forms.plural, count
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        return (_said, (self.template, dict(self.values), self.plural, self.number))


def _said(
    template: str, values: dict[str, Value], plural: str | None = None, count: int | None = None
) -> Said:
    if plural is None or count is None:
        return Said(template, **values)
    return Said.counted(Plural(template, plural), count, **_without_count(values))


def _without_count(values: Mapping[str, Value]) -> dict[str, Value]:
    return {name: value for name, value in values.items() if name != "count"}


def _english(value: Value) -> str:
    if isinstance(value, Money):
        return value.text()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number(value: float, places: int = 1, *, up: bool = False) -> Decimal:
    """`value` to at most `places` decimals, as a `Decimal` a sentence can put in and a
    translator write in its language ("1.5" in English, "1,5" in French); a whole number
    keeps no decimals ("25", not "25.0"). `up`: rounded up (a size or a length over a limit
    then never reads as the limit)."""
    exact = Decimal(repr(float(value)))
    step = Decimal(1).scaleb(-places)
    found = exact.quantize(step, rounding=ROUND_CEILING if up else ROUND_HALF_EVEN)
    if found == found.to_integral_value():
        return found.quantize(Decimal(1))
    return found.quantize(Decimal(str(found).rstrip("0")))


def in_language(value: object, tr: Translator) -> str:
    """A value put in a sentence, written as `tr`'s language writes it: a number
    (`Decimal`), an amount, a day, a `Said`; anything else as its text."""
    if isinstance(value, Said):
        return spoken(said_json(value), tr)
    if isinstance(value, Money):
        return tr.format_money(value)
    if isinstance(value, Decimal):
        return tr.format_number(value)
    if isinstance(value, date):
        return tr.format_date(value)
    return str(value)


def said_json(text: str) -> Any:
    """A line as stored: plain text, or its template and values when it is a `Said`."""
    if not isinstance(text, Said):
        return str(text)
    values = {k: _value_json(v) for k, v in text.values.items()}
    found: dict[str, Any] = {"text": str(text), "template": text.template, "values": values}
    if text.plural is not None:
        found |= {"plural": text.plural, "n": text.number}
    return found


def _value_json(value: Value) -> Any:
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Decimal):
        return {"number": format(value, "f")}
    if isinstance(value, date):
        return {"day": value.isoformat()}
    return said_json(value)


def spoken(stored: Any, tr: Translator) -> str:
    """A stored line (`said_json`, or plain text) in `tr`'s language; text the catalog does
    not have stays as written."""
    if isinstance(stored, Mapping) and "template" in stored:
        if "text" in stored and language_of(tr.locale) == "en":
            return str(stored["text"])  # the source language, as it was written
        values = {k: _spoken_value(v, tr) for k, v in stored.get("values", {}).items()}
        template, plural = str(stored["template"]), stored.get("plural")
        count = int(stored.get("n") or 0)
        try:
            if plural is not None:
                return tr.ngettext(template, str(plural), count).format(**values)
            return tr.gettext(template).format(**values)
        except (KeyError, IndexError, ValueError):
            return (template if plural is None or count == 1 else str(plural)).format(**values)
    text = str(stored)
    return tr.gettext(text) if text else text


def _spoken_value(value: Any, tr: Translator) -> str:
    if isinstance(value, Mapping) and "currency" in value and "amount" in value:
        return tr.format_money(Money(value["amount"], value["currency"]))
    if isinstance(value, Mapping) and "number" in value:
        return tr.format_number(Decimal(value["number"]))
    if isinstance(value, Mapping) and "day" in value:
        return tr.format_date(date.fromisoformat(value["day"]))
    return spoken(value, tr)


def spoken_lines(plain: list[str], stored: list[Any] | None, tr: Translator) -> list[str]:
    """Lines in `tr`'s language: from their stored templates when there are as many, else
    each English line through the catalog (results stored before templates were kept)."""
    if stored is not None and len(stored) == len(plain):
        return [spoken(line, tr) for line in stored]
    return [spoken(line, tr) for line in plain]
