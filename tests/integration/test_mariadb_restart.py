"""MariaDB restarts under load: while it is down every request ends quickly with
DATABASE_UNAVAILABLE (none hangs), and once it is back the same API serves again without a
restart. Runs its own mariadbd on a free port (it is stopped mid-test)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest

from metskin.adapters.db.migrations import upgrade
from metskin.settings import Settings
from tests.cluster import ServerProcess, wait_until
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient

pytestmark = pytest.mark.mariadb

READ = "{ me { email } products(first: 3) { edges { node { id } } } }"
CLIENTS = 8
SLOWEST_ANSWER_S = 12.0  # connect timeout 5 s (+ the pool's pre-ping): no request waits longer


class MariaDbProcess(ServerProcess):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        subprocess.run(
            [
                *("mariadb-install-db", "--no-defaults", f"--datadir={folder / 'data'}"),
                *("--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"),
            ],
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/metskin"

    def start(self) -> None:
        self.launch(
            *("mariadbd", "--no-defaults", f"--datadir={self.folder / 'data'}"),
            *(f"--socket={self.folder / 'sock'}", f"--port={self.port}"),
            *("--bind-address=127.0.0.1", "--user=root", "--skip-log-bin"),
            f"--log-error={self.folder / 'err.log'}",
        )
        wait_until(self._answers, "mariadbd")

    def _answers(self) -> bool:
        try:
            pymysql.connect(host="127.0.0.1", port=self.port, user="root").close()
        except pymysql.err.OperationalError:
            return False
        return True


@pytest.fixture
def own_mariadb(tmp_path: Path, mysql_server_url: str) -> Iterator[MariaDbProcess]:
    if shutil.which("mariadbd") is None or shutil.which("mariadb-install-db") is None:
        pytest.skip("mariadbd is not installed")
    server = MariaDbProcess(tmp_path)
    server.start()
    connection = pymysql.connect(host="127.0.0.1", port=server.port, user="root")
    connection.cursor().execute("CREATE DATABASE metskin CHARACTER SET utf8mb4")
    connection.close()
    upgrade(server.url)
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, own_mariadb: MariaDbProcess) -> Settings:
    """The suite's `container` and `client` fixtures, on this test's own MariaDB."""
    return make_settings(tmp_path, database_url=own_mariadb.url)


async def test_requests_fail_fast_while_mariadb_restarts_and_the_api_recovers(
    client: GraphQLClient, own_mariadb: MariaDbProcess
) -> None:
    await client.register("restart@example.com")
    answers: list[tuple[float, str]] = []  # (seconds, "ok" or the error code)
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            started = time.monotonic()
            headers = {"authorization": f"Bearer {client.token}"}
            response = await client.http.post("/graphql", json={"query": READ}, headers=headers)
            assert response.status_code in (200, 503), response.text  # never a 500
            codes = [e["extensions"]["code"] for e in response.json().get("errors", [])]
            answers.append((time.monotonic() - started, codes[0] if codes else "ok"))
            await asyncio.sleep(0.05)

    load = [asyncio.create_task(reader()) for _ in range(CLIENTS)]
    await asyncio.sleep(1.0)
    down_at = len(answers)
    await asyncio.to_thread(own_mariadb.stop)
    await asyncio.sleep(4.0)
    refused = answers[down_at:]
    await asyncio.to_thread(own_mariadb.start)
    back_at = len(answers)
    await asyncio.sleep(3.0)
    stop.set()
    await asyncio.gather(*load)

    assert answers[:down_at] and all(code == "ok" for _, code in answers[:down_at])
    assert refused and {code for _, code in refused} <= {"DATABASE_UNAVAILABLE", "ok"}
    assert any(code == "DATABASE_UNAVAILABLE" for _, code in refused)
    assert max(seconds for seconds, _ in answers) < SLOWEST_ANSWER_S  # nothing hung
    recovered = answers[back_at:]
    assert recovered[-CLIENTS:] and all(code == "ok" for _, code in recovered[-CLIENTS:])
    print(
        f"\n{len(answers)} answers, {len(refused)} while down "
        f"(slowest {max(s for s, _ in answers):.2f} s), last {CLIENTS} after restart ok"
    )
