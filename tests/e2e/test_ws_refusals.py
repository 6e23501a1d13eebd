"""The websocket's refusals say why, in the connection's language: its `Accept-Language`, or
the `language` its `connection_init` payload names (a browser cannot set a websocket's
headers). The close codes of graphql-transport-ws stay as they are; the close frame's reason
(at most 123 bytes) is the sentence. Before, the reasons were Strawberry's English words
("Forbidden", "Unauthorized", "Subprotocol not acceptable"), whatever the language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.graphql.app import create_app
from metskin.settings import Settings
from tests.e2e.conftest import PASSWORD, PROGRESS, ws_init, ws_subscribe
from tests.e2e.test_live_access import MovableClock

PROTOCOL = ["graphql-transport-ws"]
INBOX = "subscription { patientEvents { id kind } }"  # runs until the socket closes
LANGUAGES = ("en", "fr", "de")
STRAWBERRY_WORDS = {
    "Forbidden",
    "Unauthorized",
    "Subprotocol not acceptable",
    "Invalid connection init payload",
    "Too many initialisation requests",
    "WebSocket message type must be text",
    "WebSocket message must be valid JSON",
    "Failed to parse message",
}


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def container(settings: Settings, clock: MovableClock) -> Iterator[Container]:
    container = bootstrap(settings, clock=clock)
    yield container
    container.close()


@pytest.fixture
def http(container: Container) -> TestClient:
    return TestClient(create_app(container))


def token_of(http: TestClient, container: Container, email: str) -> str:
    container.accounts.register(email, PASSWORD, "Pat", Role.PATIENT)
    login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
    answer = http.post("/graphql", json={"query": login, "variables": {"e": email, "p": PASSWORD}})
    return str(answer.json()["data"]["login"]["accessToken"])


def subscribe(operation_id: str) -> dict[str, Any]:
    return {**ws_subscribe(PROGRESS, id="a"), "id": operation_id}


def closed(
    http: TestClient,
    messages: list[Any],
    *,
    language: str | None = None,
    subprotocols: list[str] = PROTOCOL,
) -> tuple[int, str]:
    """Open, send `messages` (a dict as JSON, bytes as a binary frame, a str as text), and
    return the close code and reason the server ends with."""
    headers = {"accept-language": language} if language else {}
    socket = http.websocket_connect("/graphql", subprotocols=subprotocols, headers=headers)
    with socket as ws, pytest.raises(WebSocketDisconnect) as ended:
        for message in messages:
            if isinstance(message, bytes):
                ws.send_bytes(message)
            elif isinstance(message, str):
                ws.send_text(message)
            else:
                ws.send_json(message)
        for _ in range(5):
            ws.receive_json()
    return ended.value.code, ended.value.reason


def in_every_language(http: TestClient, messages: list[Any], **kwargs: Any) -> dict[str, str]:
    said: dict[str, str] = {}
    for language in LANGUAGES:
        code, reason = closed(http, messages, language=language, **kwargs)
        said[language] = reason
        assert reason not in STRAWBERRY_WORDS and reason.strip(), (language, code, reason)
        assert len(reason.encode()) <= 123, (language, reason)
    assert len(set(said.values())) == 3, said  # each language has its own words
    return said


def test_a_bad_token_closes_with_4403_saying_why_in_the_connection_s_language(
    http: TestClient,
) -> None:
    forged = {"type": "connection_init", "payload": {"authorization": "Bearer forged"}}
    assert closed(http, [forged])[0] == 4403
    said = in_every_language(http, [forged])
    assert said["en"] == "The access token is not valid: log in, then connect again."
    assert said["fr"].startswith("Le jeton d'accès")
    # The connection_init payload's language wins over the header (a browser sets none).
    in_payload = {**forged, "payload": {**forged["payload"], "language": "de"}}
    assert closed(http, [in_payload], language="fr") == (4403, said["de"])
    key = {"type": "connection_init", "payload": {"authorization": "ApiKey mk_123"}}
    code, reason = closed(http, [key], language="en")
    assert code == 4403 and "API key" in reason


def test_an_expired_token_closes_with_4403_saying_to_refresh_it(
    http: TestClient, container: Container, clock: MovableClock
) -> None:
    token = token_of(http, container, "late@example.com")
    clock.offset = timedelta(hours=1)
    code, reason = closed(http, [ws_init(token)], language="en")
    assert code == 4403
    assert reason == "The access token has expired: refresh it (refreshToken), then connect again."


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([{"type": "connection_init", "payload": "text"}], 4400),
        ([b"\x00\x01"], 4400),
        (["{not json"], 4400),
        ([{"type": "connection_init"}, {"type": "shout"}], 4400),
        ([{"type": "connection_init"}, {"type": "subscribe"}], 4400),
        ([subscribe("a")], 4401),
        ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
    ],
    ids=["payload", "binary", "json", "type", "fields", "early", "twice"],
)
def test_each_protocol_refusal_keeps_its_code_and_says_why(
    http: TestClient, messages: list[Any], code: int
) -> None:
    assert closed(http, messages)[0] == code
    in_every_language(http, messages)


def test_a_running_operation_id_used_again_is_4409_saying_why(
    http: TestClient, container: Container
) -> None:
    token = token_of(http, container, "twice@example.com")
    again = {"id": "a", "type": "subscribe", "payload": {"query": INBOX}}
    assert closed(http, [ws_init(token), again, again])[0] == 4409
    in_every_language(http, [ws_init(token), again, again])


def test_a_socket_without_the_protocol_is_4406_saying_which_to_use(http: TestClient) -> None:
    assert closed(http, [], subprotocols=["graphql-ws"])[0] == 4406
    said = in_every_language(http, [], subprotocols=["graphql-ws"])
    assert all("graphql-transport-ws" in reason for reason in said.values())


def test_a_document_that_does_not_parse_closes_with_4400_in_the_connection_s_language(
    http: TestClient,
) -> None:
    broken = {"id": "1", "type": "subscribe", "payload": {"query": "subscription {"}}
    code, english = closed(http, [{"type": "connection_init"}, broken], language="en")
    assert code == 4400 and english.startswith("Syntax Error")  # graphql-core's, as before
    french = closed(http, [{"type": "connection_init"}, broken], language="fr")[1]
    assert french != english and len(french.encode()) <= 123


def test_a_good_token_is_still_acknowledged_and_its_stream_speaks_the_payload_s_language(
    http: TestClient, container: Container
) -> None:
    token = token_of(http, container, "ok@example.com")
    said = {}
    for language in ("en", "fr"):
        payload = {"authorization": f"Bearer {token}", "language": language}
        with http.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
            ws.send_json({"type": "connection_init", "payload": payload})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(subscribe("1"))
            answer = ws.receive_json()
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["ANALYSIS_NOT_FOUND"]
        said[language] = errors[0]["message"]
    assert said["fr"] != said["en"]
