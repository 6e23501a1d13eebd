"""API keys through HTTP: created and listed by their owner (admins: anyone's), sent as a
header, reaching only the fields of their scopes as their owner's plain account, refused once
revoked, rate-limited per key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from metskin.bootstrap import Container
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient, http_app, login_as_admin
from tests.media_samples import face_jpeg

CREATE = """mutation($name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(name: $name, scopes: $scopes) { key apiKey { id prefix scopes active } }
}"""
KEYS = "query($u: ID) { apiKeys(userId: $u) { id name prefix active lastUsedAt revokedAt } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { active revokedAt } }"
PRODUCTS = "{ products(first: 2) { edges { node { id name } } } }"
DIRECTORY = "{ dermatologists(first: 2) { edges { node { id } } } }"
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id status } }"
ANALYSIS = "query($id: ID!) { analysis(id: $id) { id status media { url } } }"


class KeyClient:
    """Calls the API with an API key in a header (X-API-Key, or Authorization: ApiKey)."""

    def __init__(self, http: httpx.AsyncClient, key: str, *, authorization: bool = False):
        self.http = http
        self.headers = {"authorization": f"ApiKey {key}"} if authorization else {"x-api-key": key}

    async def call(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def codes(self, query: str, **variables: Any) -> list[str]:
        body = await self.call(query, **variables)
        return [error["extensions"]["code"] for error in body.get("errors") or []]

    async def upload(self, data: bytes) -> dict[str, Any]:
        operations = {"query": "mutation($f: Upload!) { uploadMedia(file: $f) { id url } }"}
        operations["variables"] = {"f": None}  # type: ignore[assignment]
        response = await self.http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
            files={"0": ("face.jpg", data, "application/octet-stream")},
            headers=self.headers,
        )
        return response.json()


async def new_key(client: GraphQLClient, *scopes: str, name: str = "shop") -> dict[str, Any]:
    created = (await client.data(CREATE, name=name, scopes=list(scopes)))["createApiKey"]
    assert created["key"].startswith(created["apiKey"]["prefix"])
    return created


async def test_a_key_reaches_only_its_scopes_as_its_owner(
    client: GraphQLClient, container: Container
) -> None:
    owner = (await client.register("integrator@example.com"))["user"]["id"]
    created = await new_key(client, "ANALYSES_OWN_USERS", "CATALOG_READ")
    raw = created["key"]
    assert sorted(created["apiKey"]["scopes"]) == ["ANALYSES_OWN_USERS", "CATALOG_READ"]
    with container.engine.connect() as db:  # hashed at rest: the key is in no column
        row = db.execute(text("SELECT * FROM api_keys")).mappings().one()
    assert raw not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["owner_id"] == owner and row["prefix"] == raw[:12]

    for key_client in (
        KeyClient(client.http, raw),
        KeyClient(client.http, raw, authorization=True),
    ):
        assert "errors" not in await key_client.call(PRODUCTS)
        assert await key_client.codes(DIRECTORY) == ["API_KEY_SCOPE"]
        for closed in (
            "{ me { email } }",
            "{ myShares { id } }",
            "{ __schema { types { name } } }",
        ):
            assert await key_client.codes(closed) == ["API_KEY_SCOPE"]
        # Keys cannot make keys, nor reach a closed field next to an open one.
        assert await key_client.codes(CREATE, name="more", scopes=["CATALOG_READ"]) == [
            "API_KEY_SCOPE"
        ]
        assert await key_client.codes(PRODUCTS[:-1] + " me { id } }") == ["API_KEY_SCOPE"]
    message = (await KeyClient(client.http, raw).call(DIRECTORY))["errors"][0]["message"]
    assert "Query.dermatologists" in message

    key = KeyClient(client.http, raw)
    uploaded = (await key.upload(face_jpeg(128)))["data"]["uploadMedia"]
    started = (await key.call(START, m=uploaded["id"]))["data"]["startAnalysis"]
    read = (await key.call(ANALYSIS, id=started["id"]))["data"]["analysis"]
    assert read["id"] == started["id"]
    assert (await client.http.get(read["media"]["url"])).status_code == 200
    mine = await client.data(ANALYSIS, id=started["id"])  # the owner's own account sees it
    assert mine["analysis"]["id"] == started["id"]

    other = GraphQLClient(client.http)
    await other.register("someone@example.com")
    theirs = (await other.upload(face_jpeg(96)))["data"]["uploadMedia"]["id"]
    their_analysis = (await other.data(START, m=theirs))["startAnalysis"]["id"]
    assert await key.codes(ANALYSIS, id=their_analysis) == ["FORBIDDEN"]
    assert await key.codes(START, m=theirs) == ["MEDIA_NOT_FOUND"]

    listed = (await client.data(KEYS))["apiKeys"]
    assert [(k["prefix"], k["active"]) for k in listed] == [(raw[:12], True)]
    assert listed[0]["lastUsedAt"] is not None
    assert raw not in json.dumps(listed)


async def test_a_bad_or_revoked_key_refuses_the_whole_request(client: GraphQLClient) -> None:
    await client.register("integrator@example.com")
    created = await new_key(client, "CATALOG_READ")
    raw = created["key"]
    for wrong in ("msk_" + "x" * 43, "not-a-key", raw + "x"):
        # Not anonymous either: even the public catalog is refused.
        assert await KeyClient(client.http, wrong).codes(PRODUCTS) == ["API_KEY_INVALID"]
    both = {"x-api-key": raw, "authorization": f"Bearer {client.token}"}
    response = await client.http.post("/graphql", json={"query": PRODUCTS}, headers=both)
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["API_KEY_INVALID"]

    revoked = (await client.data(REVOKE, id=created["apiKey"]["id"]))["revokeApiKey"]
    assert revoked["active"] is False and revoked["revokedAt"]
    assert await KeyClient(client.http, raw).codes(PRODUCTS) == ["API_KEY_INVALID"]


async def test_admins_list_and_revoke_anyones_keys_and_their_keys_have_no_admin_power(
    client: GraphQLClient, container: Container
) -> None:
    patient = (await client.register("integrator@example.com"))["user"]["id"]
    created = await new_key(client, "CATALOG_READ")
    stranger = GraphQLClient(client.http)
    await stranger.register("stranger@example.com")
    assert await stranger.error_codes(KEYS, u=patient) == ["FORBIDDEN"]
    assert await stranger.error_codes(REVOKE, id=created["apiKey"]["id"]) == ["API_KEY_NOT_FOUND"]
    await stranger.register("analysed@example.com")
    media = (await stranger.upload(face_jpeg(96)))["data"]["uploadMedia"]["id"]
    analysis = (await stranger.data(START, m=media))["startAnalysis"]["id"]

    admin = GraphQLClient(client.http)
    await login_as_admin(admin, container)
    assert [k["name"] for k in (await admin.data(KEYS, u=patient))["apiKeys"]] == ["shop"]
    assert (await admin.data(ANALYSIS, id=analysis))["analysis"]["id"] == analysis
    admin_key = (await new_key(admin, "ANALYSES_OWN_USERS"))["key"]
    assert await KeyClient(client.http, admin_key).codes(ANALYSIS, id=analysis) == ["FORBIDDEN"]
    assert await KeyClient(client.http, admin_key).codes("{ users { edges { cursor } } }") == [
        "API_KEY_SCOPE"
    ]
    await admin.data(REVOKE, id=created["apiKey"]["id"])
    assert (await client.data(KEYS))["apiKeys"][0]["active"] is False


@pytest.fixture
async def limited(tmp_path: Path, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    rules = {"apiKey.account": "3/60"}
    settings = make_settings(
        tmp_path, database_url=database_url, rate_limit_scale=1.0, rate_limits=rules
    )
    async with http_app(settings) as http:
        yield http


async def test_each_key_has_its_own_rate(limited: httpx.AsyncClient) -> None:
    owner = GraphQLClient(limited)
    await owner.register("integrator@example.com")
    first = KeyClient(limited, (await new_key(owner, "CATALOG_READ"))["key"])
    second = KeyClient(limited, (await new_key(owner, "CATALOG_READ", name="other"))["key"])
    assert [await first.codes(PRODUCTS) for _ in range(3)] == [[], [], []]
    response = await limited.post("/graphql", json={"query": PRODUCTS}, headers=first.headers)
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"]
    assert int(response.headers["retry-after"]) == body["errors"][0]["extensions"]["retryAfter"]
    assert 1 <= int(response.headers["retry-after"]) <= 20
    assert await second.codes(PRODUCTS) == []  # another key of the same owner is not held back
    assert await owner.error_codes(PRODUCTS) == []  # nor the owner's own session
