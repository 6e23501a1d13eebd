"""Dates and money in the person's locale, through Babel (the translator adapter)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.money.model import Money

TRANSLATIONS = BabelTranslations()
AFTERNOON = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)  # 14:30 in Paris, Thursday


@pytest.mark.parametrize(
    ("locale", "gbp", "eur", "jpy"),
    [
        ("fr-FR", "12,50\u00a0£", "1\u202f234,50\u00a0€", "1\u202f000\u00a0JPY"),
        ("de-DE", "12,50\u00a0£", "1.234,50\u00a0€", "1.000\u00a0¥"),
        ("en-GB", "£12.50", "€1,234.50", "¥1,000"),
        ("de-AT", "£\u00a012,50", "€\u00a01.234,50", "¥\u00a01.000"),
    ],
)
def test_money_takes_the_locale_s_symbol_separators_and_minor_units(
    locale: str, gbp: str, eur: str, jpy: str
) -> None:
    tr = TRANSLATIONS.translator(locale)
    assert tr.format_money(Money(Decimal("12.499"), "GBP")) == gbp  # rounded half up, 2 places
    assert tr.format_money(Money(Decimal("1234.5"), "EUR")) == eur
    assert tr.format_money(Money(Decimal("999.6"), "JPY")) == jpy  # no minor unit


@pytest.mark.parametrize(
    ("locale", "zone", "long", "short"),
    [
        (
            "fr-FR",
            "Europe/Paris",
            "jeudi 3 décembre 2026 à 14:30 CET",
            "jeu. 3 déc. 14:30 CET",
        ),
        (
            "de-DE",
            "Europe/Berlin",
            "Donnerstag, 3. Dezember 2026 um 14:30 CET",
            "Do., 3. Dez. 14:30 CET",
        ),
        (
            "en-GB",
            "Europe/London",
            "Thursday, 3 December 2026 at 13:30 GMT",
            "Thu 3 Dec 13:30 GMT",
        ),
        ("en-US", "America/New_York", "Thursday, December 3, 2026 at 08:30 EST", None),
    ],
)
def test_dates_are_in_the_person_s_zone_and_language(
    locale: str, zone: str, long: str, short: str | None
) -> None:
    tr = TRANSLATIONS.translator(locale)
    assert tr.format_datetime(AFTERNOON, zone).replace("\u202f", " ") == long
    if short:
        assert tr.format_datetime(AFTERNOON, zone, "short") == short


def test_plurals_follow_each_language_s_rules() -> None:
    forms = ("%(count)d hour", "%(count)d hours")
    french = TRANSLATIONS.translator("fr-FR")
    german = TRANSLATIONS.translator("de-DE")
    assert french.ngettext(*forms, 1) % {"count": 1} == "1 heure"
    assert french.ngettext(*forms, 0) % {"count": 0} == "0 heure"  # French: 0 is singular
    assert french.ngettext(*forms, 24) % {"count": 24} == "24 heures"
    assert german.ngettext(*forms, 0) % {"count": 0} == "0 Stunden"
    assert german.ngettext(*forms, 1) % {"count": 1} == "1 Stunde"


def test_an_unsupported_or_unknown_locale_speaks_english() -> None:
    for locale in ("es-ES", None, "nonsense"):
        tr = TRANSLATIONS.translator(locale)
        assert tr.locale == "en-GB"
        assert tr.gettext("Log in first.") == "Log in first."
    assert TRANSLATIONS.translator("fr-CH").gettext("Log in first.") == "Connectez-vous d'abord."
