"""Sentences built from a template and values (`domain/i18n/said.py`): English as written,
any language from what is stored."""

from __future__ import annotations

import json
import pickle
from datetime import date
from decimal import Decimal

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.i18n.said import Said, in_language, number, said_json, spoken, spoken_lines
from metskin.domain.money.model import Conversion, Money
from metskin.domain.recommendations.prices import note_said, price_said
from metskin.domain.recommendations.rules import load_safety_rules
from metskin.domain.referrals.trend import explain
from metskin.graphql.analysis.types import QualityIssue, failure_words

TRANSLATIONS = BabelTranslations()
FRENCH = TRANSLATIONS.translator("fr-FR")
GERMAN = TRANSLATIONS.translator("de-DE")
ENGLISH = TRANSLATIONS.translator("en-GB")
OVER = "{product} costs {price}, over your {budget} per product."


def plain_spaces(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")  # CLDR's spaces around money


def stored(text: str) -> object:
    return json.loads(json.dumps(said_json(text)))  # as it comes back from the database


def test_a_said_reads_as_its_english_and_speaks_each_language_from_what_is_stored() -> None:
    line = Said(
        OVER,
        product="CeraVe Cleanser",
        price=Money(Decimal("13.9"), "GBP"),
        budget=Money(Decimal(12), "GBP"),
    )
    assert line == "CeraVe Cleanser costs 13.90 GBP, over your 12.00 GBP per product."
    assert spoken(stored(line), ENGLISH) == line
    assert plain_spaces(spoken(stored(line), FRENCH)) == (
        "CeraVe Cleanser coûte 13,90 £, au-delà de vos 12,00 £ par produit."
    )
    german = plain_spaces(spoken(stored(line), GERMAN))
    assert german.startswith("CeraVe Cleanser kostet 13,90 £ und liegt")


def test_values_that_are_words_translate_and_names_stay_as_written() -> None:
    where = Said("{concern} (your score {score}/100)", concern="redness", score="42")
    line = Said("{product} is sold for {where}.", product="The Ordinary Serum", where=where)
    assert line == "The Ordinary Serum is sold for redness (your score 42/100)."
    assert spoken(stored(line), FRENCH) == (
        "The Ordinary Serum est vendu pour : rougeurs (votre score : 42/100)."
    )


def test_plain_lines_and_lines_stored_before_templates_go_through_the_catalog() -> None:
    patch = "No face was found."
    assert spoken(patch, FRENCH) == "Aucun visage n'a été trouvé."
    assert spoken("", FRENCH) == ""
    assert spoken("A product name only", FRENCH) == "A product name only"
    assert spoken_lines([patch], None, GERMAN) == ["Es wurde kein Gesicht gefunden."]
    # A template the catalog lacks still gets its values put in.
    assert spoken({"template": "{a}/{b}", "values": {"a": "oily", "b": "dry"}}, FRENCH) == (
        "grasse/sèche"
    )


def test_every_safety_rule_reason_is_in_both_catalogs() -> None:
    for rule in load_safety_rules():
        for tr in (FRENCH, GERMAN):
            assert tr.gettext(rule.reason) != rule.reason, (rule.id, tr.locale)


def test_a_worsening_trend_is_worded_again_in_french_from_its_evidence() -> None:
    evidence = {
        "concern": "redness",
        "region": "cheek_left",
        "first": 30,
        "last": 55,
        "band": 6,
        "analyses": 4,
        "days": 60,
    }
    _specialty, text = explain(evidence)
    assert text.startswith("Your redness has worsened across your last 4 analyses over 60 days")
    assert "on the left cheek" in text
    french = spoken(stored(text), FRENCH)
    assert french.startswith("Le critère « rougeurs » s'est aggravé sur vos 4 dernières analyses")
    assert "zone : joue gauche" in french and "(±6)" in french
    decimals = explain({**evidence, "first": 30.5, "band": 6.2})[1]
    assert "from 30.5 to 55 " in decimals and "(±6.2)" in decimals
    assert "(±6,2)" in spoken(stored(decimals), FRENCH)


def test_stored_quality_issues_and_failure_reasons_speak_the_request_s_language() -> None:
    stored_issue = {
        "code": "NO_FACE",
        "message": "No face was found.",
        "value": 0.0,
        "guidance": "An older wording of the guidance.",
        "blocking": True,
    }
    french = QualityIssue.from_stored(stored_issue, FRENCH)
    assert french.message == "Aucun visage n'a été trouvé."
    assert french.guidance.startswith("Placez-vous face à l'appareil")  # the code's wording
    english = QualityIssue.from_stored(stored_issue, ENGLISH)
    assert english.guidance == "An older wording of the guidance."  # English as stored
    reason = "Photo 3 of 3 could not be decoded (truncated JPEG)."
    assert failure_words("CORRUPT_MEDIA", reason, ENGLISH) == reason
    assert failure_words("CORRUPT_MEDIA", reason, GERMAN) == GERMAN.gettext(
        "This file cannot be read."
    )
    assert failure_words("CORRUPT_MEDIA", None, GERMAN) is None


def test_a_price_note_speaks_the_rate_and_the_day_in_the_person_s_locale() -> None:
    conversion = Conversion(
        price=Money(Decimal("12.07"), "GBP"),
        original=Money(Decimal("13.9"), "EUR"),
        rate=Decimal("0.86800"),
        as_of=date(2026, 11, 30),
    )
    price, note = price_said(conversion), note_said(conversion)
    assert price == conversion.text() == "12.07 GBP (13.90 EUR at 0.868, rates of 2026-11-30)"
    assert note == conversion.note()  # English as it was always written
    assert spoken(stored(note), ENGLISH) == note
    french = plain_spaces(spoken(stored(note), FRENCH))
    assert "0,868" in french and "30 novembre 2026" in french, french
    assert "0.868" not in french and "2026-11-30" not in french
    assert isinstance(price, Said)
    german = plain_spaces(spoken(stored(price), GERMAN))
    assert "0,868" in german and "30. November 2026" in german, german


def test_numbers_keep_every_digit_with_the_locale_s_separators() -> None:
    line = Said("{a} and {b}", a=Decimal("1234.50"), b=Decimal("0.001"))
    assert line == "1234.50 and 0.001"
    assert plain_spaces(FRENCH.format_number(Decimal("1234.56789"))) == "1 234,56789"
    assert GERMAN.format_number(Decimal("1234.5")) == "1.234,5"
    assert ENGLISH.format_number(Decimal("0.868")) == "0.868"
    day = Said("{product} on {day}", product="X", day=date(2026, 12, 3))
    assert day == "X on 2026-12-03"
    assert spoken(stored(day), GERMAN) == "X on 3. Dezember 2026"  # template not in catalog


def test_a_counted_line_takes_the_form_its_count_takes_in_each_language() -> None:
    """`Said.counted`: English picks by one or more; a catalog by its `Plural-Forms` (French
    says "1 de nos produits", German "1 unserer Produkte"), also read back from storage and
    after a pickle (the worker's results)."""
    from metskin.domain.recommendations.grouped import LEFT_OUT_FOR_IT

    one = Said.counted(LEFT_OUT_FOR_IT, 1, reason="R.", products="A")
    many = Said.counted(LEFT_OUT_FOR_IT, 3, reason="R.", products="A, B")
    assert one == "R. We left out 1 of our products for this: A."
    assert many == "R. We left out 3 of our products for this, among them A, B."
    french = BabelTranslations().translator("fr-FR")
    assert (
        spoken(said_json(one), french)
        == "R. Nous avons écarté pour cette raison 1 de nos produits : A."
    )
    assert spoken(json.loads(json.dumps(said_json(many))), french).endswith(
        "3 de nos produits, dont A, B."
    )
    assert pickle.loads(pickle.dumps(many)) == many
    assert said_json(pickle.loads(pickle.dumps(many))) == said_json(many)


def test_a_measure_is_a_number_each_language_writes_its_own_way() -> None:
    """`number`: at most so many decimals, none on a whole number, rounded up on request (a
    file over its limit never reads as the limit: 25 MB and one byte is "25.1")."""
    assert [str(number(v)) for v in (1.5, 25.0, 20.0, 2.25)] == ["1.5", "25", "20", "2.2"]
    assert str(number(25 + 1e-7, up=True)) == "25.1" and str(number(0.25, 2)) == "0.25"
    assert in_language(number(1.5), FRENCH) == "1,5" and in_language(number(1.5), GERMAN) == "1,5"
    assert in_language(number(1.5), ENGLISH) == "1.5" and in_language(7, FRENCH) == "7"
