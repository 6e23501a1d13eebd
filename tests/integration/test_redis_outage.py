"""Redis stops under a running API and comes back: reads keep working, startAnalysis answers
QUEUE_UNAVAILABLE without writing anything, rate limits let requests through, and once Redis
is back an analysis is queued again. Runs its own redis-server (it is stopped mid-test)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlmodel import select

from metskin.adapters.db.analysis import AnalysisRow
from metskin.bootstrap import Container, bootstrap
from metskin.graphql.app import create_app
from tests.cluster import free_port
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.redis

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id status } }"
READS = "{ me { email analyses(first: 5) { edges { node { id status progress } } } } }"


class RedisProcess:
    def __init__(self, folder: Path) -> None:
        self.port, self.folder = free_port(), folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path, redis_url: str) -> Iterator[RedisProcess]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_container(
    tmp_path: Path, database_url: str, own_redis: RedisProcess
) -> Iterator[Container]:
    settings = make_settings(tmp_path, database_url=database_url, redis_url=own_redis.url)
    container = bootstrap(settings)
    yield container
    container.close()


@pytest.fixture
async def api(redis_container: Container) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=create_app(redis_container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http)


def analysis_ids(container: Container) -> list[str]:
    with container.new_uow() as uow:
        return list(uow.session.exec(select(AnalysisRow.id)))


async def test_reads_work_and_nothing_is_half_created_while_redis_is_away(
    api: GraphQLClient, redis_container: Container, own_redis: RedisProcess
) -> None:
    await api.register("outage@example.com")
    first = (await api.upload(face_jpeg()))["data"]["uploadMedia"]["id"]
    queued = (await api.data(START, m=first))["startAnalysis"]
    second = (await api.upload(face_jpeg()))["data"]["uploadMedia"]["id"]

    own_redis.stop()
    before = analysis_ids(redis_container)
    me = (await api.data(READS))["me"]
    assert [e["node"]["id"] for e in me["analyses"]["edges"]] == [queued["id"]]
    assert (await api.data("{ products(first: 3) { edges { node { id } } } }"))["products"]
    assert (await api.data("{ dermatologists(first: 3) { edges { node { id } } } }")) is not None
    assert await api.error_codes(START, m=second) == ["QUEUE_UNAVAILABLE"]
    assert analysis_ids(redis_container) == before  # nothing written for the refused start
    login = await api.call(
        'mutation { login(email: "outage@example.com", password: "tea-and-toast-77") '
        "{ accessToken } }"
    )
    assert "errors" not in login, login  # the login limits cannot be counted: let it through

    own_redis.start()
    again = (await api.data(START, m=second))["startAnalysis"]
    assert again["status"] == "QUEUED"
    queue = redis.Redis.from_url(own_redis.url)
    assert queue.exists("metskin-jobs:default"), queue.keys("*")  # the job is in the queue
