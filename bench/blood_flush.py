"""Redness of a rosacea-like flush planted as blood, per lightness band of the London faces.

    PYTHONPATH=src:. .venv/bin/python bench/blood_flush.py

Every neutral London face (../shared/data/london-faces, CC BY 4.0) gets a flush over both
cheeks and the nose of 0.15 and 0.3 optical density of haemoglobin
(`tests.analysis.planting.plant_blood_flush`), which is less red in a* on darker skin, as real
erythema is. Prints the redness score per band of the face's median L*, with the AUC of the
flushed photos against all 102 normal ones. Landmarks: bench/acne_grades.py's cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.acne_grades import landmarks  # noqa: E402
from tests.analysis.london import LONDON  # noqa: E402
from tests.analysis.planting import plant_blood_flush  # noqa: E402
from tests.analysis.rank_stats import auc  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis.engine import analyse_image  # noqa: E402

DENSITIES = (0.15, 0.3)
BANDS = {"L* > 55": (55, 100), "L* 45-55": (45, 55), "L* < 45": (0, 45)}


def main() -> None:
    paths = sorted(LONDON.glob("*.jpg"))
    points = landmarks(paths)
    rows = []  # median L*, normal score, flushed scores per density
    for path in paths:
        if path.name not in points:
            continue
        base = load_image(path)
        faces = FakeLandmarker([points[path.name]])
        normal = analyse_image(base, faces)
        if not normal.ok:
            continue
        level = normal.tone.lab[0]
        scores = [
            analyse_image(plant_blood_flush(base, points[path.name], d), faces)
            .concern("redness")
            .score
            for d in DENSITIES
        ]
        rows.append((level, normal.concern("redness").score, *scores))
    table = np.array(rows)
    print(
        "| band | faces | normal median | "
        + " | ".join(f"flush {d} OD: median (AUC vs all normal)" for d in DENSITIES)
        + " |"
    )
    print("|---" * (3 + len(DENSITIES)) + "|")
    for name, (low, high) in {"all": (0, 100), **BANDS}.items():
        inside = (table[:, 0] >= low) & (table[:, 0] < high)
        cells = [
            f"{np.median(table[inside, 2 + k]):.1f} ({auc(table[inside, 2 + k], table[:, 1]):.3f})"
            for k in range(len(DENSITIES))
        ]
        print(
            f"| {name} | {inside.sum()} | {np.median(table[inside, 1]):.1f} | "
            + " | ".join(cells)
            + " |"
        )


if __name__ == "__main__":
    main()
