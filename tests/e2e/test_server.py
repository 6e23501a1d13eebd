"""The real command line: migrate, seed and serve on loopback, then HTTP and websocket calls."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from metskin.cli.seed import DEMO_PASSWORD
from tests.cluster import upload
from tests.e2e.web_browser import api_login
from tests.media_samples import encode, noise_image

METSKIN = [sys.executable, "-m", "metskin"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`metskin serve` on a free loopback port, once its /healthz answers: the process (its
    stderr piped, as text) and its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [*METSKIN, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    process.wait(timeout=10)
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("server") / "var"
    env = {
        **os.environ,
        "METSKIN_VAR_DIR": str(var_dir),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
    }
    for command in (["migrate"], ["seed"]):
        subprocess.run([*METSKIN, *command], env=env, check=True, capture_output=True)
    process, base = start_serve(env)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def graphql(base: str, query: str, token: str | None = None, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200
    return response.json()


def test_register_login_me_over_http(server: str) -> None:
    registered = graphql(
        server,
        'mutation { register(input: {email: "curl@example.com", password: "tea-and-toast-77"})'
        " { accessToken } }",
    )
    assert registered["data"]["register"]["accessToken"]
    login = graphql(
        server,
        'mutation { login(email: "curl@example.com", password: "tea-and-toast-77")'
        " { accessToken } }",
    )
    token = login["data"]["login"]["accessToken"]
    me = graphql(server, "{ me { email role } }", token)
    assert me["data"]["me"] == {"email": "curl@example.com", "role": "PATIENT"}


def test_seeded_demo_accounts_can_log_in(server: str) -> None:
    login = graphql(
        server,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { role } } }",
        e="derm@demo.metskin.local",
        p=DEMO_PASSWORD,
    )
    assert login["data"]["login"]["user"]["role"] == "DERMATOLOGIST"


def test_graphiql_and_introspection_are_on(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers={"accept": "text/html"})
    assert "graphiql" in page.text.lower()
    body = graphql(server, "{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_websocket_rejects_a_bad_token_and_accepts_a_good_one(server: str) -> None:
    ws_url = server.replace("http", "ws") + "/graphql"
    with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
        )
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    # The close says why on the wire too, in the connection's language (before: "Forbidden").
    french = {"accept-language": "fr"}
    with connect(ws_url, subprotocols=["graphql-transport-ws"], additional_headers=french) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer x"}}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        assert closed.value.rcvd.reason.startswith("Le jeton d'accès n'est pas valide")
    login = graphql(
        server,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e="patient@demo.metskin.local",
        p=DEMO_PASSWORD,
    )
    token = login["data"]["login"]["accessToken"]
    with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(ws.recv(timeout=5))["type"] == "connection_ack"


def test_outbox_got_the_welcome_email(
    server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    graphql(
        server,
        'mutation { register(input: {email: "mail@example.com", password: "tea-and-toast-77"})'
        " { accessToken } }",
    )
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("server*/var/outbox"))
    for _ in range(50):
        emails = [json.loads(p.read_text()) for p in outbox.glob("*.json")]
        if welcome := next((e for e in emails if e["to"] == "mail@example.com"), None):
            # No public URL is set: its links use the port `serve --port` was given.
            assert f"{server}/analyse" in welcome["text"]
            assert httpx.get(f"{server}/analyse").status_code == 200
            return
        time.sleep(0.1)
    raise AssertionError(f"no welcome email in {outbox}")


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(language: str, holding: str) -> str:
    """The README's fenced block in `language` that holds `holding`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(), re.S)
    return next(block for block in blocks if holding in block)


def test_the_readme_curl_journey_works_when_pasted(server: str) -> None:
    script = readme_block("sh", "ACCESS_TOKEN=")
    script = script.replace("URL=http://localhost:8000", f"URL={server}", 1)
    assert f"URL={server}" in script
    ran = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    answers = [json.loads(line) for line in ran.stdout.splitlines() if line.strip()]
    assert len(answers) == 3, ran.stdout  # register, me, articles (login feeds ACCESS_TOKEN)
    assert not [answer for answer in answers if "errors" in answer], ran.stdout
    registered, me, articles = answers
    assert registered["data"]["register"]["user"]["id"]
    assert (me["data"]["me"]["email"], me["data"]["me"]["role"]) == ("me@example.com", "PATIENT")
    urls = [edge["node"]["url"] for edge in articles["data"]["articles"]["edges"]]
    assert urls and all(httpx.get(server + url).status_code == 200 for url in urls)


def test_the_readme_websocket_example_authenticates_and_streams(server: str) -> None:
    token = api_login(server, "patient@demo.metskin.local", DEMO_PASSWORD)
    media = upload(server, token, encode(noise_image(640, 480), "JPEG"))
    started = graphql(
        server, "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }", token, m=media
    )
    example = readme_block("python", "connection_init")
    example = example.replace("ws://localhost:8000", server.replace("http", "ws"), 1)
    env = {
        **os.environ,
        "ACCESS_TOKEN": token,
        "ANALYSIS_ID": started["data"]["startAnalysis"]["id"],
    }
    process = subprocess.Popen(
        [sys.executable, "-c", example], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["type"] == "connection_ack"
        first = json.loads(process.stdout.readline())
        assert first["type"] == "next" and first["id"] == "1"
        assert first["payload"]["data"]["analysisProgress"]["status"] in {
            "QUEUED",
            "RUNNING",
            "DONE",
            "FAILED",
        }
    finally:
        process.kill()
        process.wait(timeout=10)


def test_serve_says_which_proxies_it_believes_and_once_when_one_is_ignored(
    tmp_path: Path,
) -> None:
    """Behind a proxy that uvicorn does not trust (not in FORWARDED_ALLOW_IPS) every client had
    the proxy's address in the per-client rate rules, and nothing said so (ninth session's
    review). Here the server believes only 192.0.2.1 and requests come from 127.0.0.1 (the
    proxy) with the client's address in X-Forwarded-For."""
    env = {
        **os.environ,
        "METSKIN_VAR_DIR": str(tmp_path / "var"),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
        "FORWARDED_ALLOW_IPS": "192.0.2.1",
    }
    subprocess.run([*METSKIN, "migrate"], env=env, check=True, capture_output=True)
    process, base = start_serve(env)
    try:
        for client in ("198.51.100.7", "198.51.100.8"):
            httpx.get(f"{base}/healthz", headers={"x-forwarded-for": client})
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "X-Forwarded-For is believed only from 192.0.2.1 (FORWARDED_ALLOW_IPS)" in stderr
    warnings = [line for line in stderr.splitlines() if "carried X-Forwarded-For" in line]
    assert len(warnings) == 1 and "A request from 127.0.0.1" in warnings[0]
    assert "198.51.100.7" not in stderr  # uvicorn ignored it: the access log says 127.0.0.1
