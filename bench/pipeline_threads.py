"""Server CPU per thread from upload to DONE, by subscription, for the 12 MP photo of
pipeline_bench (embedded: SQLite, the worker in the server process, the shipped catalog).

    PYTHONPATH=<tree>/src:. .venv/bin/python bench/pipeline_threads.py [--runs 14]

`pipeline_bench` reads the server's CPU from /proc in 10 ms ticks; this reads every server
thread's own CPU from /proc/<pid>/task/<tid>/schedstat (nanoseconds) before the upload and at
DONE, so a few milliseconds show. Printed: the median of the whole against the engine's own CPU
(decode + analysis in this process, between the runs, as in pipeline_bench), the server's user
and system time (ticks), and each thread's mean and median. Threads are named by `py-spy dump`
when it is installed (the event loop is MainThread, the use cases run in AnyIO worker threads,
the analysis in a Dramatiq worker thread; the unnamed ones are MediaPipe's and OpenCV's).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import metskin  # noqa: F401  (first, as in `metskin serve`: its settings for NumPy's OpenBLAS)

# isort: split
from bench.pipeline_bench import (
    METSKIN,
    REGISTER,
    Cluster,
    Follower,
    engine_ms,
    graphql,
    twelve_megapixel_jpeg,
    upload,
)

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker

START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"


def thread_cpu(pid: int) -> dict[int, float]:
    """ms of CPU each thread of `pid` has used so far."""
    spent = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            spent[int(task.name)] = int((task / "schedstat").read_text().split()[0]) / 1e6
        except (OSError, ValueError):
            continue  # a thread that ended meanwhile
    return spent


def user_system_ticks(pid: int) -> tuple[int, int]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def thread_names(pid: int) -> dict[int, str]:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return {}
    dump = subprocess.run([spy, "dump", "--pid", str(pid)], capture_output=True, text=True)
    names = {}
    for line in dump.stdout.splitlines():  # Thread 1234 (idle): "MainThread"
        parts = line.split('"')
        if line.startswith("Thread ") and len(parts) > 1 and line.split()[1].isdigit():
            names[int(line.split()[1])] = parts[1]
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=14)
    runs = parser.parse_args().runs
    photo = twelve_megapixel_jpeg()
    env = {
        **os.environ,
        "METSKIN_SECRET_KEY": "bench-secret-0123456789abcdefghij",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
        "METSKIN_VAR_DIR": tempfile.mkdtemp(),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
    }
    for command in ("migrate", "seed"):
        subprocess.run([*METSKIN, command], env=env, check=True, capture_output=True)
    cluster = Cluster(env, Path(tempfile.mkdtemp(prefix="metskin-threads-")))
    landmarker = MediaPipeLandmarker()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    try:
        api = cluster.start_api("api")
        pid = cluster.processes["api"].pid
        token = graphql(api, REGISTER)["register"]["accessToken"]
        follower = Follower(api, token)
        per_thread: dict[int, list[float]] = defaultdict(list)
        totals, engines, user, system = [], [], [], []
        for run in range(runs + 2):  # the first two runs warm up the models
            engine_cpu = engine_ms(photo, landmarker)[1]
            time.sleep(0.05)
            before, ticks = thread_cpu(pid), user_system_ticks(pid)
            media_id = upload(api, token, photo)
            follower.until_done(graphql(api, START, token, m=media_id)["startAnalysis"]["id"])
            after, ticks_after = thread_cpu(pid), user_system_ticks(pid)
            time.sleep(0.3)
            if run < 2:
                continue
            spent = {tid: after[tid] - before.get(tid, 0.0) for tid in after}
            for tid, ms in spent.items():
                per_thread[tid].append(ms)
            totals.append(sum(spent.values()))
            engines.append(engine_cpu)
            user.append(ticks_after[0] - ticks[0])
            system.append(ticks_after[1] - ticks[1])
        names = thread_names(pid)
        follower.ws.close()
    finally:
        cluster.stop_all()
    total, engine = statistics.median(totals), statistics.median(engines)
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    mean = statistics.mean(totals)
    print(f"{runs} runs; server CPU upload to DONE, median {total:.1f} ms (mean {mean:.1f});")
    print(f"engine alone {engine:.1f} ms; {total / engine:.2f}x")
    users, systems = (statistics.mean(ticks) * tick for ticks in (user, system))
    print(f"server user {users:.1f} ms, system {systems:.1f} ms (ticks)")
    print("| thread | mean ms | median ms |\n|---|---|---|")
    for tid, spent in sorted(per_thread.items(), key=lambda item: -statistics.mean(item[1])):
        if statistics.mean(spent) >= 0.5:
            name = names.get(tid, "(native)")
            print(f"| {name} | {statistics.mean(spent):.1f} | {statistics.median(spent):.1f} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
