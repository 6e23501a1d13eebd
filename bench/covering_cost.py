"""The headscarf test's cost (`covering.covering_mask`), paired against a baseline tree's.

    git worktree add --detach /tmp/base-covering <commit>
    PYTHONPATH=src:. .venv/bin/python bench/covering_cost.py --baseline /tmp/base-covering/src \
        [--faces 10] [--repeats 21] [--scarf white]

`--baseline` is the `src` folder of the tree to compare with; its `covering_mask` is loaded
from `metskin/domain/analysis/covering.py`, or from `face_image.py` in a tree from before the
move. Its imports resolve to this tree's modules (landmarks, filters, colour, stubble), which
the move left as they were.

For the first `--faces` neutral London faces (landmarks detected once): one engine run records
the arguments `build_face_image` passes to `covering_mask`. Then, repeat by repeat, in
alternating order: (1) the step alone, this tree's function and the baseline's on the same
arguments (both results compared: the same None, or the same mask); (2) the whole engine
(`analyse_image` with the landmarks given, so MediaPipe does not run), with `face_image`
calling this tree's function and then the baseline's. Times are the process's CPU
(`time.process_time`: OpenCV's threads included). Prints, per face and overall, the medians of
each side and the median of the paired differences (baseline - this tree). `--scarf COLOUR`
puts every face in a headscarf of that colour down to the middle of the forehead
(`tests/analysis/degrade.scarf`): the case where the whole test runs. Prints markdown.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# First, as in `metskin serve`: NumPy's OpenBLAS reads the tree's own setting when it loads
import metskin  # noqa: F401

# isort: split
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from tests.analysis.degrade import SCARVES, scarf
from tests.analysis.london import LONDON
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import covering, face_image
from metskin.domain.analysis.engine import analyse_image

Covering = Callable[..., np.ndarray | None]


def baseline_function(src: Path) -> Covering:
    folder = src / "metskin/domain/analysis"
    path = folder / "covering.py"
    if not path.exists():
        path = folder / "face_image.py"
    spec = importlib.util.spec_from_file_location("baseline_covering", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    found: Covering = module.covering_mask
    return found


def recorded_arguments(rgb: np.ndarray, landmarker: FakeLandmarker) -> tuple[Any, ...]:
    """The arguments `build_face_image` passes to `covering_mask` for this photo."""
    seen: list[tuple[Any, ...]] = []
    original = face_image.covering_mask

    def record(planes: Any, masks: Any, points: Any, eye_distance: float) -> Any:
        seen.append((dict(planes), dict(masks), points, eye_distance))
        return original(planes, masks, points, eye_distance)

    face_image.covering_mask = record
    try:
        analyse_image(rgb, landmarker)
    finally:
        face_image.covering_mask = original
    assert len(seen) == 1
    return seen[0]


def same(one: np.ndarray | None, two: np.ndarray | None) -> bool:
    if one is None or two is None:
        return one is None and two is None
    return bool(np.array_equal(one, two))


def cpu_ms(run: Callable[[], object]) -> float:
    started = time.process_time()
    run()
    return 1000 * (time.process_time() - started)


def paired(
    runs: dict[str, Callable[[], object]], repeats: int
) -> tuple[dict[str, float], list[float]]:
    """Medians of each run's CPU ms and the paired differences (baseline - this tree), the two
    runs alternating which goes first."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for repeat in range(repeats):
        order = list(runs) if repeat % 2 == 0 else list(runs)[::-1]
        for name in order:
            times[name].append(cpu_ms(runs[name]))
    pairs = [b - t for b, t in zip(times["baseline"], times["this tree"], strict=True)]
    return {name: statistics.median(values) for name, values in times.items()}, pairs


def one_face(
    rgb: np.ndarray, landmarker: FakeLandmarker, base: Covering, repeats: int
) -> tuple[bool, dict[str, float], list[float], dict[str, float], list[float]]:
    """Whether this tree finds a covering; the step's medians and pairs; the engine's."""
    mine = covering.covering_mask
    arguments = recorded_arguments(rgb, landmarker)
    found = mine(*arguments)
    assert same(found, base(*arguments))
    step = paired(
        {"baseline": lambda: base(*arguments), "this tree": lambda: mine(*arguments)}, repeats
    )

    def engine_with(function: Covering) -> Callable[[], object]:
        def run() -> object:
            face_image.covering_mask = function
            try:
                return analyse_image(rgb, landmarker)
            finally:
                face_image.covering_mask = mine

        return run

    whole = paired({"baseline": engine_with(base), "this tree": engine_with(mine)}, repeats)
    return found is not None, *step, *whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--faces", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--scarf", choices=sorted(SCARVES))
    args = parser.parse_args()
    base = baseline_function(args.baseline)
    detector = MediaPipeLandmarker()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| face | covered | step: baseline | step: this tree | step: paired saving |", end="")
    print(" engine: baseline | engine: this tree | engine: paired saving |")
    print("|---|---|---|---|---|---|---|---|")
    pairs: dict[str, list[float]] = {"step": [], "engine": []}
    sides: dict[tuple[str, str], list[float]] = {
        (run, side): [] for run in pairs for side in ("baseline", "this tree")
    }
    for path in sorted(Path(LONDON).glob("*.jpg"))[: args.faces]:
        rgb = load_image(path)
        landmarker = FakeLandmarker(detector.detect(rgb))
        if args.scarf is not None:
            rgb = scarf(SCARVES[args.scarf], "mid")(rgb, landmarker.faces[0], 0)
        covered, step, step_pairs, whole, whole_pairs = one_face(
            rgb, landmarker, base, args.repeats
        )
        pairs["step"] += step_pairs
        pairs["engine"] += whole_pairs
        for side in ("baseline", "this tree"):
            sides["step", side].append(step[side])
            sides["engine", side].append(whole[side])
        print(
            f"| {path.name} | {'yes' if covered else 'no'} | {step['baseline']:.2f} | "
            f"{step['this tree']:.2f} | {statistics.median(step_pairs):.2f} | "
            f"{whole['baseline']:.1f} | {whole['this tree']:.1f} | "
            f"{statistics.median(whole_pairs):.2f} |"
        )
    medians = {key: statistics.median(values) for key, values in sides.items()}
    print(
        f"| **all (median)** | | {medians['step', 'baseline']:.2f} | "
        f"{medians['step', 'this tree']:.2f} | **{statistics.median(pairs['step']):.2f}** | "
        f"{medians['engine', 'baseline']:.1f} | {medians['engine', 'this tree']:.1f} | "
        f"**{statistics.median(pairs['engine']):.2f}** |"
    )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
