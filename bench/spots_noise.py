"""Dark spots on noisy photos (issue 12, point 5): false spots from noise, and spots found.

    PYTHONPATH=src:. .venv/bin/python bench/spots_noise.py [--step N]

For every N-th neutral London face (landmarks of the photo as taken, reused for its copies):
the photo as taken, JPEG q70, sensor noise of 4 and 8 levels then JPEG q85
(`tests/analysis/degrade.sensor_noise`), and the photo with nine faint spots planted (three
per cheek and on the forehead; radius 0.03 eye distance and 10 L* deep, or 0.04 and 13 L*,
seeded per face), as taken and with noise 8. Prints per condition the mean spot count and
pigmentation score, the median spot threshold (L*), and the mean spot count per Monk tone of
the photo as taken (worst tone beside the median tone). Prints markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from bench.london_tone import per_tone
from tests.analysis.degrade import jpeg, sensor_noise
from tests.analysis.london import LONDON
from tests.analysis.planting import region_in_image
from tests.analysis.synthetic import circle_points, plant
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.engine import analyse_image


def planted(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    iod = lm.eye_distance(points)
    for region in ("cheek_left", "cheek_right", "forehead"):
        mask = region_in_image(points, rgb.shape, region)
        for centre in circle_points(rng, mask, 3, margin=int(0.05 * iod) + 2):
            small = rng.random() < 0.5
            radius, depth = (0.03, -10.0) if small else (0.04, -13.0)
            rgb = plant(rgb, centre, radius * iod, (depth, 0.0, 2.0))
    return rgb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=2)
    step = parser.parse_args().step
    landmarker = MediaPipeLandmarker()
    rows: dict[str, list[tuple[float, float, float, int | None]]] = defaultdict(list)
    for path in sorted(Path(LONDON).glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = landmarker.detect(rgb)
        if not faces:
            continue
        points, seed = faces[0], int(path.name[:3])
        with_spots = planted(rgb, points, seed)
        copies = {
            "as taken": rgb,
            "JPEG q70": jpeg(70)(rgb, points, seed),
            "noise 4": sensor_noise(4.0)(rgb, points, seed),
            "noise 8": sensor_noise(8.0)(rgb, points, seed),
            "9 faint spots planted": with_spots,
            "9 faint spots planted, noise 8": sensor_noise(8.0)(with_spots, points, seed),
        }
        tone = None
        for name, image in copies.items():
            result = analyse_image(image, FakeLandmarker([points]))
            if name == "as taken" and result.tone is not None:
                tone = result.tone.monk
            if result.ok:
                found = result.concern("pigmentation")
                values = found.measurements
                rows[name].append(
                    (values["spot_count"], found.score, values["threshold_l_star"], tone)
                )
    print("| photos | faces | spots a face | pigmentation score | spot threshold (median L*) | "
          "spots a face per Monk tone as taken (faces); worst / median tone |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, found in rows.items():
        table = np.array([row[:3] for row in found])
        spots = [(row[3], row[0], None) for row in found if row[3] is not None]
        print(
            f"| {name} | {len(found)} | {table[:, 0].mean():.2f} | {table[:, 1].mean():.1f} | "
            f"{np.median(table[:, 2]):.1f} | {per_tone(spots, np.mean)} |"
        )


if __name__ == "__main__":
    main()
