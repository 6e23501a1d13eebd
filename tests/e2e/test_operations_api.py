"""Operations through HTTP: health and readiness, Prometheus metrics, security headers on every
route, GraphiQL only in development."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine

from metskin.bootstrap import Container, bootstrap
from metskin.graphql.app import create_app
from metskin.graphql.graphiql import BUNDLES
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient

KEYS = {
    "secret_key": "t" * 40,
    "media_url_key": "m" * 40,
    "storage_keys": {"s1": base64.b64encode(b"\x02" * 32).decode()},
}


@pytest.fixture
async def http(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_healthz_and_readyz_answer_when_all_is_well(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}


async def test_readyz_says_which_dependency_failed(
    http: httpx.AsyncClient, container: Container, tmp_path: Path
) -> None:
    container.storage.folder = tmp_path / "a-file"  # type: ignore[attr-defined]
    (tmp_path / "a-file").write_text("not a folder")
    broken = await http.get("/readyz")
    assert broken.status_code == 503
    assert broken.json()["failed"] == ["storage"]
    working_engine = container.engine
    container.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    try:
        both = await http.get("/readyz")
    finally:
        container.engine = working_engine
    assert both.status_code == 503
    assert both.json()["failed"] == ["database", "storage"]
    assert (await http.get("/healthz")).status_code == 200  # alive, if not ready


async def test_metrics_count_operations_and_refusals(
    http: httpx.AsyncClient, container: Container
) -> None:
    client = GraphQLClient(http)
    await client.register("maya@example.com")
    await client.data("{ me { email } }")
    await client.data("{ me { email } }")
    three_quarters = " ".join(
        f's{i}: availableSlots(dermatologistId: "d", from: "2026-01-01T00:00:00Z", '
        'to: "2026-04-01T00:00:00Z") { start end startLocal timeZone }'
        for i in range(3)
    )
    refused = await client.call(f"{{ {three_quarters} }}")
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'metskin_graphql_requests_total{operation="mutation register",outcome="ok"} 1.0' in text
    assert 'metskin_graphql_requests_total{operation="query me",outcome="ok"} 2.0' in text
    assert (
        'metskin_graphql_requests_total{operation="query availableSlots",outcome="error"} 1.0'
        in text
    )
    assert 'metskin_graphql_request_seconds_count{operation="query me"} 2.0' in text
    assert 'metskin_limit_refusals_total{kind="cost",rule="query"} 1.0' in text


async def test_metrics_name_no_operation_a_client_made_up(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/graphql", json={"query": "query Anything123 { health }"})
    await http.post("/graphql", json={"query": "{ noSuchField }"})
    text = (await http.get("/metrics")).text
    assert "Anything123" not in text and "noSuchField" not in text
    assert 'operation="query health"' in text


ROUTES = ["/graphql", "/healthz", "/readyz", "/metrics", "/media/forged", "/learn/nope", "/"]


@pytest.mark.parametrize("path", ROUTES)
async def test_every_route_sends_the_security_headers(http: httpx.AsyncClient, path: str) -> None:
    if path == "/graphql":
        response = await http.post(path, json={"query": "{ health }"})
    else:
        response = await http.get(path)
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("no-referrer", "same-origin")
    assert "strict-transport-security" not in headers  # only when served over HTTPS


async def test_hsts_is_sent_when_configured(tmp_path: Path, database_url: str) -> None:
    container = bootstrap(make_settings(tmp_path, database_url=database_url, hsts_seconds=31536000))
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/healthz")
    finally:
        container.close()
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def graphiql_page(
    tmp_path: Path, database_url: str, *paths: str, **values: object
) -> list[httpx.Response]:
    """GET /graphql as a browser, then each of `paths`."""
    container = bootstrap(make_settings(tmp_path, database_url=database_url, **values))
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
            return [page, *[await http.get(path) for path in paths]]
    finally:
        container.close()


GRAPHIQL_FILES = ("graphiql.min.js", "graphiql.min.css")


async def test_graphiql_is_off_outside_development(tmp_path: Path, database_url: str) -> None:
    assets = [f"/graphiql-assets/{name}" for name in ("start.js", *GRAPHIQL_FILES)]
    page, *files = await graphiql_page(tmp_path, database_url, *assets, env="production", **KEYS)
    assert not page.headers.get("content-type", "").startswith("text/html")
    assert "graphiql" not in page.text.lower()
    assert [response.status_code for response in files] == [404, 404, 404]


async def test_graphiql_in_development_is_served_from_this_origin_only(
    tmp_path: Path, database_url: str
) -> None:
    (without,) = await graphiql_page(tmp_path, database_url, env="development")
    assert without.status_code == 503 and "make graphiql" in without.text  # never a CDN
    folder = tmp_path / "var" / "graphiql"
    folder.mkdir(parents=True)
    for name in BUNDLES:
        (folder / name).write_text(f"/* {name} */")
    assets = [f"/graphiql-assets/{name}" for name in ("start.js", *GRAPHIQL_FILES)]
    page, *files = await graphiql_page(tmp_path, database_url, *assets, env="development")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/graphiql-assets/graphiql.min.js" in page.text and "https://" not in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "https:" not in policy
    assert "frame-ancestors 'none'" in policy
    assert [response.status_code for response in files] == [200, 200, 200]
    assert "GraphiQL.createFetcher" in files[0].text and "graphiql.min.js" in files[1].text
