"""End to end, from upload to DONE, for a 12 MP photo: embedded, and on MariaDB + Redis.

    .venv/bin/python bench/pipeline_bench.py                     # embedded (SQLite, in-process)
    scripts/with-services.sh .venv/bin/python bench/pipeline_bench.py   # adds MariaDB + Redis
    ... bench/pipeline_bench.py --catalog   # `metskin seed` first: routines from 166 products

Real processes on loopback: `metskin serve` (and `metskin worker` with Redis). Each run uploads
the photo over the GraphQL multipart request, starts the analysis and follows it until DONE,
alternately by polling every 10 ms and by the `analysisProgress` subscription. Printed, as
medians: the upload request, start to DONE (as the client sees it), the worker's own time
(startedAt to finishedAt), the engine alone on the same bytes in this process (decode +
analysis, timed between the runs), which the issue's ratio compares against, and the CPU
time the server processes spent from upload to DONE (and until 0.3 s after DONE: what a
thread left spinning, or late work, still costs) against the engine's own CPU time (on a
shared machine the CPU times move much less with the other jobs than the wall times).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

# First, as in `metskin serve`: the engine alone is timed with the tree's own settings for
# NumPy's OpenBLAS (read when NumPy loads).
import metskin  # noqa: F401

# isort: split
import numpy as np
from PIL import Image
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.cluster import METSKIN, Cluster, graphql, upload
from tests.conftest import create_mysql_database, drop_mysql_database
from tests.e2e.conftest import PROGRESS, ws_init, ws_subscribe
from tests.media_samples import face_jpeg

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image
from metskin.domain.analysis.engine import analyse_image

RUNS = 8
POLL_SECONDS = 0.01
SETTLE_SECONDS = 0.3  # after DONE: a thread still spinning, a late commit
STATUS = "query($id: ID!) { analysis(id: $id) { status failureReason } }"
TIMES = "query($id: ID!) { analysis(id: $id) { startedAt finishedAt } }"
REGISTER = (
    'mutation { register(input: {email: "bench@example.org", password: "tea-and-toast-77", '
    "photoConsent: true}) "
    "{ accessToken } }"
)


def twelve_megapixel_jpeg() -> bytes:
    """A face on a 4000x3000 frame with sensor-like noise, so it compresses like a photo."""
    face = Image.open(io.BytesIO(face_jpeg(2400)))
    canvas = Image.new("RGB", (4000, 3000), (205, 200, 195))
    canvas.paste(face, (800, 300))
    noise = np.random.default_rng(0).normal(0, 6, (3000, 4000, 3))
    noisy = np.clip(np.asarray(canvas, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def until_done(base: str, token: str, analysis_id: str) -> None:
    while True:
        status = graphql(base, STATUS, token, id=analysis_id)["analysis"]
        if status["status"] in ("DONE", "FAILED"):
            assert status["status"] == "DONE", status
            return
        time.sleep(POLL_SECONDS)


class Follower:
    """The subscription, opened before the analysis starts (as the web app does)."""

    def __init__(self, base: str, token: str) -> None:
        self.ws = connect(  # closed by measure()
            base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        self.ws.send(json.dumps(ws_init(token)))
        assert json.loads(self.ws.recv(timeout=10))["type"] == "connection_ack"

    def until_done(self, analysis_id: str) -> None:
        subscribe = {**ws_subscribe(PROGRESS, id=analysis_id), "id": analysis_id}
        self.ws.send(json.dumps(subscribe))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") != analysis_id:
                continue  # the end of an earlier run's subscription
            assert message["type"] == "next", message
            status = message["payload"]["data"]["analysisProgress"]["status"]
            if status in ("DONE", "FAILED"):
                assert status == "DONE", message
                self.ws.send(json.dumps({"id": analysis_id, "type": "complete"}))
                return


def engine_ms(photo: bytes, landmarker: MediaPipeLandmarker) -> tuple[float, float]:
    """Wall and CPU ms (all threads of this process) of decode + analysis."""
    started, cpu = time.perf_counter(), time.process_time()
    analyse_image(decode_image(photo), landmarker)
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def cpu_ms(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def worker_ms(base: str, token: str, analysis_id: str) -> float:
    times = graphql(base, TIMES, token, id=analysis_id)["analysis"]
    started, finished = (datetime.fromisoformat(times[key]) for key in ("startedAt", "finishedAt"))
    return (finished - started).total_seconds() * 1000


def median_of(rows: list[dict[str, float]], key: str) -> str:
    values = [row[key] for row in rows if key in row]
    return f"{statistics.median(values):.0f}" if values else "-"


def measure(label: str, env: dict[str, str], photo: bytes, scaled: bool) -> None:
    logs = Path(tempfile.mkdtemp(prefix="metskin-pipebench-"))
    subprocess.run([*METSKIN, "migrate"], env=env, check=True, capture_output=True)
    if "--catalog" in sys.argv:  # the shipped catalog, as a deployment seeds it
        subprocess.run([*METSKIN, "seed"], env=env, check=True, capture_output=True)
    cluster = Cluster(env, logs)
    landmarker = MediaPipeLandmarker()
    try:
        api = cluster.start_api("api")
        if scaled:
            cluster.start("worker", "worker")
        token = graphql(api, REGISTER)["register"]["accessToken"]
        follower = Follower(api, token)
        rows: dict[str, list[dict[str, float]]] = {"poll": [], "subscription": []}
        for run in range(2 * RUNS + 2):
            mode = "poll" if run % 2 else "subscription"
            engine, engine_cpu = engine_ms(photo, landmarker)
            time.sleep(0.05)  # let the engine's threads settle
            server_cpu = sum(cpu_ms(process.pid) for process in cluster.processes.values())
            started = time.perf_counter()
            media_id = upload(api, token, photo)
            uploaded = time.perf_counter()
            analysis_id = graphql(
                api, "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }", token, m=media_id
            )["startAnalysis"]["id"]
            if mode == "poll":
                until_done(api, token, analysis_id)
            else:
                follower.until_done(analysis_id)
            done = time.perf_counter()
            at_done = sum(cpu_ms(p.pid) for p in cluster.processes.values())
            time.sleep(SETTLE_SECONDS)  # what the server still spends on this photo after DONE
            settled = sum(cpu_ms(p.pid) for p in cluster.processes.values()) - server_cpu
            server_cpu = at_done - server_cpu
            if run >= 2:  # the first two runs warm up the models
                rows[mode].append(
                    {
                        "upload": (uploaded - started) * 1000,
                        "start_done": (done - uploaded) * 1000,
                        "total": (done - started) * 1000,
                        "worker": worker_ms(api, token, analysis_id),
                        "engine": engine,
                        "server_cpu": server_cpu,
                        "settled_cpu": settled,
                        "engine_cpu": engine_cpu,
                    }
                )
        follower.ws.close()
        print(f"{label}, 12 MP JPEG ({len(photo) / 1e6:.1f} MB), {RUNS} runs per mode, medians ms:")
        print(
            "| follow by | upload | start to DONE | upload to DONE | worker | engine alone | "
            "server CPU, upload to DONE | the same + 0.3 s after | engine alone, CPU |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        keys = (
            "upload",
            "start_done",
            "total",
            "worker",
            "engine",
            "server_cpu",
            "settled_cpu",
            "engine_cpu",
        )
        for mode, found in rows.items():
            cells = " | ".join(median_of(found, key) for key in keys)
            print(f"| {mode} | {cells} |")
    finally:
        cluster.stop_all()


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    photo = twelve_megapixel_jpeg()
    base_env = {
        **os.environ,
        "METSKIN_SECRET_KEY": "bench-secret-0123456789abcdefghij",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
    }
    embedded = {
        **base_env,
        "METSKIN_VAR_DIR": tempfile.mkdtemp(),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
    }
    measure("embedded (SQLite, in-process worker)", embedded, photo, scaled=False)
    mysql, redis_url = (
        os.environ.get("METSKIN_TEST_MYSQL_URL"),
        os.environ.get("METSKIN_TEST_REDIS_URL"),
    )
    if not (mysql and redis_url):
        print("MariaDB + Redis: skipped (run through scripts/with-services.sh)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        return
    database = create_mysql_database(mysql)
    try:
        scaled = {
            **base_env,
            "METSKIN_VAR_DIR": tempfile.mkdtemp(),
            "METSKIN_DATABASE_URL": database,
            "METSKIN_REDIS_URL": redis_url,
        }
        measure("MariaDB + Redis (API process + worker process)", scaled, photo, scaled=True)
    finally:
        drop_mysql_database(database)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
