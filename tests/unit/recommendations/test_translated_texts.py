"""What the routine shows from data, in French and German: every product's usage texts, the
tips (same conditions, same article tags as the English), never a product or brand name."""

from __future__ import annotations

import itertools
import re
from importlib import resources

import pytest

from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.tips import TIP_LANGUAGES, render_tips
from metskin.domain.recommendations.usage_text import usage_in, usage_line, usage_phrases
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES

TIPS = resources.files("metskin").joinpath("data", "tips")
TIP_NAMES = sorted(f.name for f in TIPS.iterdir() if f.name.endswith(".j2"))


def test_every_products_usage_reads_in_french_and_german() -> None:
    catalog = load_catalog()
    missing: set[tuple[str, str]] = set()
    for product, language in itertools.product(catalog.products, TIP_LANGUAGES):
        usage = product.usage
        texts = [usage.how_much, usage.frequency, usage.how_to_introduce, *usage.warnings]
        missing |= {(t, language) for t in texts if t and usage_line(t, language) == t}
        translated = usage_in(usage, language)
        assert (translated.when, translated.per_day) == (usage.when, usage.per_day)
    assert missing == set()
    assert len(usage_phrases()) >= 80


def test_a_usage_text_keeps_its_numbers() -> None:
    for english, languages in usage_phrases().items():
        for language, text in languages.items():
            numbers = sorted(re.findall(r"\d+", english))
            assert sorted(re.findall(r"\d+", text)) == numbers, (english, language)


def test_an_unknown_text_stays_in_english() -> None:
    assert usage_line("Morning and evening", "de") == "Morgens und abends"
    assert usage_line("Apply to the moon", "fr") == "Apply to the moon"
    assert usage_line("Morning and evening", "en") == "Morning and evening"


@pytest.mark.parametrize("language", TIP_LANGUAGES)
def test_every_tip_template_has_its_translation(language: str) -> None:
    translated = sorted(f.name for f in TIPS.joinpath(language).iterdir())
    assert translated == TIP_NAMES


@pytest.mark.parametrize("language", TIP_LANGUAGES)
def test_tips_render_in_each_language_with_the_english_tags_and_lines(language: str) -> None:
    """Every concern and skin type, pregnant or not, lighter or deeper tone, mild or marked."""
    settings = itertools.product(CONCERNS, SKIN_TYPES, (False, True), (2, 9), (35.0, 90.0))
    for concern, skin_type, pregnant, tone, severity in settings:
        needs = SkinNeeds({concern: severity}, skin_type, monk_tone=tone)
        profile = CareProfile(pregnant=pregnant, sensitive_skin=True)
        english = render_tips(needs, profile)
        other = render_tips(needs, profile, language=language)
        assert [t.article_tags for t in other] == [t.article_tags for t in english]
        for mine, theirs in zip(other, english, strict=True):
            assert mine.title != theirs.title and "{" not in mine.body
            assert mine.body.count("\n") == theirs.body.count("\n"), (mine.title, concern)


def test_a_french_tip_follows_the_same_conditions() -> None:
    pregnant = render_tips(
        SkinNeeds({"acne": 90}, "oily"), CareProfile(pregnant=True), language="fr"
    )
    assert pregnant[0].title.startswith("Soins de la peau pendant la grossesse")
    acne = pregnant[1].body
    assert "dermatologue" in acne and "L'acide azélaïque est un bon choix" in acne
    mild = render_tips(SkinNeeds({"acne": 35}, "oily"), CareProfile(), language="de")[0].body
    assert "Dermatolog" not in mild and "Salicylsäure befreit die Poren" in mild
