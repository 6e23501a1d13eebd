"""Scaled out on loopback: MariaDB + Redis, two API processes and a worker process.

Upload on API 1, subscribe on API 2, SIGKILL the worker in the middle of a video job, start a
new one, and the analysis still ends DONE exactly once.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import create_engine, text
from websockets.sync.client import connect

from tests.cluster import Cluster, graphql, upload
from tests.e2e.conftest import PASSWORD, PROGRESS, StartCluster, ws_init, ws_subscribe
from tests.media_samples import face_video_bytes

pytestmark = [pytest.mark.slow, pytest.mark.mariadb, pytest.mark.redis]


@pytest.fixture
def cluster(start_cluster: StartCluster) -> Iterator[tuple[Cluster, str]]:
    with start_cluster(
        redis_db=5,
        env={
            "METSKIN_QUEUE_HEARTBEAT_TIMEOUT_MS": "3000",
            "METSKIN_QUEUE_MAINTENANCE_CHANCE": "1000000",
            "METSKIN_WORKER_THREADS": "1",
        },
    ) as running:
        yield running


def subscribe(
    base: str, token: str, analysis_id: str, events: list[dict], subscribed: threading.Event
) -> None:
    url = base.replace("http", "ws") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
        ws.send(json.dumps(ws_init(token)))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        ws.send(json.dumps(ws_subscribe(PROGRESS, id=analysis_id)))
        subscribed.set()
        while True:
            message = json.loads(ws.recv(timeout=60))
            if message["type"] == "complete":
                return
            events.append(message["payload"]["data"]["analysisProgress"])


def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_does_not_lose_or_duplicate_the_analysis(
    cluster: tuple[Cluster, str], redis_url: str
) -> None:
    running, database = cluster
    api_one = running.start_api("api-1")
    api_two = running.start_api("api-2")
    worker = running.start("worker-1", "worker")

    token = graphql(
        api_one,
        "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p, "
        "photoConsent: true}) "
        "{ accessToken } }",
        e="scale@example.com",
        p=PASSWORD,
    )["register"]["accessToken"]
    media_id = upload(api_one, token, face_video_bytes(fps=10, seconds=30, side=320))
    analysis_id = graphql(
        api_one, "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }", token, m=media_id
    )["startAnalysis"]["id"]

    events: list[dict] = []
    subscribed = threading.Event()
    listener = threading.Thread(
        target=subscribe, args=(api_two, token, analysis_id, events, subscribed), daemon=True
    )
    listener.start()
    assert subscribed.wait(15)

    wait_until(
        lambda: any(e["stage"] == "FACE_MESH" and e["progress"] > 0 for e in events),
        90,
        "the worker to be mid-video",
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    killed_at = len(events)
    running.start("worker-2", "worker")

    listener.join(timeout=180)
    assert not listener.is_alive(), "the subscription did not end"
    assert events[-1]["stage"] == "DONE" and events[-1]["status"] == "DONE"
    assert [e["stage"] for e in events].count("DONE") == 1
    assert len(events) > killed_at  # the second worker made progress of its own
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)

    # Nothing more is published after DONE, and the database holds one result.
    pubsub = redis.Redis.from_url(redis_url.rsplit("/", 1)[0] + "/5").pubsub()
    pubsub.subscribe(f"metskin:events:analysis-progress:{analysis_id}")
    time.sleep(2)
    late = [
        m for m in iter(lambda: pubsub.get_message(timeout=0.1), None) if m["type"] == "message"
    ]
    assert late == []
    engine = create_engine(database)
    with engine.connect() as connection:
        results = connection.execute(
            text("SELECT COUNT(*) FROM analysis_results WHERE analysis_id = :a"),
            {"a": analysis_id},
        ).scalar()
        status, attempts = connection.execute(
            text("SELECT status, attempts FROM analyses WHERE id = :a"), {"a": analysis_id}
        ).one()
    engine.dispose()
    assert (results, status) == (1, "done")
    assert attempts == 2

    # A late subscriber on API 1 gets the final state at once, and the stream ends.
    late_events: list[dict] = []
    subscribe(api_one, token, analysis_id, late_events, threading.Event())
    assert [e["stage"] for e in late_events] == ["DONE"]
