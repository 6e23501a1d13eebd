"""How steady is the Monk calibration's unsupervised fit? (issue 12 point 1; docs/benchmarks.md
"Neutral against smiling per Monk band" and after.)

    PYTHONPATH=src .venv/bin/python bench/engine_same_results.py dump F.json 102
    PYTHONPATH=src:. .venv/bin/python bench/monk_fit_variants.py F.json     # about a minute

Refits `monk.GAIN` / `monk.OFFSET` (with the chroma scale) on the neutral London photos' measured
(L*, b*) in the dump, as `bench/london_tone.py: fit_monk` does (the swatch polyline, no label),
with fewer free parameters or another statistic, on each half (odd / even ids) and on all.
Prints each variant's constants, and the self-reported white faces in Monk 1-4 and black faces
in Monk 7-10 (london_info.csv: a check, never fitted to) held out (each half scored with the
other half's constants) and with the constants fitted on all.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench.london_tone import GAINS, fit_monk
from tests.analysis.london import LONDON

from metskin.domain.analysis import monk

VARIANTS: dict[str, tuple[np.ndarray, Callable[[np.ndarray], float]]] = {
    "gain, offset, scale; median (bench/london_tone.py)": (GAINS, np.median),
    "gain, offset, scale; mean": (GAINS, np.mean),
    "gain fixed at 1; median": (np.array([1.0]), np.median),
    f"gain fixed at the engine's {monk.GAIN}; median": (np.array([monk.GAIN]), np.median),
}


def fit(labs: np.ndarray, gains: np.ndarray, stat: Callable) -> tuple[float, float, float]:
    return fit_monk(labs, gains, stat)[:3]


def shares(groups: list[str], tones: list[int]) -> str:
    white = [t for g, t in zip(groups, tones, strict=True) if g == "white"]
    black = [t for g, t in zip(groups, tones, strict=True) if g == "black"]
    light, dark = np.mean([t <= 4 for t in white]), np.mean([t >= 7 for t in black])
    return f"{light:.0%} / {dark:.0%}, {len(set(tones))} values"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dump", type=Path)
    args = parser.parse_args()
    with (LONDON / "london_info.csv").open() as handle:
        ethnicity = {row["face_id"]: row["face_eth"] for row in csv.DictReader(handle)}
    tones = [
        (Path(key).name[:3], result["tone"])
        for key, result in json.loads(args.dump.read_text()).items()
        if "smiling" not in key and result.get("ok")
    ]
    groups = [ethnicity[face_id] for face_id, _ in tones]
    labs = np.array([tone["lab"] for _, tone in tones])
    itas = [tone["ita_deg"] for _, tone in tones]
    odd = np.array([int(face_id) % 2 == 1 for face_id, _ in tones])
    engine = [monk.monk_tone(ita) for ita in itas]
    print(f"Engine constants {monk.GAIN} / {monk.OFFSET}: white in M1-4 / black in M7-10 ", end="")
    print(f"{shares(groups, engine)}\n")
    print("| fit | odd ids | even ids | all | held out | fitted on all |")
    print("|---|---|---|---|---|---|")
    for name, (gains, stat) in VARIANTS.items():
        halves = {parity: fit(labs[odd == parity], gains, stat) for parity in (True, False)}
        held = [monk.monk_tone(ita, *halves[not o][:2]) for ita, o in zip(itas, odd, strict=True)]
        every = fit(labs, gains, stat)
        fitted = [monk.monk_tone(ita, *every[:2]) for ita in itas]
        named = [" / ".join(f"{v:.2f}" for v in c) for c in (halves[True], halves[False], every)]
        print(f"| {name} | " + " | ".join(named), end="")
        print(f" | {shares(groups, held)} | {shares(groups, fitted)} |")


if __name__ == "__main__":
    main()
