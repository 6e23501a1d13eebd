"""The engine against its floor (decode + landmarks), and where the rest of its time goes.

    PYTHONPATH=src .venv/bin/python bench/engine_profile.py [--repeats 15]

For each photo size of bench/analysis_bench.py: the engine (decode + analyse_image) and the
floor (decode + landmarks), interleaved repeat by repeat, as wall-clock medians and as CPU
medians (all threads of the process: MediaPipe runs its own); then the CPU time of each step
in the calling thread (so the landmarks line leaves out MediaPipe's threads). On a shared
machine the CPU times move much less with the other jobs than the wall times.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

# First, as in `metskin serve` and `metskin worker`: NumPy's OpenBLAS reads the tree's own
# setting (metskin/__init__.py) when it loads. Imported after NumPy, its idle thread spins and
# every all-threads CPU figure below doubles (engine and floor alike: the ratio stays).
import metskin  # noqa: F401

# isort: split
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.analysis_bench import SIZES, portrait, write_jpeg

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import concerns, engine, quality, validity

ENGINE_STEPS = (
    "crop_face",
    "make_geometry",
    "background_pixels",
    "readable_eyes",  # the eyes' pixels, read once for the sclera and blown whites
    "sclera_pixels",  # the sclera's pixels, read once for sclera_level and white_balance
    "sclera_level",
    "blown_eyes",
    "white_balance",
    "build_face_image",
    "measure_tone",
    "measure_concerns",
    "measure_skin_type",
    "aligned_spots",
    "measure_capture",
)
SPENT: dict[str, float] = defaultdict(float)


def timed(
    module: Any,
    name: str,
    label: str,
    spent: MutableMapping[str, float] = SPENT,
    clock: Callable[[], float] = time.thread_time,
) -> None:
    """Replace `module.name` by a wrapper that adds its CPU time (by default the thread's) to
    spent[label]."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += clock() - started

    setattr(module, name, wrapper)


def instrument(landmarker: MediaPipeLandmarker) -> None:
    for name in ENGINE_STEPS:
        if hasattr(engine, name):  # an older tree (run with its PYTHONPATH) may lack a step
            timed(engine, name, name)
    timed(quality, "measure_quality", "measure_quality")
    timed(validity, "measure_validity", "measure_validity")
    timed(landmarker, "detect", "landmarks (this thread)")
    for detector in concerns.DETECTORS:
        timed(concerns, detector.__name__, f"  concern: {detector.__name__}")
    # measure_concerns calls the detectors through this tuple: point it at the wrappers
    concerns.DETECTORS = tuple(getattr(concerns, d.__name__) for d in concerns.DETECTORS)


def against_floor(landmarker: MediaPipeLandmarker, path: Path, repeats: int) -> str:
    runs: dict[str, Callable[[], object]] = {
        "engine": lambda: engine.analyse_image(load_image(path), landmarker),
        "floor": lambda: landmarker.detect(load_image(path)),
    }
    for run in runs.values():
        run()
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started, used = time.perf_counter(), time.process_time()
            run()
            wall[name].append(1000 * (time.perf_counter() - started))
            cpu[name].append(1000 * (time.process_time() - used))

    def ratio(times: dict[str, list[float]]) -> float:
        pairs = zip(times["engine"], times["floor"], strict=True)
        return statistics.median(mine / floor for mine, floor in pairs)

    return (
        f"{statistics.median(wall['engine']):.0f} | {statistics.median(wall['floor']):.0f} | "
        f"{ratio(wall):.1f}x | {statistics.median(cpu['engine']):.0f} | "
        f"{statistics.median(cpu['floor']):.0f} | {ratio(cpu):.1f}x"
    )


def steps(landmarker: MediaPipeLandmarker, path: Path, repeats: int) -> dict[str, float]:
    per_step: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):
        SPENT.clear()
        started = time.thread_time()
        rgb = load_image(path)
        SPENT["decode"] = time.thread_time() - started
        engine.analyse_image(rgb, landmarker)
        for name, seconds in SPENT.items():
            per_step[name].append(1000 * seconds)
    return {name: statistics.median(values) for name, values in per_step.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    landmarker = MediaPipeLandmarker()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    folder = Path(tempfile.mkdtemp())
    paths = {
        name: write_jpeg(folder / f"{index}.jpg", portrait(size))
        for index, (name, size) in enumerate(SIZES.items())
    }
    print("| input | engine ms | floor ms | ratio | engine CPU ms | floor CPU ms | CPU ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, path in paths.items():
        print(f"| {name} | {against_floor(landmarker, path, args.repeats)} |")
    instrument(landmarker)
    profiles = {name: steps(landmarker, path, args.repeats) for name, path in paths.items()}
    print("\nCPU ms of each step in the calling thread (median):\n")
    print("| step | " + " | ".join(profiles) + " |")
    print("|---|" + "---|" * len(profiles))
    for step in profiles[next(iter(profiles))]:
        cells = " | ".join(f"{found.get(step, 0.0):.1f}" for found in profiles.values())
        print(f"| {step} | {cells} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
