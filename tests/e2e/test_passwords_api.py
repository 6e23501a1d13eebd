"""Changing a password and resetting a forgotten one through GraphQL, with the emails the
embedded worker sends (the outbox), on the app's own limits."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from metskin.bootstrap import Container, bootstrap
from metskin.graphql.app import create_app
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_on, verify_email
from tests.fakes.infra import FakeClock
from tests.integration.test_workers import outbox_messages

NEW = "rain-on-the-roof-42"
ME = "{ me { email } }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
ASK = "mutation($e: String!) { requestPasswordReset(email: $e) }"
RESET = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }"
CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) }"""
LINK = re.compile(r"(https?://[^\s\"<>]+/reset-password#token=([^\s\"<>]+))")


@pytest.fixture
def working(container: Container) -> Container:
    container.start_embedded_worker()
    return container


def sent(container: Container, seen: int = 0) -> list[dict[str, Any]]:
    """The emails the worker has sent once the queue is empty, after the first `seen`."""
    container.broker.join("default", fail_fast=True)  # type: ignore[attr-defined]
    return outbox_messages(container)[seen:]


def token_in(email: dict[str, Any], container: Container) -> str:
    link, token = LINK.search(email["text"]).groups()  # type: ignore[union-attr]
    assert link.startswith(container.settings.effective_public_url + "/reset-password#token=")
    assert link in email["html"]
    return unquote(token)


async def test_a_forgotten_password_is_reset_by_the_emailed_link(
    client: GraphQLClient, working: Container
) -> None:
    """Before, a person who forgot their password had no way back into the account."""
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"
    camille = await client.register("camille@example.com")
    await verify_email(client, working, camille["user"]["id"])  # else no reset link
    phone = client.token
    seen = len(sent(working))  # the welcome email

    # The same answer for an address with an account and for one without.
    unknown = await client.call(ASK, e="nobody@example.com")
    known = await client.call(ASK, e=" Camille@Example.com ")
    assert unknown == known == {"data": {"requestPasswordReset": True}}
    (email,) = sent(working, seen)
    assert email["to"] == "camille@example.com"
    assert email["subject"] == "Réinitialisez votre mot de passe MetSkin"
    token = token_in(email, working)

    weak = await client.call(RESET, t=token, p="password123")
    assert [e["extensions"] for e in weak["errors"]] == [
        {"code": "WEAK_PASSWORD", "field": "newPassword"}
    ]
    assert await client.data(RESET, t=token, p=NEW) == {"resetPassword": True}
    used = await client.call(RESET, t=token, p="another-new-one-13")
    assert used["errors"][0]["extensions"] == {"code": "RESET_LINK_INVALID", "field": "token"}
    assert used["errors"][0]["message"].startswith("Ce lien")

    client.token = phone  # every session ended with the reset
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]
    client.token = None
    assert await client.error_codes(LOGIN, e="camille@example.com", p=PASSWORD) == [
        "INVALID_CREDENTIALS"
    ]
    assert (await client.data(LOGIN, e="camille@example.com", p=NEW))["login"]["accessToken"]
    (changed,) = sent(working, seen + 1)
    assert changed["subject"] == "Votre mot de passe MetSkin a été modifié"
    assert working.settings.effective_public_url + "/forgot-password" in changed["text"]


async def test_a_reset_ends_the_api_key_a_thief_made(
    client: GraphQLClient, working: Container
) -> None:
    """Someone with Maya's password made an API key (the web app lists none); her reset ended
    every session but the key went on uploading and reading her analyses (ninth session)."""
    maya = await client.register("maya@example.com")
    await verify_email(client, working, maya["user"]["id"])  # else no reset link
    make = 'mutation { createApiKey(name: "sync", scopes: [CATALOG_READ]) { key } }'
    key = (await client.data(make))["createApiKey"]["key"]
    health = {"query": "{ health }"}
    assert (await client.http.post("/graphql", json=health, headers={"x-api-key": key})).json() == {
        "data": {"health": True}
    }
    seen = len(sent(working))
    await client.call(ASK, e="maya@example.com")
    (email,) = sent(working, seen)
    assert await client.data(RESET, t=token_in(email, working), p=NEW) == {"resetPassword": True}
    answer = (await client.http.post("/graphql", json=health, headers={"x-api-key": key})).json()
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["API_KEY_INVALID"]
    # The email says why the key stopped (before, the integrator learnt it from the refusal).
    (changed,) = sent(working, seen + 1)
    assert changed["subject"] == "Your MetSkin password was changed"
    assert "Your account's API key was revoked too" in changed["text"]


@pytest.mark.parametrize("token", ["", "x", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
async def test_a_bad_reset_token_is_a_coded_error(client: GraphQLClient, token: str) -> None:
    body = await client.call(RESET, t=token, p=NEW)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RESET_LINK_INVALID"]
    assert "not valid" in body["errors"][0]["message"]


async def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client: GraphQLClient, working: Container
) -> None:
    """Before, a person who feared their password had leaked could neither change it nor end
    the sessions of whoever used it."""
    await client.register("maya@example.com")
    here = client.token
    other = (await client.data(LOGIN, e="maya@example.com", p=PASSWORD))["login"]["accessToken"]
    seen = len(sent(working))

    wrong = await client.call(CHANGE, c="not-my-password-1", n=NEW)
    assert wrong["errors"][0]["extensions"] == {
        "code": "INVALID_CREDENTIALS",
        "field": "currentPassword",
    }
    weak = await client.call(CHANGE, c=PASSWORD, n="maya-was-here-1")
    assert weak["errors"][0]["extensions"] == {"code": "WEAK_PASSWORD", "field": "newPassword"}
    assert await client.data(CHANGE, c=PASSWORD, n=NEW) == {"changePassword": True}

    assert (await client.data(ME))["me"]["email"] == "maya@example.com"  # this one stays
    client.token = other
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]
    client.token = None
    assert await client.error_codes(CHANGE, c=NEW, n=PASSWORD) == ["UNAUTHENTICATED"]
    (email,) = sent(working, seen)
    assert (email["to"], email["subject"]) == (
        "maya@example.com",
        "Your MetSkin password was changed",
    )
    assert "If this wasn't you" in email["text"]
    client.token = here


# --- limits, as deployed (the other tests raise them 100 times) -----------------------------


@pytest.fixture
def strict(tmp_path: Path, database_url: str) -> Iterator[Container]:
    settings: Settings = make_settings(tmp_path, database_url=database_url, rate_limit_scale=1.0)
    # A clock that stands still: the first wait after the free failures is one second, which a
    # slow machine could let run out between two requests of one test.
    container = bootstrap(settings, clock=FakeClock(datetime.now(UTC)))
    yield container
    container.close()


@pytest.fixture
async def strict_client(strict: Container) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(strict), client=("203.0.113.9", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http)


async def test_reset_requests_are_limited_per_address_and_per_client(
    strict_client: GraphQLClient,
) -> None:
    """Three an hour per address (known or not: the refusal says nothing of the account), ten
    per client address: nobody fills a mailbox with reset emails."""
    await strict_client.register("maya@example.com")
    for email in ("maya@example.com", "nobody@example.com"):
        answers = [await strict_client.call(ASK, e=email) for _ in range(4)]
        assert [a.get("data") for a in answers[:3]] == [{"requestPasswordReset": True}] * 3
        assert answers[3]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert answers[3]["errors"][0]["extensions"]["retryAfter"] > 0
    # The client has asked 8 times (a request refused for its address counts for the client).
    others = [await strict_client.call(ASK, e=f"p{n}@example.com") for n in range(3)]
    assert [bool(a.get("data")) for a in others] == [True, True, False]


async def test_wrong_current_passwords_count_in_the_login_backoff(
    strict_client: GraphQLClient, strict: Container
) -> None:
    """A stolen session guessing the password through changePassword waits as a login does,
    and so does logging in to the account."""
    await strict_client.register("maya@example.com")
    for _ in range(5):  # the free failures
        assert await strict_client.error_codes(CHANGE, c="guess-guess-1", n=NEW) == [
            "INVALID_CREDENTIALS"
        ]
    # Refused inside the use case, it says when to try again as the limits checked before
    # execution do (before: no `retryAfter`, no `Retry-After`).
    headers = {"authorization": f"Bearer {strict_client.token}"}
    payload = {"query": CHANGE, "variables": {"c": PASSWORD, "n": NEW}}
    answer = await strict_client.http.post("/graphql", json=payload, headers=headers)
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert answer.headers["retry-after"] == str(error["extensions"]["retryAfter"])
    async with http_on(strict) as http:
        assert await GraphQLClient(http).error_codes(LOGIN, e="maya@example.com", p=PASSWORD) == [
            "RATE_LIMITED"
        ]
