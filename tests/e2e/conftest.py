"""An HTTP client on the ASGI app, helpers to call GraphQL, and graphql-transport-ws messages."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.graphql.app import create_app
from metskin.settings import Settings
from tests.cluster import Cluster, mysql_redis_cluster

PASSWORD = "tea-and-toast-77"
# start_cluster(redis_db=..., env=...) -> (cluster, database URL)
StartCluster = Callable[..., AbstractContextManager[tuple[Cluster, str]]]
PROGRESS = (
    "subscription($id: ID!) { analysisProgress(analysisId: $id) { stage status progress seq } }"
)


def ws_init(token: str) -> dict[str, Any]:
    """The graphql-transport-ws `connection_init` message that authenticates with `token`."""
    return {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}


def ws_subscribe(query: str, **variables: Any) -> dict[str, Any]:
    """The graphql-transport-ws message that starts subscription "1"."""
    return {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}


@pytest.fixture
def start_cluster(tmp_path: Path, mysql_server_url: str, redis_url: str) -> StartCluster:
    """`mysql_redis_cluster` on this test's folder and services; give it a Redis db and env."""
    return partial(mysql_redis_cluster, tmp_path, mysql_server_url, redis_url)


def outbox(container: Container, to: str) -> list[dict[str, Any]]:
    """What was sent to `to`, once the queued messages have gone out."""
    container.start_embedded_worker()
    container.broker.join("default")
    paths = sorted(container.settings.outbox_dir.glob("*.json"))
    return [m for m in (json.loads(p.read_text()) for p in paths) if m["to"] == to]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token: str | None = None

    async def call(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.call(query, **variables)
        assert "errors" not in body, body
        return body["data"]

    async def error_codes(self, query: str, **variables: Any) -> list[str]:
        body = await self.call(query, **variables)
        return [error["extensions"]["code"] for error in body.get("errors", [])]

    async def every_node(
        self, query: str, connection: str, first: int, **variables: Any
    ) -> list[dict[str, Any]]:
        """Every node of a connection, walking its pages of `first` by their end cursors."""
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await self.data(query, first=first, after=after, **variables))[connection]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    async def upload(
        self,
        data: bytes,
        filename: str = "face.jpg",
        kind: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        query = """mutation($file: Upload!, $kind: MediaKind, $key: String) {
            uploadMedia(file: $file, kind: $kind, idempotencyKey: $key) {
              id kind width height url thumbnailUrl
            }
        }"""
        variables = {"file": None, "kind": kind, "key": idempotency_key}
        operations = {"query": query, "variables": variables}
        response = await self.http.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (filename, data, "application/octet-stream")},
            headers={"authorization": f"Bearer {self.token}"},
        )
        return response.json()

    async def register(
        self, email: str, password: str = PASSWORD, *, photo_consent: bool = True
    ) -> dict[str, Any]:
        """Sign up and keep the token; the person ticks the photo-analysis consent box unless
        `photo_consent` is False (test_photo_consent_api.py for those who do not)."""
        data = await self.data(
            """mutation($input: RegisterInput!) {
                 register(input: $input) { accessToken refreshToken user { id email role } }
               }""",
            input={
                "email": email,
                "password": password,
                "displayName": "Test",
                "photoConsent": photo_consent,
            },
        )
        self.token = data["register"]["accessToken"]
        return data["register"]


async def verify_email(client: GraphQLClient, container: Container, user_id: str) -> None:
    """Open the link of the welcome email (verifyEmail) with `client` signed in to the account
    (the link proves the address to it only): until then an address gets only the account's
    own emails and no reset link, so a test of a reminder, a booking or a reset verifies it
    first."""
    link = container.email_addresses.verification_link(user_id)
    assert link is not None, "the address is verified already"
    query = "mutation($t: String!) { verifyEmail(token: $t) }"
    assert (await client.data(query, t=link.token)) == {"verifyEmail": True}


class SelectCounter:
    """Counts the SELECTs the database runs for one GraphQL call (to pin N+1 queries away)."""

    def __init__(self, client: GraphQLClient, container: Container) -> None:
        self.client = client
        self.statements: list[str] = []
        event.listen(
            container.engine, "before_cursor_execute", lambda *args: self.statements.append(args[2])
        )

    async def __call__(self, query: str, **variables: Any) -> int:
        self.statements.clear()
        await self.client.data(query, **variables)
        return len([s for s in self.statements if s.lstrip().upper().startswith("SELECT")])


@contextlib.asynccontextmanager
async def http_on(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app of `container` (in process, no server)."""
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@contextlib.asynccontextmanager
async def http_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app of a new container of `settings`, closed afterwards."""
    container = bootstrap(settings)
    try:
        async with http_on(container) as http:
            yield http
    finally:
        container.close()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[GraphQLClient]:
    async with http_on(container) as http:
        yield GraphQLClient(http)


async def login_as_admin(client: GraphQLClient, container: Container) -> None:
    container.accounts.register("admin@example.com", PASSWORD, "Admin", Role.ADMIN)
    data = await client.data(
        'mutation($p: String!) { login(email: "admin@example.com", password: $p) { accessToken } }',
        p=PASSWORD,
    )
    client.token = data["login"]["accessToken"]
