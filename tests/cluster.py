"""Running MetSkin as real processes on loopback, for the scale-out test and the benchmarks."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import redis

METSKIN = [sys.executable, "-m", "metskin"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, tries: int = 200, pause: float = 0.05) -> None:
    """Poll `ready` (a connection error counts as not yet) until it answers True."""
    for _ in range(tries):
        with contextlib.suppress(OSError, redis.ConnectionError, httpx.TransportError):
            if ready():
                return
        time.sleep(pause)
    raise RuntimeError(f"{what} did not start")


class ServerProcess:
    """A server a test starts and stops itself (to take it away under a running API)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self, *command: str) -> None:
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)
            self.process = None


class Cluster:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen([*METSKIN, *args], env=self.env, stdout=log, stderr=log)
        self.processes[name] = process
        return process

    def start_api(self, name: str) -> str:
        port = free_port()
        self.start(name, "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start: {(self.logs / f'{name}.log').read_text()}")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def mysql_redis_cluster(
    tmp_path: Path, mysql_server_url: str, redis_url: str, redis_db: int, env: dict[str, str]
) -> Iterator[tuple[Cluster, str]]:
    """A migrated database of its own and a flushed Redis database, for real processes."""
    from tests.conftest import create_mysql_database, drop_mysql_database

    database = create_mysql_database(mysql_server_url)
    redis_url = redis_url.rsplit("/", 1)[0] + f"/{redis_db}"
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "METSKIN_DATABASE_URL": database,
        "METSKIN_REDIS_URL": redis_url,
        "METSKIN_VAR_DIR": str(tmp_path / "var"),
        "METSKIN_SECRET_KEY": "cluster-test-secret-0123456789abcdef",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
        **env,
    }
    subprocess.run([*METSKIN, "migrate"], env=env, check=True, capture_output=True)
    running = Cluster(env, tmp_path)
    try:
        yield running, database
    finally:
        running.stop_all()
        drop_mysql_database(database)


def graphql(base: str, query: str, token: str | None = None, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    ).json()
    assert "errors" not in body, body
    return body["data"]


def upload(base: str, token: str, data: bytes) -> str:
    operations = {
        "query": "mutation($f: Upload!) { uploadMedia(file: $f) { id } }",
        "variables": {"f": None},
    }
    body = httpx.post(
        f"{base}/graphql",
        headers={"authorization": f"Bearer {token}"},
        timeout=60,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("clip.mp4", data, "video/mp4")},
    ).json()
    assert "errors" not in body, body
    return str(body["data"]["uploadMedia"]["id"])
