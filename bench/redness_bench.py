"""Redness on real faces: the normal-skin references of the diffuse term, and how planted
rosacea-like flushing separates from normal skin, with and without the diffuse term.

    .venv/bin/python bench/redness_bench.py

Reads the London Set (../shared/data/london-faces and -smiling, CC BY 4.0): 204 normal photos.
Prints the central (cheeks + nose) median a* and its lift over the whole face's median (mean,
sd, per self-reported group: a sanity check, never a label), then the redness score of normal
faces against every third neutral face with flushing planted (a* +4..8 over both cheeks and the
nose), as AUC, per group, for the engine as it is and with the diffuse term switched off.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.london import LONDON, SMILING, self_reported_groups  # noqa: E402
from tests.analysis.planting import plant_flushing  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis import concerns  # noqa: E402
from metskin.domain.analysis.engine import analyse_image  # noqa: E402


def main() -> None:
    groups = self_reported_groups()
    paths = sorted(LONDON.glob("*.jpg")) + sorted(SMILING.glob("*.jpg"))
    landmarker = MediaPipeLandmarker()
    faces = []
    for index, path in enumerate(paths):
        rgb = load_image(path)
        found = landmarker.detect(rgb)
        if found:
            faces.append((index, path, groups.get(path.name[:3], "?"), rgb, found[0]))
    references(faces)
    for label, free in (("with the diffuse term", concerns.DIFFUSE_FREE_SD), ("without", 1e9)):
        concerns.DIFFUSE_FREE_SD = free
        separation(label, faces)


def references(faces: list) -> None:
    lift: list[float] = []
    by_group: dict[str, list[float]] = {}
    for _, _, group, rgb, points in faces:
        result = analyse_image(rgb, FakeLandmarker([points]))
        if not result.ok:
            continue
        m = result.concern("redness").measurements
        sd = m["central_redness_sd"]
        by_group.setdefault(group, []).append(sd)
        lift.append(sd)
    print(
        f"normal photos: {len(lift)}; central redness in sds: mean {statistics.mean(lift):.2f}, "
        f"sd {statistics.pstdev(lift):.2f}, p95 {np.percentile(lift, 95):.2f}"
    )
    for group, values in sorted(by_group.items()):
        print(f"  {group:18s} n={len(values):3d} mean {statistics.mean(values):+.2f} sd")


def separation(label: str, faces: list) -> None:
    normal, flushed = [], {}
    for index, _, group, rgb, points in faces:
        fixed = FakeLandmarker([points])
        result = analyse_image(rgb, fixed)
        if result.ok:
            normal.append(result.concern("redness").score)
        if index % 3 == 0 and index < 102:
            sick = analyse_image(plant_flushing(rgb, points, np.random.default_rng(index)), fixed)
            flushed.setdefault(group, []).append(sick.concern("redness").score)
    every = [s for values in flushed.values() for s in values]
    auc = np.mean([(s > n) + 0.5 * (s == n) for s in every for n in normal])
    print(
        f"{label}: normal mean {np.mean(normal):.1f} (p95 {np.percentile(normal, 95):.1f}); "
        f"flushed mean {np.mean(every):.1f}, median {np.median(every):.1f}; AUC {auc:.3f}"
    )
    for group, values in sorted(flushed.items()):
        print(f"  {group:18s} flushed median {np.median(values):.0f} (n={len(values)})")


if __name__ == "__main__":
    main()
