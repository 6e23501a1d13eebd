"""Issue 14's two gaps: alternatives priced in the person's currency like the steps, and tips
that link the articles as the editors left them (added, changed, removed)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from metskin.domain.accounts.model import Role
from metskin.domain.content.model import Article, ContentKind
from metskin.domain.content.service import ContentService
from metskin.domain.money.model import Rate, RatesTable
from metskin.domain.recommendations.catalog import Product
from tests.fakes.content import FakeContentUnitOfWork
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.recommendation_builders import INGREDIENTS, basics, product
from tests.unit.recommendations.service_builders import (
    NOW,
    PRODUCTS,
    recommendations,
    set_profile,
)

NOVEMBER = RatesTable({"GBP": Rate("GBP", Decimal("0.85"), date(2026, 11, 30))})
# A second product per slot, so every slot has alternatives to price.
MORE = [
    product("gentle-cleanser", "cleanser", [("Glycerin", 2.0)], price="9.99"),
    product("rich-moisturiser", "moisturiser", [("Glycerin", 5.0)], price="23.45"),
    product("azelaic-serum", "serum", [("Niacinamide", 4.0)], concerns=["acne"], price="15.55"),
]


def test_alternatives_are_priced_in_the_person_s_currency_like_the_steps(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    service = recommendations(uow, clock, rates=lambda: NOVEMBER)
    service.load_catalog(INGREDIENTS, [*PRODUCTS, *MORE])
    set_profile(uow, "p1", currency="GBP")
    routine = service.recommend("p1", Role.PATIENT, "a1").routine
    catalog: dict[str, Product] = {p.id: p for p in service.catalog.index().catalog.products}
    options = [o for group in routine["alternatives"].values() for o in group]
    assert options, "the catalog offers alternatives"
    for option in options:
        euros = catalog[option["product_id"]].price
        assert euros.currency == "EUR"
        pounds = (euros.amount * Decimal("0.85")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert option["price"] == {"amount": str(pounds), "currency": "GBP"}
        assert option["price_note"] == "converted from EUR at 0.85 (rates of 2026-11-30)"
    steps = routine["am"] + routine["pm"]
    assert {s["price"]["currency"] for s in steps} == {"GBP"} == {routine["currency"]}


def test_alternatives_in_euros_carry_the_euro_price_and_no_note(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    service = recommendations(uow, clock)
    service.load_catalog(INGREDIENTS, [*PRODUCTS, *MORE])
    set_profile(uow, "p1", currency="EUR")
    routine = service.recommend("p1", Role.PATIENT, "a1").routine
    options = [o for group in routine["alternatives"].values() for o in group]
    assert options and all(o["price"]["currency"] == "EUR" for o in options)
    assert all(o["price_note"] == "" for o in options)


def test_tips_link_the_articles_as_the_editors_left_them(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    content = ContentService(FakeContentUnitOfWork(), lambda: NOW)
    service = recommendations(uow, clock, articles=content.all_articles)
    service.load_catalog(INGREDIENTS, basics())

    def sun_links() -> list[str]:
        tips = service.recommend("p1", Role.PATIENT, "a1").routine["tips"]
        sun = tips[-1]  # the sun tip closes every routine
        assert sun["tags"] == ["spf", "all-skin-types", "routine"]
        return [a["slug"] for a in sun["articles"]]

    packaged = sun_links()
    assert "spf-basics" in packaged
    # An editor adds an article on sunscreen (an "a" slug sorts it first among equals)...
    new = Article(
        "a-sunscreen-every-day",
        "A sunscreen every day",
        ("spf", "all-skin-types", "routine"),
        3,
        "Why and how.",
        "Body.",
    )
    content.save("editor-1", new, create=True)
    # ...and removes a packaged one: the next routine links the catalog they left.
    content.delete("editor-1", ContentKind.ARTICLE, "spf-basics")
    set_profile(uow, "p1", birth_year=1991)  # a new profile state builds a new routine
    edited = sun_links()
    assert "a-sunscreen-every-day" in edited and "spf-basics" not in edited
