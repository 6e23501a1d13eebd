"""End to end, from upload to DONE, for a 12 MP photo: embedded, and on MariaDB + Redis.

    .venv/bin/python bench/pipeline_bench.py                     # embedded (SQLite, in-process)
    scripts/with-services.sh .venv/bin/python bench/pipeline_bench.py   # adds MariaDB + Redis

Real processes on loopback: `metskin serve` (and `metskin worker` with Redis). Each run uploads
the photo over the GraphQL multipart request, starts the analysis and polls until it is DONE.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.cluster import METSKIN, Cluster, graphql, upload
from tests.conftest import create_mysql_database, drop_mysql_database
from tests.media_samples import face_jpeg

RUNS = 8
POLL_SECONDS = 0.01
STATUS = "query($id: ID!) { analysis(id: $id) { status failureReason } }"


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


def measure(label: str, env: dict[str, str], photo: bytes, scaled: bool) -> None:
    logs = Path(tempfile.mkdtemp(prefix="metskin-pipebench-"))
    subprocess.run([*METSKIN, "migrate"], env=env, check=True, capture_output=True)
    cluster = Cluster(env, logs)
    try:
        api = cluster.start_api("api")
        if scaled:
            cluster.start("worker", "worker")
        registered = graphql(
            api,
            'mutation { register(input: {email: "bench@example.org", '
            'password: "tea-and-toast-77"}) { accessToken } }',
        )
        token = registered["register"]["accessToken"]
        timings = []
        for run in range(RUNS + 1):
            started = time.perf_counter()
            media_id = upload(api, token, photo)
            analysis_id = graphql(
                api, "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }", token, m=media_id
            )["startAnalysis"]["id"]
            until_done(api, token, analysis_id)
            if run:  # the first run warms up the models
                timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{label}: upload to DONE, 12 MP JPEG ({len(photo) / 1e6:.1f} MB): "
            f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f}, "
            f"max {max(timings):.0f} over {RUNS} runs"
        )
    finally:
        cluster.stop_all()


def main() -> None:
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


if __name__ == "__main__":
    main()
