"""Sentences built from a template and values (`domain/i18n/said.py`): English as written,
any language from what is stored."""

from __future__ import annotations

import json
from decimal import Decimal

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.i18n.said import Said, said_json, spoken, spoken_lines
from metskin.domain.money.model import Money
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
