"""Work a recommendation does once or only when needed: a product's reasons are worded when
read (every product is scored, a routine shows a few); the articles of the translated tips
are translated once per language, linking the same articles as translating them all; prices
are converted once per routine, each currency's rate checked once, and the cheapest product
of each essential slot (what a total budget holds back) is found once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from metskin.domain.content.loader import by_tags, load_articles
from metskin.domain.i18n.said import Said
from metskin.domain.money.model import Conversion, Money
from metskin.domain.recommendations import filling, scoring
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.payload import MAX_ARTICLES_PER_TIP, serialise
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.scoring import score_product
from metskin.domain.recommendations.tips import render_tips, translated_tips

CATALOG = load_catalog()
SKINS = [
    SkinNeeds({"acne": 72, "pores": 45, "shine": 60}, "oily", monk_tone=8),
    SkinNeeds({"wrinkles": 76, "pigmentation": 33, "dark_circles": 40}, "dry", monk_tone=3),
    SkinNeeds({"redness": 65, "dryness": 50, "sensitivity": 55}, "combination", monk_tone=5),
]
PEOPLE = [
    CareProfile(),
    CareProfile(pregnant=True, sensitive_skin=True, budget_per_product=30, currency="GBP"),
]


def test_scoring_words_no_reason_until_one_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    worded: list[str] = []

    def counted(template: str, /, **values: Any) -> Said:
        worded.append(template)
        return Said(template, **values)

    monkeypatch.setattr(scoring, "Said", counted)
    skin, person = SKINS[0], PEOPLE[1]
    scored = [score_product(p, skin, person) for p in CATALOG.products]
    assert worded == []
    assert sum(len(s.reasons_of) for s in scored) > len(CATALOG.products)  # there is some
    first = next(s for s in scored if s.reasons_of)
    lines = first.reasons
    assert len(lines) == len(first.reasons_of) and worded  # now worded, every line
    assert all(isinstance(line, Said) for line in lines)
    count = len(worded)
    assert first.reasons is lines and len(worded) == count  # worded once


@pytest.mark.parametrize("skin", SKINS)
@pytest.mark.parametrize("person", PEOPLE)
def test_translated_tips_link_what_translating_every_article_would(
    skin: SkinNeeds, person: CareProfile
) -> None:
    articles = load_articles()
    tips = render_tips(skin, person)
    translated = translated_tips(skin, person)
    payload = serialise(build_routine(skin, person, CATALOG), tips, articles, translated)
    for language, same in translated.items():
        every = [a.in_language(language) for a in articles]
        expected = [
            [{"slug": a.slug, "title": a.title} for a in by_tags(every, tip.article_tags)]
            for tip in same
        ]
        linked = [tip["articles"] for tip in payload["tips_translated"][language]]
        assert linked == [found[:MAX_ARTICLES_PER_TIP] for found in expected]
        assert any(linked), "some tip links an article"


def test_a_translated_title_can_reorder_a_tips_articles() -> None:
    """What the test above guards: by_tags sorts ties by title, in the tip's language."""
    articles = load_articles()
    moved = [
        tags
        for tip in render_tips(SKINS[1], PEOPLE[0])
        for tags in [tip.article_tags]
        for language in ("fr", "de")
        if [a.slug for a in by_tags(articles, tags)]
        != [a.slug for a in by_tags([a.in_language(language) for a in articles], tags)]
    ]
    assert moved


BUDGETS = [
    CareProfile(budget_total=Decimal(40)),
    CareProfile(budget_total=Decimal(80), budget_per_product=Decimal(25), currency="GBP"),
    CareProfile(budget_total=Decimal(150), sensitive_skin=True, currency="USD"),
]


@pytest.mark.parametrize("person", BUDGETS)
def test_a_budgeted_routine_is_the_one_found_converting_every_time(
    person: CareProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prices converted once per product and each essential's cheapest found once give the
    routine that converting and searching afresh at every use gives."""
    built = [build_routine(skin, person, CATALOG) for skin in SKINS]

    def converted_afresh(builder: filling.Builder, product: Product) -> Conversion:
        return builder.profile.price_of(product)

    def found_afresh(builder: filling.Builder, essential: str) -> Money:
        builder.cheapest.clear()
        return cheapest_in(builder, essential)

    cheapest_in = filling.Builder.cheapest_in
    monkeypatch.setattr(filling.Builder, "price_of", converted_afresh)
    monkeypatch.setattr(filling.Builder, "cheapest_in", found_afresh)
    again = [build_routine(skin, person, CATALOG) for skin in SKINS]
    assert built == again
    assert any(r.excluded for r in built)  # the budget left products out


def test_a_budgeted_routine_converts_each_price_about_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    converted: list[str] = []
    price_of = CareProfile.price_of

    def counted(self: CareProfile, product: Product) -> Conversion:
        converted.append(product.id)
        return price_of(self, product)

    monkeypatch.setattr(CareProfile, "price_of", counted)
    build_routine(SKINS[0], BUDGETS[0], CATALOG)
    # Once each when the candidates are ranked, plus the safety rules' and the scoring's own;
    # searching the essentials' cheapest for every product tried made it thousands.
    assert len(converted) <= 3 * len(CATALOG.products)


def test_a_routine_checks_each_currency_s_rate_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a price converts (a rate is known for its currency) is asked per currency, not
    per product: `converts` builds the rates' currency set at every call (bench/routine_prices.py:
    2-3 ms of a routine on 2,000 products, 0.25 ms when checked once per currency)."""
    asked: list[str] = []
    converts = CareProfile.converts

    def counted(self: CareProfile, currency: str) -> bool:
        asked.append(currency)
        return converts(self, currency)

    monkeypatch.setattr(CareProfile, "converts", counted)
    build_routine(SKINS[0], BUDGETS[1], CATALOG)
    assert sorted(asked) == sorted({p.price.currency for p in CATALOG.products})
