"""CPU of each step from upload to DONE, in one process, for the 12 MP photo of pipeline_bench.

    PYTHONPATH=src:. .venv/bin/python bench/pipeline_steps.py [--runs 10] [--catalog]

The composition root on a fresh SQLite database under a temporary folder; each run uploads the
photo through `MediaService.upload`, starts the analysis and runs it as the worker does
(`AnalysisService.run`), with no HTTP, queue or event delivery in between. Printed: the CPU
time of each step per photo, as a mean over the runs after two warm-up runs: the process's
(`time.process_time`, every thread: MediaPipe's, and any other thread busy meanwhile, such as
an OpenBLAS worker spinning after a matrix product) and the calling thread's own
(`time.thread_time`); and the whole against the engine's own step (decode +
landmarks + measurement), which is what issue 17 point 5 compares with.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import metskin  # noqa: F401  (first, as in `metskin serve`: its settings for NumPy's OpenBLAS)

# isort: split
from bench.engine_profile import timed
from bench.pipeline_bench import twelve_megapixel_jpeg

SPENT: Counter[str] = Counter()  # process CPU: every thread (MediaPipe's, OpenBLAS's too)
THREAD: Counter[str] = Counter()  # the calling thread's CPU: the step's own work


def instrument() -> None:
    from metskin.adapters.vision import engine, ingest
    from metskin.domain.analysis import service, uploads

    steps: list[tuple[Any, str, str]] = [
        (uploads.MediaService, "upload", "upload (all)"),
        (ingest, "prepare_photo", "  sanitise (strip, check, thumbnail)"),
        (ingest, "reject_polyglots", "    polyglot scan"),
        (service.AnalysisService, "start", "start"),
        (service.AnalysisService, "run", "run (all)"),
        (service.AnalysisService, "_begin", "  begin (commit)"),
        (service.AnalysisService, "_read", "  read + decrypt"),
        (engine.VisionEngine, "_photo", "  ENGINE: decode + landmarks + measures"),
        (engine, "thumbnail_of_rgb", "  thumbnail (from the engine's decode)"),
        (engine, "stored_overlay", "  overlay drawing"),
        (engine, "encode_jpeg", "  overlay encoding"),  # (and a video's frame)
        (engine, "encode_png", "  overlay encoding"),  # the overlay before it was a JPEG
        (service.AnalysisService, "_store_overlay", "  overlay storing"),
        (service.AnalysisService, "_finish", "  finish (commit)"),
    ]
    for owner, name, label in steps:
        if hasattr(owner, name):
            timed(owner, name, label, THREAD, time.thread_time)
            timed(owner, name, label, SPENT, time.process_time)
            SPENT[label] += 0.0  # printed in this order


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--catalog", action="store_true", help="seed the shipped catalog (166 products) first"
    )
    args = parser.parse_args()
    fresh_database("metskin-steps-")
    from metskin.bootstrap import bootstrap

    instrument()
    container = bootstrap()
    if args.catalog:  # as `metskin seed` does; without it the routine has no products
        from metskin.cli.seed import seed_catalog

        print(*seed_catalog(container))
    after: list[Callable[..., None]] = container.analyses._after_measuring
    for index, step in enumerate(after):
        after[index] = recommending(step)
    SPENT["  recommending (routine, commit)"] += 0.0
    person = container.accounts.register("steps@example.org", "tea-and-toast-77")
    container.photo_consent.give(person.id)
    photo = twelve_megapixel_jpeg()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for run in range(args.runs + 2):
        if run == 2:  # the first two runs build the models
            SPENT.update({label: -seconds for label, seconds in SPENT.items()})
            THREAD.update({label: -seconds for label, seconds in THREAD.items()})
        media = container.media.upload(person.id, photo)
        analysis = container.analyses.start(person.id, media.id)
        container.analyses.run(analysis.id)
    container.close()
    print(f"12 MP JPEG ({len(photo) / 1e6:.1f} MB), CPU ms per photo, mean of {args.runs}:\n")
    print("| step | CPU ms (process) | CPU ms (its thread) |\n|---|---|---|")
    for label, seconds in SPENT.items():
        mean, own = (1000 * spent / args.runs for spent in (seconds, THREAD[label]))
        print(f"| {label} | {mean:.1f} | {own:.1f} |")
    whole = SPENT["upload (all)"] + SPENT["start"] + SPENT["run (all)"]
    engine = SPENT["  ENGINE: decode + landmarks + measures"]
    print(f"\nupload + start + run against the engine: {whole / engine:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def fresh_database(prefix: str) -> None:
    """This process's settings: a migrated SQLite database in a new folder, no Redis."""
    os.environ.update(
        {
            "METSKIN_ENV": "development",
            "METSKIN_VAR_DIR": tempfile.mkdtemp(prefix=prefix),
            "METSKIN_DATABASE_URL": "",
            "METSKIN_REDIS_URL": "",
            "METSKIN_PASSWORD_HASH_TIME_COST": "1",
            "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
        }
    )
    subprocess.run([sys.executable, "-m", "metskin", "migrate"], check=True, capture_output=True)


def recommending(step: Callable[..., None]) -> Callable[..., None]:
    def wrapper(*args: Any) -> None:
        started, own = time.process_time(), time.thread_time()
        step(*args)
        SPENT["  recommending (routine, commit)"] += time.process_time() - started
        THREAD["  recommending (routine, commit)"] += time.thread_time() - own

    return wrapper


if __name__ == "__main__":
    main()
