"""A blurred photo is refused for its blur; a dark photo is not read as blurred (issue 12 point 4).

    PYTHONPATH=src:. .venv/bin/python bench/blur_gate.py [--every 4]     # ~3 min at --every 4

Part 1: what blocks on the London faces (neutral, every Nth; CC BY 4.0, ../shared/data) blurred
by a Gaussian of 1.5, 2.5 and 4 px. Part 2: the quality gate's sharpness (variance of the
Laplacian at the engine's scale) raw and as the engine reads it, against the picture's bright
end (`quality.SHARPNESS_WHITE_LUMA`), on the faces as taken, blurred and re-exposed in linear
light; how many fall below `quality.MIN_SHARPNESS`. Prints markdown.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.london import LONDON, self_reported_groups  # noqa: E402

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis import colour, quality  # noqa: E402
from metskin.domain.analysis import landmarks as lm  # noqa: E402
from metskin.domain.analysis.engine import (  # noqa: E402
    analyse_faces,
    crop_points,
    make_geometry,
    upright_crop,
)


def exposed(rgb: np.ndarray, factor: float) -> np.ndarray:
    linear = np.clip(colour.srgb_to_linear(rgb) * factor, 0.0, 1.0)
    return np.round(colour.linear_to_srgb(linear) * 255).astype(np.uint8)


def blurred(rgb: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(rgb, (0, 0), sigma)


def sharpness(rgb: np.ndarray, points: np.ndarray) -> tuple[float, float]:
    """(raw, as the engine reads it) at the engine's scale."""
    crop, box, scale, turn, inside = upright_crop(rgb, points)
    geometry = make_geometry(points, box, scale, (crop.shape[0], crop.shape[1]), turn, inside)
    pts = crop_points(points, box, scale, turn)
    raw = quality.sharpness(crop, geometry.masks["face"], lm.eye_distance(pts))
    read = quality.measure_quality(
        rgb, crop, geometry.masks["skin"], geometry.masks["face"], lm.eye_distance(pts)
    ).sharpness
    return raw, read


COPIES = {
    "as taken": lambda rgb: rgb,
    "x0.5": lambda rgb: exposed(rgb, 0.5),
    "x0.25": lambda rgb: exposed(rgb, 0.25),
    "x0.2": lambda rgb: exposed(rgb, 0.2),
    "x1.4": lambda rgb: exposed(rgb, 1.4),
    "blur 1 px": lambda rgb: blurred(rgb, 1.0),
    "blur 1.5 px": lambda rgb: blurred(rgb, 1.5),
    "blur 2.5 px": lambda rgb: blurred(rgb, 2.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=4)
    args = parser.parse_args()
    files = sorted(LONDON.glob("*.jpg"))[:: args.every]
    groups = self_reported_groups()
    model = MediaPipeLandmarker()
    faces = []
    for path in files:
        rgb = load_image(path)
        found = model.detect(rgb)
        if found:
            faces.append((path, rgb, found))
    print(f"{len(faces)} London faces (neutral, every {args.every}th)\n")
    print("| blur | what blocks |\n|---|---|")
    for sigma in (1.5, 2.5, 4.0):
        told: Counter[str] = Counter()
        for _, rgb, found in faces:
            result = analyse_faces(blurred(rgb, sigma), found)
            told[" + ".join(i.code for i in result.quality if i.blocking) or "nothing"] += 1
        print(f"| {sigma} px | {', '.join(f'{k} {v}' for k, v in told.most_common())} |")
    print(
        "\n| copy | raw min / median | as read min / median | below "
        f"{quality.MIN_SHARPNESS:.0f} raw -> as read | groups as read (median) |"
    )
    print("|---|---|---|---|---|")
    for name, make in COPIES.items():
        rows = []
        for path, rgb, found in faces:
            rows.append((groups.get(path.name[:3], "?"), *sharpness(make(rgb), found[0])))
        raw = np.array([row[1] for row in rows])
        read = np.array([row[2] for row in rows])
        by_group = {
            group: float(np.median([row[2] for row in rows if row[0] == group]))
            for group in sorted({row[0] for row in rows})
        }
        print(
            f"| {name} | {raw.min():.0f} / {np.median(raw):.0f} | {read.min():.0f} / "
            f"{np.median(read):.0f} | {int((raw < quality.MIN_SHARPNESS).sum())} -> "
            f"{int((read < quality.MIN_SHARPNESS).sum())} of {len(rows)} | "
            + ", ".join(f"{group} {value:.0f}" for group, value in by_group.items())
            + " |"
        )


if __name__ == "__main__":
    main()
