"""What `/graphql` answers before GraphQL reads a request, through HTTP: a method it does not
take, a body over a cap, too many uploads, a body it cannot read. Each is a GraphQL-shaped JSON
error with a code, in the request's language (`Accept-Language`), with its numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from metskin.bootstrap import Container
from metskin.domain.errors import DatabaseUnavailable
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient, http_app

LANGUAGES = ("en", "fr", "de")
# The code's own sentence: what a refusal read in French or German when it had no words of its
# own (before, these refusals were in English whatever the language).
UNDERSTOOD = {
    "fr": "Cette requête est incompréhensible.",
    "de": "Diese Anfrage ist nicht verständlich.",
}


def said(response: httpx.Response) -> tuple[str, str]:
    [error] = response.json()["errors"]
    return error["extensions"]["code"], error["message"]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "/graphql takes GET (queries only) and POST requests, not PUT."),
        ("fr", "/graphql accepte les requêtes GET (lectures seulement) et POST, pas PUT."),
        ("de", "/graphql nimmt GET- (nur Abfragen) und POST-Anfragen an, nicht PUT."),
    ],
)
async def test_a_method_graphql_does_not_take_is_a_coded_405_with_allow(
    client: GraphQLClient, language: str, words: str
) -> None:
    """Before, PUT, DELETE, PATCH and OPTIONS got Starlette's plain-text "Method Not Allowed"
    (a client parsing JSON failed on it), and HEAD a 405 without `Allow`."""
    headers = {"accept-language": language}
    put = await client.http.put("/graphql", json={"query": "{ health }"}, headers=headers)
    assert put.status_code == 405 and put.headers["allow"] == "GET, POST, OPTIONS"
    assert put.headers["content-type"] == "application/json"
    assert put.json() == {
        "data": None,
        "errors": [{"message": words, "extensions": {"code": "BAD_REQUEST"}}],
    }
    for method in ("DELETE", "PATCH", "PURGE"):
        response = await client.http.request(method, "/graphql", headers=headers)
        assert response.status_code == 405 and response.headers["allow"] == "GET, POST, OPTIONS"
        code, message = said(response)
        assert code == "BAD_REQUEST" and method in message, (method, message)
    head = await client.http.head("/graphql", headers=headers)
    assert head.status_code == 405 and head.headers["allow"] == "GET, POST, OPTIONS"
    options = await client.http.options("/graphql", headers=headers)
    assert options.status_code == 204 and options.headers["allow"] == "GET, POST, OPTIONS"
    # GraphQL itself is untouched, over POST and GET.
    posted = await client.http.post("/graphql", json={"query": "{ health }"}, headers=headers)
    assert posted.json() == {"data": {"health": True}}
    got = await client.http.get("/graphql", params={"query": "{ health }"}, headers=headers)
    assert got.json() == {"data": {"health": True}}


@pytest.mark.parametrize(
    ("language", "too_large", "wait"),
    [
        (
            "en",
            "The request (other than an upload) is larger than 1 MB.",
            "try again in 60 minutes",
        ),
        ("fr", "La requête (hors envoi de fichier) dépasse 1 Mo.", "réessayez dans 60 minutes"),
        (
            "de",
            "Die Anfrage (außer einem Datei-Upload) ist größer als 1 MB.",
            "in 60 Minuten erneut",
        ),
    ],
)
async def test_refusals_before_the_body_is_read_say_their_numbers_in_the_request_s_language(
    tmp_path: Path, database_url: str, language: str, too_large: str, wait: str
) -> None:
    """The 413 of a JSON body over its cap, and the 429 of an upload over its rate, sent before
    the body is read. Before, too many uploads read "try again later" (no wait), and in French
    or German all the same."""
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        rate_limit_scale=1.0,
        rate_limits={"upload.ip": "1/3600"},
    )
    headers = {"accept-language": language}
    async with http_app(settings) as http:
        big = {"query": "{ health }", "variables": {"pad": "x" * (1024 * 1024 + 10)}}
        response = await http.post("/graphql", json=big, headers=headers)
        assert response.status_code == 413
        assert said(response) == ("TOO_LARGE", too_large)
        upload = {"files": {"0": ("a.jpg", b"\xff\xd8\xff")}, "data": {"operations": "{}"}}
        first = await http.post("/graphql", headers=headers, **upload)
        response = await http.post("/graphql", headers=headers, **upload)
    assert (first.status_code, response.status_code) == (400, 429)  # read (no query), refused
    code, message = said(response)
    assert code == "RATE_LIMITED" and wait in message, message
    assert response.json()["errors"][0]["extensions"]["retryAfter"] == 3600
    assert response.headers["retry-after"] == "3600"


def multipart(body: bytes, boundary: str | None = "x") -> dict[str, Any]:
    content_type = "multipart/form-data" + (f"; boundary={boundary}" if boundary else "")
    return {"content": body, "headers": {"content-type": content_type}}


# (what is sent, a word the English refusal has). Each is refused before GraphQL runs.
UNREADABLE: list[tuple[str, dict[str, Any], str]] = [
    ("not JSON", {"content": b"{nope", "headers": {"content-type": "application/json"}}, "JSON"),
    ("null", {"content": b"null", "headers": {"content-type": "application/json"}}, "object"),
    ("text", {"content": b"{ health }", "headers": {"content-type": "text/plain"}}, "json"),
    ("no query", {"json": {"variables": {}}}, "query"),
    ("a number as query", {"json": {"query": 5}}, "query"),
    ("a list as variables", {"json": {"query": "{ health }", "variables": [1]}}, "variables"),
    ("a batch", {"json": [{"query": "{ health }"}]}, "list"),
    (
        "an unknown operation",
        {"json": {"query": "query A { health }", "operationName": "Zed"}},
        "Zed",
    ),
    ("no boundary", multipart(b"--x\r\n", boundary=None), "multipart"),
    ("not multipart", multipart(b"--x\r\nnope\r\n"), "multipart"),
]


@pytest.mark.parametrize("language", ["fr", "de"])
async def test_a_body_graphql_cannot_read_is_refused_in_the_request_s_language(
    client: GraphQLClient, language: str
) -> None:
    """Before, these 400s were Strawberry's English sentences whatever the language, and a
    multipart body Starlette could not parse was plain text ("Missing boundary in multipart.")."""
    for name, request, word in UNREADABLE:
        english = await client.http.post("/graphql", **request)
        assert english.status_code == 400, (name, english.text)
        assert english.headers["content-type"] == "application/json", name
        code, in_english = said(english)
        assert code == "BAD_REQUEST" and word in in_english, (name, in_english)
        request = {
            **request,
            "headers": {**request.get("headers", {}), "accept-language": language},
        }
        translated = await client.http.post("/graphql", **request)
        assert translated.status_code == 400, name
        code, words = said(translated)
        assert code == "BAD_REQUEST", name
        assert words not in (in_english, UNDERSTOOD[language]), (name, words)
        assert word != "Zed" or "Zed" in words  # the name it did not find
    mutation = {"query": "mutation { logout }"}
    over_get = await client.http.get(
        "/graphql", params=mutation, headers={"accept-language": language}
    )
    assert over_get.status_code == 400 and "POST" in said(over_get)[1]
    assert said(over_get)[1] != "Send a mutation with POST, not GET."


async def test_a_form_field_over_the_json_cap_in_an_upload_is_too_large(
    client: GraphQLClient,
) -> None:
    """An upload's `operations` over 1 MB: before, Starlette's plain-text 400 "Part exceeded
    maximum size of 1024KB."; now the 413 of a JSON body over its cap, with its number."""
    operations = {"query": "{ health }", "variables": {"pad": "x" * (1024 * 1024 + 10)}}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": "{}"},
        files={"0": ("a.jpg", b"\xff\xd8\xff")},
        headers={"accept-language": "de"},
    )
    assert response.status_code == 413
    assert said(response) == (
        "TOO_LARGE",
        "Ein Formularfeld, das keine Datei ist, ist größer als 1 MB.",
    )


async def test_a_database_away_before_execution_says_so_in_the_request_s_language(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API key checked while the database is away: the 503 sent before GraphQL runs was
    in English whatever the language."""

    def away(_key: str) -> None:
        raise DatabaseUnavailable("The database did not answer.")

    monkeypatch.setattr(container.api_keys, "authenticate", away)
    response = await client.http.post(
        "/graphql",
        json={"query": "{ products(first: 1) { edges { cursor } } }"},
        headers={"x-api-key": "msk_whatever", "accept-language": "de"},
    )
    assert response.status_code == 503
    assert said(response) == (
        "DATABASE_UNAVAILABLE",
        "Ein Dienst antwortet nicht; versuchen Sie es gleich noch einmal.",
    )
