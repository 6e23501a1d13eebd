"""Does planting one concern move another's score? (issue 12 point 5; docs/benchmarks.md "Shine
read as lines"). On every 4th neutral London face (640 px), each of a flush (cheeks and nose),
two dark spots and three papules (left cheek), forehead lines and T-zone shine is planted alone;
prints each whole-face score's change against the photo as taken: median (p90).

    PYTHONPATH=src:. .venv/bin/python bench/concern_crosstalk.py     # about 2 min, cached landmarks
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from bench.validity_bench import Cached
from tests.analysis import planting as p
from tests.analysis.london import LONDON
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image

CONCERNS = ("acne", "redness", "pigmentation", "pores", "wrinkles", "dark_circles", "shine")
PLANTS = {
    "flush (cheeks, nose)": lambda rgb, pts, rng: p.plant_flushing(rgb, pts, rng, strength=7.0),
    "dark spots (left cheek)": lambda rgb, pts, rng: p.plant_spots(rgb, pts, "cheek_left", rng, 2),
    "papules (left cheek)": lambda rgb, pts, rng: p.plant_papules(rgb, pts, "cheek_left", rng, 3),
    "forehead lines": lambda rgb, pts, rng: p.plant_forehead_lines(rgb, pts, rng),
    "shine (T-zone)": lambda rgb, pts, rng: p.plant_shine(rgb, pts, ("forehead", "nose"), rng),
}


def main() -> None:
    cache = Cached()
    rise: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in PLANTS}
    for path in sorted(LONDON.glob("*.jpg"))[::4]:
        rgb = load_image(path, long_side=640)
        faces = cache.detect(f"{path.parent.name}/{path.name}/640", rgb)
        if not faces:
            continue
        base = analyse_image(rgb, FakeLandmarker(faces))
        for name, plant in PLANTS.items():
            rng = np.random.default_rng(int(path.name[:3]))
            result = analyse_image(plant(rgb, faces[0], rng), FakeLandmarker(faces))
            for concern in CONCERNS:
                change = result.concern(concern).score - base.concern(concern).score
                rise[name][concern].append(change)
    print("| planted | " + " | ".join(CONCERNS) + " |")
    print("|---|" + "---|" * len(CONCERNS))
    for name, by in rise.items():
        cells = [f"{np.median(by[c]):+.1f} ({np.percentile(by[c], 90):+.0f})" for c in CONCERNS]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
