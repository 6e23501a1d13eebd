"""A proxy whose `X-Forwarded-For` uvicorn ignores (not in `FORWARDED_ALLOW_IPS`) is said once,
naming the setting; `serve` says at start-up which addresses it believes. Before, nothing did:
behind a proxy on another host every client counted as the proxy in the per-client rate rules,
and the operator learnt it from refused logins (ninth session's review)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from metskin.forwarded import (
    ForwardedForCheck,
    ignored_forwarded_for,
    say_trusted_proxies,
    trusted_proxies,
)

LOGGER = "metskin.forwarded"


def scope(peer: str | None, *forwarded: str, kind: str = "http") -> dict[str, Any]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": kind, "client": (peer, 5000) if peer else None, "headers": headers}


@pytest.mark.parametrize(
    ("request_scope", "ignored"),
    [
        (scope("10.0.0.5", "198.51.100.7"), "10.0.0.5"),  # a proxy not trusted
        (scope("10.0.0.5", "198.51.100.7, 10.0.0.9"), "10.0.0.5"),
        (scope("10.0.0.5", "198.51.100.7", kind="websocket"), "10.0.0.5"),
        (scope("198.51.100.7", "198.51.100.7, 127.0.0.1"), None),  # applied: the client is one
        (scope("198.51.100.7", "198.51.100.7:4711"), None),  # with its port
        (scope("2001:db8::7", "[2001:db8::7]:4711"), None),
        (scope("10.0.0.5"), None),  # no header
        (scope("10.0.0.5", " "), None),  # an empty one
        (scope(None, "198.51.100.7"), None),  # no peer (a unix socket)
    ],
)
def test_a_forwarded_for_is_ignored_when_the_client_is_not_one_of_its_addresses(
    request_scope: dict[str, Any], ignored: str | None
) -> None:
    assert ignored_forwarded_for(request_scope) == ignored


async def test_the_first_ignored_forwarded_for_is_said_once_naming_the_setting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    check = ForwardedForCheck(app, trusted="127.0.0.1,::1")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        await check(scope("10.0.0.5"), None, None)  # type: ignore[arg-type]
        assert caplog.records == []
        for _ in range(3):
            await check(scope("10.0.0.5", "198.51.100.7"), None, None)  # type: ignore[arg-type]
        await check(scope("10.0.0.6", "198.51.100.8"), None, None)  # type: ignore[arg-type]
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    said = record.getMessage()
    assert "set FORWARDED_ALLOW_IPS to its address" in said and "(127.0.0.1,::1)" in said
    assert "from 10.0.0.5 carried X-Forwarded-For" in said and "198.51.100.7" not in said
    assert reached == ["http"] * 5  # every request goes on


async def test_the_app_says_it_for_a_request_through_an_untrusted_proxy(
    container: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from metskin.graphql.app import create_app

    transport = httpx.ASGITransport(app=create_app(container), client=("10.0.0.5", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            for _ in range(2):
                headers = {"x-forwarded-for": "198.51.100.7"}
                assert (await http.get("/healthz", headers=headers)).status_code == 200
    assert ["FORWARDED_ALLOW_IPS" in r.getMessage() for r in caplog.records] == [True]


def test_serve_says_which_addresses_it_believes(caplog: pytest.LogCaptureFixture) -> None:
    assert trusted_proxies({}) == "127.0.0.1,::1"  # uvicorn's default
    assert trusted_proxies({"FORWARDED_ALLOW_IPS": "10.0.0.5"}) == "10.0.0.5"
    with caplog.at_level(logging.INFO, logger=LOGGER):
        say_trusted_proxies("10.0.0.0/8")
        say_trusted_proxies("*")
    first, anyone = caplog.records
    assert first.levelno == logging.INFO and "believed only from 10.0.0.0/8" in first.getMessage()
    assert anyone.levelno == logging.WARNING and "escapes the per-client" in anyone.getMessage()
