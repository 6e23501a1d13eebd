"""A blurred photo is refused for its blur; a dark photo is not read as blurred (issue 12 point 4).

    PYTHONPATH=src:. .venv/bin/python bench/blur_gate.py [--every 4]     # ~3 min at --every 4
    PYTHONPATH=src:. .venv/bin/python bench/blur_gate.py --scores --every 2   # ~8 min

Part 1: what blocks on the London faces (neutral, every Nth; CC BY 4.0, ../shared/data) blurred
by a Gaussian of 1.5, 2.5 and 4 px. Part 2: the quality gate's sharpness (variance of the
Laplacian at the engine's scale) raw and as the engine reads it, against the picture's bright
end (`quality.SHARPNESS_WHITE_LUMA`), on the faces as taken, blurred and re-exposed in linear
light; how many fall below `quality.MIN_SHARPNESS`. `--scores` instead: the neutral and smiling
faces blurred (a Gaussian, a shake along a line, a defocus disk), what is refused, named
BLURRY or measured unnamed, and how far their lines and pores move from the photo as taken:
median and 90th percentile, per copy and per band of the sharpness read, and how many photos as
taken lie inside a named copy's ranges (`quality.widened`). Prints markdown.
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

from tests.analysis.london import LONDON, SMILING, self_reported_groups  # noqa: E402

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


def shaken(rgb: np.ndarray, length: int, degrees: float) -> np.ndarray:
    """A camera shake: the photo smeared along a line of `length` pixels at `degrees`."""
    kernel = np.zeros((2 * length + 1, 2 * length + 1), np.float32)
    dx, dy = np.cos(np.radians(degrees)) * length / 2, np.sin(np.radians(degrees)) * length / 2
    ends = [(round(length - dx), round(length - dy)), (round(length + dx), round(length + dy))]
    cv2.line(kernel, ends[0], ends[1], 1.0, 1, cv2.LINE_AA)
    return cv2.filter2D(rgb, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def defocused(rgb: np.ndarray, radius: float) -> np.ndarray:
    """A lens out of focus: a uniform disk of `radius` pixels (drawn at 4x, area-averaged)."""
    side = 2 * int(np.ceil(radius)) + 1
    big = np.zeros((4 * side, 4 * side), np.float32)
    cv2.circle(big, (2 * side, 2 * side), round(4 * radius), 1.0, -1, cv2.LINE_AA)
    kernel = cv2.resize(big, (side, side), interpolation=cv2.INTER_AREA)
    return cv2.filter2D(rgb, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


BLURS = {
    "Gaussian 0.7 px": lambda rgb: blurred(rgb, 0.7),
    "Gaussian 1 px": lambda rgb: blurred(rgb, 1.0),
    "shake 3 px across": lambda rgb: shaken(rgb, 3, 0),
    "shake 5 px across": lambda rgb: shaken(rgb, 5, 0),
    "shake 5 px down": lambda rgb: shaken(rgb, 5, 90),
    "shake 8 px at 30 deg": lambda rgb: shaken(rgb, 8, 30),
    "defocus 1 px": lambda rgb: defocused(rgb, 1.0),
    "defocus 1.5 px": lambda rgb: defocused(rgb, 1.5),
}
BANDS = ((0, 40), (40, 60), (60, 80), (80, 100), (100, 10_000))


def scores(every: int, model: MediaPipeLandmarker) -> None:
    """What blur does to what is refused and to the lines and pores read (`--scores`)."""
    rows: list[tuple[str, float, str, float, float, bool]] = []
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg"))[::every]:
            rgb = load_image(path)
            found = model.detect(rgb)
            if not found:
                continue
            sharp = analyse_faces(rgb, found)
            if not sharp.ok:
                continue
            for name, make in BLURS.items():
                copy = make(rgb)
                points = model.detect(copy) or found
                result = analyse_faces(copy, points)
                read = sharpness(copy, points[0])[1]
                if not result.ok:
                    rows.append((name, read, "refused", 0.0, 0.0, False))
                    continue
                named = "BLURRY" in {item.code for item in result.quality}
                lines, pores = (result.concern(n) for n in ("wrinkles", "pores"))
                inside = named and all(
                    item.score_range is not None
                    and item.score_range[0] - 0.5
                    <= sharp.concern(item.name).score
                    <= item.score_range[1] + 0.5
                    for item in (lines, pores)
                )
                rise = lines.score - sharp.concern("wrinkles").score
                fall = sharp.concern("pores").score - pores.score
                rows.append((name, read, "named" if named else "unnamed", rise, fall, inside))

    def line(label: str, chosen: list) -> str:
        measured = [row for row in chosen if row[2] != "refused"]
        named = [row for row in measured if row[2] == "named"]
        rise = np.array([row[3] for row in measured]) if measured else np.zeros(1)
        fall = np.array([row[4] for row in measured]) if measured else np.zeros(1)
        return (
            f"| {label} | {len(chosen) - len(measured)} | {len(named)} | "
            f"{len(measured) - len(named)} | {np.median(rise):+.1f} / "
            f"{np.percentile(rise, 90):+.1f} | {np.median(fall):+.1f} / "
            f"{np.percentile(fall, 90):+.1f} | "
            f"{sum(row[5] for row in named)} of {len(named)} |"
        )

    head = (
        "| {} | refused | named BLURRY | measured unnamed | lines rise: median / p90 | "
        "pores fall: median / p90 | photo as taken inside the named copy's ranges |"
    )
    print(head.format("copy") + "\n|---|---|---|---|---|---|---|")
    for name in BLURS:
        print(line(name, [row for row in rows if row[0] == name]))
    print("\n" + head.format("sharpness read") + "\n|---|---|---|---|---|---|---|")
    for low, high in BANDS:
        print(line(f"{low}-{high}", [row for row in rows if low <= row[1] < high]))


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
    parser.add_argument("--scores", action="store_true")
    args = parser.parse_args()
    model = MediaPipeLandmarker()
    if args.scores:
        scores(args.every, model)
        return
    files = sorted(LONDON.glob("*.jpg"))[:: args.every]
    groups = self_reported_groups()
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
