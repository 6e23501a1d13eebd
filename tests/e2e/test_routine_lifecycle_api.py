"""The routine a person follows, over weeks, through GraphQL and the worker: saying one is
pregnant, or that a product irritated, changes it at once and says so; a rating taken back
brings back the routine from before."""

from __future__ import annotations

from typing import Any

import pytest

from metskin.bootstrap import Container
from metskin.domain.content.loader import load_articles
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_recommendations_api import (  # noqa: F401
    PROFILE,
    RECOMMEND,
    analysed,
    seeded,
)
from tests.media_samples import face_jpeg

RATE = """mutation($p: ID!, $r: Int!, $o: ProductOutcome) {
  rateProduct(productId: $p, rating: $r, outcome: $o) { productId } }"""
CURRENT = """{ myRoutines(first: 1) { edges { node { id
  am { productId } pm { productId } excluded { productId ruleId reason } } } } }"""
SAVE_ARTICLE = """mutation($input: ArticleInput!, $mode: SaveMode!) {
  saveArticle(input: $input, mode: $mode) { slug } }"""
CHANGES = "{ notifications(first: 20) { edges { node { kind details } } } }"


async def current(client: GraphQLClient, container: Container) -> dict[str, Any]:
    """The routine the person follows, once the queued jobs have run."""
    container.start_embedded_worker()
    container.broker.join("default")
    node: dict[str, Any] = (await client.data(CURRENT))["myRoutines"]["edges"][0]["node"]
    return node


def products(routine: dict[str, Any]) -> set[str]:
    return {step["productId"] for step in routine["am"] + routine["pm"]}


async def removed(client: GraphQLClient) -> list[list[str]]:
    edges = (await client.data(CHANGES))["notifications"]["edges"]
    told = [e["node"]["details"] for e in edges if e["node"]["kind"] == "ROUTINE_CHANGED"]
    return [item["removed"] for item in told]


async def test_saying_one_is_pregnant_takes_the_retinoid_out_of_the_routine_at_once(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the routine the person followed kept its retinol serum (and no one told them)
    until they happened to open that analysis's routine again."""
    await client.register("maya@example.com")
    await analysed(client, seeded, face_jpeg())
    first = await current(client, seeded)
    retinoid = "cerabalance-resurfacing-retinol-serum"
    assert retinoid in products(first)
    await client.data(PROFILE, i={"sex": "female", "pregnant": True})
    now = await current(client, seeded)
    assert now["id"] != first["id"] and retinoid not in products(now)
    (why,) = [e for e in now["excluded"] if e["productId"] == retinoid]
    assert "pregnan" in why["ruleId"]
    (told,) = await removed(client)
    assert f"pm:{retinoid}" in told


REMOVE = "mutation($p: ID!) { removeRating(productId: $p) }"


@pytest.mark.parametrize("take_back", ["rate again", "remove the rating"])
async def test_a_product_said_to_irritate_leaves_the_routine_and_comes_back_when_taken_back(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
    take_back: str,
) -> None:
    await client.register("maya@example.com")
    await analysed(client, seeded, face_jpeg())
    first = await current(client, seeded)
    moisturiser = first["pm"][-1]["productId"]
    await client.data(RATE, p=moisturiser, r=4, o="IRRITATED")
    without = await current(client, seeded)
    assert moisturiser not in products(without)
    (why,) = [e for e in without["excluded"] if e["productId"] == moisturiser]
    assert why["ruleId"] == "feedback.irritated_or_rated_low"
    # Taken back: the routine from before is the one followed again, and that is told.
    if take_back == "rate again":
        await client.data(RATE, p=moisturiser, r=4, o=None)
    else:
        assert await client.data(REMOVE, p=moisturiser) == {"removeRating": True}
    again = await current(client, seeded)
    assert again["id"] == first["id"]
    assert len(await removed(client)) == 2
    if take_back == "remove the rating":  # forgotten: nothing left to take back
        assert await client.data(REMOVE, p=moisturiser) == {"removeRating": False}
        assert await client.data(REMOVE, p="no-such-product") == {"removeRating": False}
        with seeded.new_uow() as uow:
            assert list(uow.feedback.iter_all()) == []


async def test_an_editor_s_fix_to_an_article_title_keeps_the_check_in_date(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the title of an article a tip links, edited by an administrator, saved a new
    routine on the person's next read and restarted their check-in count."""
    await client.register("maya@example.com")
    analysis_id = await analysed(client, seeded, face_jpeg())
    routine = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    slug = next(a["slug"] for tip in routine["tips"] for a in tip["articles"])
    state = "{ checkIn { routineMadeAt nextCheckIn } }"
    before = await client.data(state)
    article = next(a for a in load_articles() if a.slug == slug)
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, seeded)
    fields = {"slug": slug, "tags": list(article.tags), "body": article.body}
    fields |= {"readingMinutes": article.reading_minutes, "summary": article.summary}
    await admin.data(SAVE_ARTICLE, mode="UPDATE", input={**fields, "title": "Fixed title"})
    again = (await client.data(RECOMMEND, a=analysis_id))["recommendations"]
    assert "Fixed title" in [a["title"] for tip in again["tips"] for a in tip["articles"]]
    assert await client.data(state) == before


async def test_a_product_taken_off_sale_leaves_the_routine_at_once_told_why(
    client: GraphQLClient,
    seeded: Container,  # noqa: F811
) -> None:
    """Before, the routine the person followed kept the sunscreen no longer sold (its step's
    `product` null) until they opened it again, and nothing said why it changed then."""
    await client.register("maya@example.com")
    await analysed(client, seeded, face_jpeg())
    first = await current(client, seeded)
    sunscreen = first["am"][-1]["productId"]
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, seeded)
    await admin.data("mutation($id: ID!) { removeProduct(id: $id) }", id=sunscreen)
    now = await current(client, seeded)
    assert sunscreen not in products(now) and now["am"][-1]["productId"]
    edges = (await client.data(CHANGES))["notifications"]["edges"]
    (told,) = [e["node"]["details"] for e in edges if e["node"]["kind"] == "ROUTINE_CHANGED"]
    assert told["why"] == "NO_LONGER_SOLD" and f"am:{sunscreen}" in told["removed"]
    # It irritated them while they used it: that can still be said (PRODUCT_NOT_FOUND before).
    await client.data(RATE, p=sunscreen, r=1, o="IRRITATED")
    assert await client.error_codes(RATE, p="never-sold", r=1, o=None) == ["PRODUCT_NOT_FOUND"]
