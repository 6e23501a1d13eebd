"""A browser app on another origin calls /graphql only when `METSKIN_CORS_ORIGINS` lists it
(CORS); without the setting nothing changes: no `Access-Control-*` header on any answer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import http_app

APP = "https://app.example.com"
PREFLIGHT = {
    "origin": APP,
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type, x-api-key",
}
HEALTH = {"query": "{ health }"}


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def varies_by_origin(response: httpx.Response) -> bool:
    vary = response.headers.get("vary", "")
    return "origin" in [part.strip().lower() for part in vary.split(",")]


async def test_without_the_setting_another_origin_gets_no_cors_headers_as_before(
    tmp_path: Path,
) -> None:
    async with http_app(make_settings(tmp_path)) as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        posted = await http.post("/graphql", json=HEALTH, headers={"origin": APP})
    assert preflight.status_code == 204 and preflight.headers["allow"] == "GET, POST, OPTIONS"
    assert cors_headers(preflight) == {} and cors_headers(posted) == {}
    assert not varies_by_origin(preflight) and not varies_by_origin(posted)
    assert posted.json() == {"data": {"health": True}}


async def test_a_listed_origin_is_answered_its_preflight_and_its_requests(
    tmp_path: Path,
) -> None:
    """Before, OPTIONS answered 204 with `Allow` only: a browser on another origin could not
    send a JSON POST with a token (it needs a preflight), so no app of an integrator's own
    origin could call the API."""
    settings = make_settings(tmp_path, cors_origins=[APP, "http://localhost:5173"])
    async with http_app(settings) as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        posted = await http.post("/graphql", json=HEALTH, headers={"origin": APP})
        got = await http.get("/graphql", params=HEALTH, headers={"origin": APP})
        put = await http.put("/graphql", json=HEALTH, headers={"origin": APP})
        too_large = await http.post(
            "/graphql", content=b"x" * (2 * 1024 * 1024), headers={"origin": APP}
        )
    assert preflight.status_code == 204
    headers = cors_headers(preflight)
    assert headers.pop("access-control-allow-origin") == APP
    methods = {m.strip() for m in headers.pop("access-control-allow-methods").split(",")}
    assert methods == {"GET", "POST"}
    allowed = {h.strip() for h in headers.pop("access-control-allow-headers").split(",")}
    assert {"authorization", "content-type", "x-api-key", "accept-language"} <= allowed
    assert int(headers.pop("access-control-max-age")) > 0
    assert headers == {}  # never credentials: the API reads tokens from headers, not cookies
    assert varies_by_origin(preflight)
    for answer in (posted, got, put, too_large):
        assert answer.headers["access-control-allow-origin"] == APP, answer.status_code
        assert "retry-after" in answer.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-credentials" not in answer.headers
        assert varies_by_origin(answer)
    assert posted.json() == {"data": {"health": True}}
    assert (put.status_code, too_large.status_code) == (405, 413)


NOT_LISTED = ["https://evil.example", "https://app.example.com.evil.example", "null", APP + ":8443"]


@pytest.mark.parametrize("origin", NOT_LISTED)
async def test_an_origin_not_listed_is_never_reflected(tmp_path: Path, origin: str) -> None:
    settings = make_settings(tmp_path, cors_origins=[APP])
    async with http_app(settings) as http:
        preflight = await http.options("/graphql", headers={**PREFLIGHT, "origin": origin})
        posted = await http.post("/graphql", json=HEALTH, headers={"origin": origin})
    assert preflight.status_code == 204 and preflight.headers["allow"] == "GET, POST, OPTIONS"
    assert cors_headers(preflight) == {} and cors_headers(posted) == {}
    assert varies_by_origin(preflight) and varies_by_origin(posted)  # a cache keeps them apart
    assert posted.json() == {"data": {"health": True}}  # CORS is the browser's check, not ours


async def test_any_origin_is_a_star_never_reflected_and_never_with_credentials(
    tmp_path: Path,
) -> None:
    async with http_app(make_settings(tmp_path, cors_origins=["*"])) as http:
        preflight = await http.options("/graphql", headers=PREFLIGHT)
        posted = await http.post("/graphql", json=HEALTH, headers={"origin": APP})
    for answer in (preflight, posted):
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in answer.headers


def test_the_origins_setting_reads_a_list_or_commas_and_refuses_what_is_not_an_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("METSKIN_CORS_ORIGINS", '["https://App.Example.com/", "http://a.test:80"]')
    assert Settings().cors_origins == [APP, "http://a.test"]
    monkeypatch.setenv("METSKIN_CORS_ORIGINS", "https://a.example, https://b.example:8443")
    assert Settings().cors_origins == ["https://a.example", "https://b.example:8443"]
    monkeypatch.setenv("METSKIN_CORS_ORIGINS", "")
    assert Settings().cors_origins == []
    for wrong in ("app.example.com", "https://app.example.com/path", "null", "ftp://a.example"):
        monkeypatch.setenv("METSKIN_CORS_ORIGINS", wrong)
        with pytest.raises(ValidationError, match="METSKIN_CORS_ORIGINS"):
            Settings()
