"""Dark spots on flushed skin (issue 12 point 5; docs/benchmarks.md "Dark spots on flushed
skin"): on every 3rd neutral London face, a flush planted on the left cheek and then two brown
spots there (the cheek at 640 px fits one), two spots on the forehead, and three red papules on
the right cheek; prints, per face and overall, how many more dark spots the engine counts than
without them (the papules should add none).

    PYTHONPATH=src:. .venv/bin/python bench/flushed_spots.py [--surround F]   # about 2 min

`--surround` replaces `concerns.SPOT_RED_SURROUND` (in eye distances) for the run, to compare.
"""

from __future__ import annotations

import argparse

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON
from tests.analysis.planting import plant_papules, plant_redness, plant_spots
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import concerns
from metskin.domain.analysis.engine import analyse_image


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--surround", type=float, default=concerns.SPOT_RED_SURROUND)
    args = parser.parse_args()
    concerns.SPOT_RED_SURROUND = args.surround
    cache, added = Cached(), {"flushed cheek": [], "forehead": [], "papules": []}
    print("| face | Monk | flushed cheek | forehead | papules |\n|---|---|---|---|---|")
    for path in sorted(LONDON.glob("*.jpg"))[::3]:
        rgb = load_image(path, long_side=640)
        faces = cache.detect(f"{path.parent.name}/{path.name}/640", rgb)
        if not faces:
            continue
        points, seed = faces[0], int(path.name[:3])

        def spots(image: np.ndarray, faces: list = faces) -> float:
            result = analyse_image(image, FakeLandmarker(faces))
            return result.concern("pigmentation").measurements["spot_count"]

        rng = np.random.default_rng(seed)
        flushed = plant_redness(rgb, points, "cheek_left", rng)
        base = spots(rgb)
        rows = {
            "flushed cheek": spots(plant_spots(flushed, points, "cheek_left", rng, 2))
            - spots(flushed),
            "forehead": spots(plant_spots(rgb, points, "forehead", np.random.default_rng(seed), 2))
            - base,
            "papules": spots(plant_papules(rgb, points, "cheek_right", rng, count=3)) - base,
        }
        monk = analyse_image(rgb, FakeLandmarker(faces)).tone.monk
        cells = " | ".join(f"{value:+.0f}" for value in rows.values())
        print(f"| {path.name[:3]} | {monk} | {cells} |")
        for name, value in rows.items():
            added[name].append(value)
    print(f"\nSurround {args.surround:g} x iod. Faces where each added a dark spot:\n")
    for name, values in added.items():
        print(f"- {name}: {sum(v >= 1 for v in values)} of {len(values)}")


if __name__ == "__main__":
    main()
