"""Redis stops under a running API and comes back: reads keep working, startAnalysis answers
QUEUE_UNAVAILABLE without writing anything, rate limits let requests through, and once Redis
is back an analysis is queued again. Runs its own redis-server (it is stopped mid-test)."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from sqlmodel import select

from metskin.adapters.db.analysis import AnalysisRow
from metskin.bootstrap import Container
from metskin.domain.messages import Event
from metskin.settings import Settings
from tests.cluster import ServerProcess, wait_until
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient
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
    client: GraphQLClient, container: Container, own_redis: RedisProcess
) -> None:
    """redis-server frozen (SIGSTOP: its connections stay open and nothing answers): a read,
    a poll of a queued analysis and a login answer as when Redis is stopped, and
    startAnalysis is refused with QUEUE_UNAVAILABLE, each within one socket timeout: once the
    limits found Redis not answering, they, the queue and the event bus leave it alone a
    moment (`RedisAway`), where each check waited 2 s (a login 8 s), and each job and event
    5 s."""
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
