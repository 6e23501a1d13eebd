"""The lean path for plain reads (graphql/lean.py, issue 17) answers exactly as Strawberry's
view does: the same status, headers and bytes for ordinary and broken requests, the same
refusals (cost, rate, API key, login) and the same metrics; whatever it does not take goes to
Strawberry's view untouched."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from metskin.bootstrap import Container, bootstrap
from metskin.graphql.app import MetSkinGraphQL, create_app
from metskin.graphql.schema import MetSkinSchema
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD
from tests.fakes.infra import FakeClock

PRODUCTS = "query { products(first: 3) { edges { node { id name keyActives { name } } } } }"
NAMED = "query One($n: Int!) { products(first: $n) { edges { node { id } } } } query Two { health }"
ME = "query { me { email analyses(first: 2) { edges { node { id } } } } }"
DIRECTORY = (
    "query($lat: Float!) { dermatologists(filter: {near: {lat: $lat, lon: -0.12}}, first: 5) "
    "{ edges { node { id name } } } }"
)
COSTLY = "query { a: products(first: 100) { edges { node { id keyActives { name } } } } }"
MISSING = 'query { dermatologist(id: "no-such-doctor") { id name } }'
DEEP = "query { me { analyses { edges { node { summary { monk } } } } } }"  # over 4
APQ = {
    "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(PRODUCTS.encode()).hexdigest()}
}
# (body, extra headers, taken by the lean path): each is sent twice to each app, the first
# time to put the document in the app's store (the lean path takes only known documents).
REQUESTS: list[tuple[Any, dict[str, str], bool]] = [
    ({"query": PRODUCTS}, {}, True),
    ({"query": PRODUCTS, "variables": None, "operationName": None}, {}, True),
    ({"query": NAMED, "variables": {"n": 2}, "operationName": "One"}, {}, True),
    ({"query": NAMED, "operationName": "Two"}, {}, True),
    ({"query": NAMED, "operationName": "Three"}, {}, False),
    ({"query": NAMED}, {}, True),
    ({"query": ME}, {}, True),
    ({"query": ME}, {"accept-language": "fr"}, True),
    ({"query": ME}, {"authorization": "Bearer not-a-token", "accept-language": "de"}, True),
    ({"query": ME}, {"x-api-key": "msk_nope"}, True),
    ({"query": DIRECTORY, "variables": {"lat": 51.5}}, {}, True),
    ({"query": DIRECTORY, "variables": {"lat": "north"}}, {}, True),
    ({"query": DIRECTORY, "variables": {"lat": 951.5}}, {"accept-language": "fr"}, True),
    ({"query": DIRECTORY}, {}, True),
    ({"query": COSTLY}, {}, True),
    ({"query": MISSING}, {}, True),
    ({"query": "query { nope }"}, {}, False),
    ({"query": "query { products(first: 2) { edges { node { id } } }"}, {}, False),
    ({"query": DEEP}, {}, False),
    ({"query": PRODUCTS, "variables": {"x": "\ud800"}}, {}, False),
    ({"query": 'mutation { logout(refreshToken: "nope") }'}, {}, False),
    ({"query": "subscription { inboxMessages { id } }"}, {}, False),
    ({"query": PRODUCTS, "extensions": APQ}, {}, False),
    ({"extensions": APQ}, {}, True),
    ({"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "ab"}}}, {}, False),
    ({"query": PRODUCTS, "unknown": 1}, {}, False),
    ({"query": PRODUCTS, "variables": [1]}, {}, False),
    ({"query": 7}, {}, False),
    ({}, {}, False),
    ([{"query": PRODUCTS}], {}, False),
    ("not json", {}, False),
    ({"query": PRODUCTS}, {"content-type": "text/plain"}, False),
    ({"query": PRODUCTS}, {"content-type": "application/json; charset=latin-1"}, False),
    ({"query": PRODUCTS}, {"accept": "text/event-stream"}, True),  # no SSE here
]


def graphql_view(app: Starlette) -> MetSkinGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and isinstance(route.app, MetSkinGraphQL):
            return route.app
    raise AssertionError("no GraphQL route")


@pytest.fixture
def container(tmp_path: Path, database_url: str) -> Iterator[Container]:
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        rate_limit_scale=1.0,
        max_query_cost=500,
        max_query_depth=4,
    )
    container = bootstrap(settings, clock=FakeClock())
    yield container
    container.close()


@pytest.fixture
async def apps(container: Container) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Two apps on one container: the lean path on, and Strawberry's view only."""
    lean, stock = create_app(container), create_app(container)
    graphql_view(stock).lean = None
    clients = {}
    for name, app in (("lean", lean), ("stock", stock)):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
        clients[name] = httpx.AsyncClient(transport=transport, base_url="http://test")
    yield clients
    for client in clients.values():
        await client.aclose()


async def send(http: httpx.AsyncClient, body: Any, headers: dict[str, str]) -> httpx.Response:
    content = body if isinstance(body, str) else json.dumps(body)
    headers = {"content-type": "application/json", **headers}
    return await http.post("/graphql", content=content, headers=headers)


def seen(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    return response.status_code, dict(response.headers), response.content


def executions(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """From now on, each run of Strawberry's `Schema.execute` adds its query."""
    ran: list[str | None] = []
    real = MetSkinSchema.execute

    async def counted(self: MetSkinSchema, query: str | None, *args: Any, **kw: Any) -> Any:
        ran.append(query)
        return await real(self, query, *args, **kw)

    monkeypatch.setattr(MetSkinSchema, "execute", counted)
    return ran


async def test_every_request_gets_the_same_response_from_both_paths(
    apps: dict[str, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = executions(monkeypatch)
    for body, headers, lean in REQUESTS:
        answers: dict[str, list[httpx.Response]] = {}
        runs: dict[str, int] = {}
        for name, http in apps.items():
            before = len(ran)
            answers[name] = [await send(http, body, headers) for _ in range(2)]
            runs[name] = len(ran) - before
        assert [seen(a) for a in answers["lean"]] == [seen(a) for a in answers["stock"]], body
        assert all(answer.status_code < 500 for answer in answers["lean"])
        # Strawberry's Schema.execute ran in the lean app only for what the lean path leaves (and
        # for a text not yet known, the first time)
        if lean:
            assert runs["lean"] <= 1 < runs["stock"], (body, runs)
        else:
            assert runs["lean"] == runs["stock"], (body, runs)


async def test_a_plain_known_read_skips_strawberrys_pipeline(
    apps: dict[str, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = executions(monkeypatch)
    first = await send(apps["lean"], {"query": PRODUCTS, "extensions": APQ}, {})
    assert ran == [PRODUCTS]  # an unknown text (and APQ's registration) go to Strawberry's view
    again = [await send(apps["lean"], {"query": PRODUCTS}, {}) for _ in range(3)]
    hashed = await send(apps["lean"], {"extensions": APQ}, {})
    assert ran == [PRODUCTS]
    assert {answer.content for answer in [*again, hashed]} == {first.content}
    await send(apps["lean"], {"query": 'mutation { logout(refreshToken: "nope") }'}, {})
    await send(apps["lean"], {"query": PRODUCTS, "variables": {"x": "\ud800"}}, {})
    assert len(ran) == 3  # a mutation and unstorable text go to Strawberry's view


async def test_refusals_and_metrics_are_the_same(
    apps: dict[str, httpx.AsyncClient], container: Container
) -> None:
    for http in apps.values():  # the document is known to both apps
        await send(http, {"query": DIRECTORY, "variables": {"lat": 51.5}}, {})
    allowed = 120  # directory: 120 a minute per address (domain/limits/model.py)
    for _ in range(allowed - 2 - 1):
        await send(apps["lean"], {"query": DIRECTORY, "variables": {"lat": 51.5}}, {})
    last = [
        await send(http, {"query": DIRECTORY, "variables": {"lat": 51.5}}, {})
        for http in apps.values()
    ]
    assert "errors" not in last[0].json()
    refused = {
        name: await send(
            http, {"query": DIRECTORY, "variables": {"lat": 51.5}}, {"accept-language": "fr"}
        )
        for name, http in apps.items()
    }
    assert seen(refused["lean"]) == seen(refused["stock"])
    assert refused["lean"].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "retry-after" in refused["lean"].headers

    before = container.metrics.render()
    await send(apps["lean"], {"query": PRODUCTS}, {})
    await send(apps["lean"], {"query": PRODUCTS}, {})
    lean_metrics = container.metrics.render()
    await send(apps["stock"], {"query": PRODUCTS}, {})
    await send(apps["stock"], {"query": PRODUCTS}, {})
    after = container.metrics.render()
    lean_counted = counts(lean_metrics) - counts(before)
    assert lean_counted == counts(after) - counts(lean_metrics)
    assert lean_counted == Counter({'{operation="query products",outcome="ok"}': 2})


def counts(rendered: bytes | str) -> Counter[str]:
    """The GraphQL operations counted, by label (operation and outcome)."""
    text = rendered.decode() if isinstance(rendered, bytes) else rendered
    found: Counter[str] = Counter()
    for line in text.splitlines():
        if line.startswith("metskin_graphql_requests_total{"):
            labels, value = line.removeprefix("metskin_graphql_requests_total").rsplit(" ", 1)
            found[labels] = int(float(value))
    return found


async def test_a_session_ended_by_logout_is_refused_on_the_lean_path(
    apps: dict[str, httpx.AsyncClient], container: Container
) -> None:
    container.accounts.register("pat@example.com", PASSWORD, "Pat")
    login = await send(
        apps["stock"],
        {
            "query": f'mutation {{ login(email: "pat@example.com", password: "{PASSWORD}") '
            "{ accessToken refreshToken } }"
        },
        {},
    )
    tokens = login.json()["data"]["login"]
    auth = {"authorization": f"Bearer {tokens['accessToken']}"}
    for http in apps.values():
        await send(http, {"query": ME}, auth)
    answers = [await send(http, {"query": ME}, auth) for http in apps.values()]
    assert answers[0].json()["data"]["me"]["email"] == "pat@example.com"
    assert seen(answers[0]) == seen(answers[1])
    logout = "mutation($r: String!) { logout(refreshToken: $r) }"
    await send(apps["stock"], {"query": logout, "variables": {"r": tokens["refreshToken"]}}, auth)
    ended = [await send(http, {"query": ME}, auth) for http in apps.values()]
    assert seen(ended[0]) == seen(ended[1])
    assert ended[0].json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
