"""Redis stops under a running API and comes back: reads keep working, startAnalysis answers
QUEUE_UNAVAILABLE without writing anything, rate limits let requests through, and once Redis
is back an analysis is queued again. Runs its own redis-server (it is stopped mid-test)."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import threading
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
from sqlmodel import select
from starlette.testclient import TestClient

from metskin.adapters.db.analysis import AnalysisRow
from metskin.adapters.redis_away import RedisAway
from metskin.bootstrap import Container, bootstrap
from metskin.domain.analysis.records import progress_channel
from metskin.domain.messages import Event
from metskin.graphql.app import create_app
from metskin.settings import Settings
from tests.cluster import ServerProcess, wait_until
from tests.conftest import make_settings
from tests.e2e.conftest import PROGRESS, GraphQLClient, ws_init, ws_subscribe
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.redis
T = TypeVar("T")

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id status } }"
READS = "{ me { email analyses(first: 5) { edges { node { id status progress } } } } }"


class RedisProcess(ServerProcess):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.launch(
            *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
        )
        wait_until(lambda: bool(redis.Redis.from_url(self.url).ping()), "redis-server")


@pytest.fixture
def own_redis(tmp_path: Path, redis_url: str) -> Iterator[RedisProcess]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, own_redis: RedisProcess) -> Settings:
    """The suite's `container` and `client` fixtures, on this test's own Redis."""
    return make_settings(tmp_path, database_url=database_url, redis_url=own_redis.url)


def analysis_ids(container: Container) -> list[str]:
    with container.new_uow() as uow:
        return list(uow.session.exec(select(AnalysisRow.id)))


async def test_reads_work_and_nothing_is_half_created_while_redis_is_away(
    client: GraphQLClient, container: Container, own_redis: RedisProcess
) -> None:
    await client.register("outage@example.com")
    first = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    queued = (await client.data(START, m=first))["startAnalysis"]
    second = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]

    own_redis.stop()
    before = analysis_ids(container)
    me = (await client.data(READS))["me"]
    assert [e["node"]["id"] for e in me["analyses"]["edges"]] == [queued["id"]]
    assert (await client.data("{ products(first: 3) { edges { node { id } } } }"))["products"]
    assert (await client.data("{ dermatologists(first: 3) { edges { node { id } } } }")) is not None
    assert await client.error_codes(START, m=second) == ["QUEUE_UNAVAILABLE"]
    assert analysis_ids(container) == before  # nothing written for the refused start
    login = await client.call(
        'mutation { login(email: "outage@example.com", password: "tea-and-toast-77") '
        "{ accessToken } }"
    )
    assert "errors" not in login, login  # the login limits cannot be counted: let it through

    own_redis.start()
    again = (await client.data(START, m=second))["startAnalysis"]
    assert again["status"] == "QUEUED"
    queue = redis.Redis.from_url(own_redis.url)
    assert queue.exists("metskin-jobs:default"), queue.keys("*")  # the job is in the queue


POLL = "query($id: ID!) { analysis(id: $id) { id status progress } }"
LIMITS_TIMEOUT_S = 2.0  # the rate limits' Redis client (bootstrap.add_limits)


async def test_a_redis_that_stops_answering_holds_up_no_request(
    client: GraphQLClient,
    container: Container,
    own_redis: RedisProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """redis-server frozen (SIGSTOP: its connections stay open and nothing answers): a read,
    a poll of a queued analysis and a login answer as when Redis is stopped, and
    startAnalysis is refused with QUEUE_UNAVAILABLE, each within one socket timeout: once the
    limits found Redis not answering, they, the queue and the event bus leave it alone a
    moment (`RedisAway`), where each check waited 2 s (a login 8 s), and each job and event
    5 s.

    The pause is made longer than the test here: at 5 s, on a loaded machine, the calls after
    the login's timeout sometimes began after it had run out, and the first of them then waited
    a socket timeout of its own (read 6.2 s, a poll 5.9 s in two clean-clone runs beside
    browser tests). That is the pause working as designed; what is tested is that while it is
    on, nothing waits."""
    away = RedisAway.of(container.settings.redis_url)  # the limits', the queue's, the bus's
    monkeypatch.setattr(away, "seconds", 60.0)
    monkeypatch.setattr(away, "_until", 0.0)  # and the pause ended after the test
    await client.register("frozen-redis@example.com")
    first = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    queued = (await client.data(START, m=first))["startAnalysis"]
    second = (await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    assert own_redis.process is not None
    own_redis.process.send_signal(signal.SIGSTOP)
    try:
        timed: dict[str, float] = {}

        async def answer(name: str, call: Awaitable[T]) -> T:
            started = time.monotonic()
            found = await asyncio.wait_for(call, 60)
            timed[name] = time.monotonic() - started
            return found

        login = await answer(
            "login",
            client.call(
                'mutation { login(email: "frozen-redis@example.com", '
                'password: "tea-and-toast-77") { accessToken } }'
            ),
        )
        refused = await answer("start", client.error_codes(START, m=second))
        me = (await answer("read", client.data(READS)))["me"]
        polled = (await answer("poll", client.data(POLL, id=queued["id"])))["analysis"]
        started = time.monotonic()  # the event bus: the same server, so the same pause
        container.events.publish(Event("frozen", {"seq": 1}, keep_latest=True))
        kept = container.events.latest("frozen")
        timed["event"] = time.monotonic() - started
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    assert [e["node"]["id"] for e in me["analyses"]["edges"]] == [queued["id"]]
    assert polled["status"] == "QUEUED"
    assert refused == ["QUEUE_UNAVAILABLE"]
    assert "errors" not in login, login
    # The login's first check waits out the limits' socket timeout (2 s); its other three, the
    # start's check and its job, and the event are refused or skipped at once while Redis
    # stays away (the same server: the same pause).
    assert timed["login"] < LIMITS_TIMEOUT_S + 1.0, timed
    assert max(timed["start"], timed["read"], timed["poll"], timed["event"]) < 1.0, timed
    assert kept is None  # dropped, and the caller reads the database
    print(f"\nwhile Redis was frozen: {', '.join(f'{k} {v:.2f} s' for k, v in timed.items())}")


EVENT_TIMEOUT_S = 5.0  # redis-py's default socket timeout: the event bus's client


class Person:
    """A patient on a TestClient of the app (websockets too) with one queued analysis."""

    def __init__(self, http: TestClient, email: str) -> None:
        self.http = http
        self.token = self.call(
            "mutation($e: String!) { register(input: {email: $e, photoConsent: true, "
            'password: "tea-and-toast-77"}) { accessToken } }',
            e=email,
        )["register"]["accessToken"]
        operations = {"query": "mutation($f: Upload!) { uploadMedia(file: $f) { id } }"}
        uploaded = http.post(
            "/graphql",
            headers={"authorization": f"Bearer {self.token}"},
            data={
                "operations": json.dumps({**operations, "variables": {"f": None}}),
                "map": json.dumps({"0": ["variables.f"]}),
            },
            files={"0": ("face.jpg", face_jpeg(), "image/jpeg")},
        ).json()
        media_id = uploaded["data"]["uploadMedia"]["id"]
        self.analysis_id = self.call(START, m=media_id)["startAnalysis"]["id"]

    def call(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if hasattr(self, "token") else {}
        body = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        ).json()
        assert "errors" not in body, body
        return dict(body["data"])


class Progress:
    """The person's analysisProgress stream, read on a thread: (seconds, event) as they come;
    `on_first(self)` runs once the first state has come."""

    def __init__(self, person: Person, ws: Any, on_first: Any = None) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        ws.send_json(ws_init(person.token))
        assert ws.receive_json()["type"] == "connection_ack"
        self.opened = time.monotonic()
        ws.send_json(ws_subscribe(PROGRESS, id=person.analysis_id))

        def receive() -> None:
            while True:
                message = ws.receive_json()
                if message["type"] != "next":
                    return
                data = message["payload"]["data"]["analysisProgress"]
                self.events.append((time.monotonic() - self.opened, data))
                if len(self.events) == 1 and on_first is not None:
                    on_first(self)

        self.reader = threading.Thread(target=receive, daemon=True)
        self.reader.start()

    def ended(self, within: float) -> bool:
        self.reader.join(within)
        return not self.reader.is_alive()

    @property
    def stages(self) -> list[str]:
        return [event["stage"] for _, event in self.events]


def run_analysis(
    container: Container, analysis_id: str, since: float, ran: dict[str, float]
) -> None:
    """The worker's part, on a thread, as a worker runs it; ran['ended'] is set when it
    returns (seconds after `since`), which is after DONE is sent: its last step, once the
    result is stored, builds the routine again (`after_result_stored`)."""

    def run() -> None:
        container.analyses.run(analysis_id)
        ran["ended"] = time.monotonic() - since

    threading.Thread(target=run, daemon=True).start()


def test_a_progress_subscription_opened_while_redis_is_frozen_follows_the_analysis(
    container: Container, own_redis: RedisProcess
) -> None:
    """redis-server frozen before a person opens the progress of a queued analysis: the
    stream's first state comes within one socket timeout (the bus's kept state cannot be read;
    the database's is sent), its pub/sub listener retries in the background, and the analysis
    run meanwhile (its events dropped) reaches the person from the database's re-read, within
    the recheck interval of its end."""
    recheck = container.settings.subscription_recheck_seconds
    ran: dict[str, float] = {}
    with TestClient(create_app(container)) as http:
        person = Person(http, "frozen-stream@example.com")
        assert own_redis.process is not None
        own_redis.process.send_signal(signal.SIGSTOP)
        try:
            with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                progress = Progress(
                    person,
                    ws,
                    on_first=lambda stream: run_analysis(
                        container, person.analysis_id, stream.opened, ran
                    ),
                )
                assert progress.ended(within=120), progress.events  # ended by itself (DONE)
                # the run goes on after DONE (the routine built again from what the person
                # says now, `after_result_stored`): its end is read once it has returned
                wait_until(lambda: "ended" in ran, "the run's end", 600)
        finally:
            own_redis.process.send_signal(signal.SIGCONT)
    assert progress.stages[0] == "QUEUED" and progress.stages[-1] == "DONE", progress.stages
    first, last = progress.events[0][0], progress.events[-1][0]
    print(
        f"\nRedis frozen: first state after {first:.2f} s; run ended at {ran['ended']:.2f} s, "
        f"DONE sent at {last:.2f} s; stages {progress.stages}"
    )
    assert first < EVENT_TIMEOUT_S + 1.0, progress.events
    assert last - ran["ended"] < recheck + 1.0, (ran, progress.events)


def test_a_progress_subscription_comes_live_again_after_redis_restarts(
    tmp_path: Path, database_url: str, own_redis: RedisProcess
) -> None:
    """Redis restarted under an open progress stream: its listener subscribes again once Redis
    is back, and the analysis then run reaches the person live, stage by stage, long before
    the database's re-read (set to 60 s here). Before, the listener died with Redis's error
    and the stream stayed on the re-read for good: one state a minute."""
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        redis_url=own_redis.url,
        subscription_recheck_seconds=60.0,
    )
    container = bootstrap(settings)
    try:
        with TestClient(create_app(container)) as http:
            person = Person(http, "restarted-stream@example.com")
            with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                progress = Progress(person, ws)
                listening = f"metskin:events:{progress_channel(person.analysis_id)}"
                server = redis.Redis.from_url(own_redis.url)
                wait_until(lambda: bool(server.pubsub_numsub(listening)[0][1]), "listener", 100)
                own_redis.stop()
                time.sleep(1.0)
                own_redis.start()
                server = redis.Redis.from_url(own_redis.url)
                back = time.monotonic()
                wait_until(lambda: bool(server.pubsub_numsub(listening)[0][1]), "listener", 300)
                print(f"\nlistening again {time.monotonic() - back:.2f} s after the restart")
                ran: dict[str, float] = {}
                run_analysis(container, person.analysis_id, progress.opened, ran)
                assert progress.ended(within=30), progress.events
                wait_until(lambda: "ended" in ran, "the run's end", 600)  # after DONE
    finally:
        container.close()
    assert progress.stages[0] == "QUEUED" and progress.stages[-1] == "DONE", progress.stages
    assert len(progress.stages) >= 4, progress.stages  # stage by stage: live, not re-read
    assert progress.events[-1][0] - ran["ended"] < 5.0, (ran, progress.events)
