"""Why one tone measurement repeats better than another (issue 12 point 2): the same London
faces neutral and smiling, measured with the engine and with other choices of skin pixels.

    PYTHONPATH=src:. .venv/bin/python bench/tone_repeat.py [--step N]   # ~6 min at step 1

stone (skin-tone-classifier, GPL) is read from an optional install for comparison only
(`pip install --no-deps --target DIR skin-tone-classifier colormath`, then put DIR on
PYTHONPATH); it is never imported from src/. Its own figure is its first dominant colour.

Variants (all after the engine's white balance, on the same crop and landmarks):
- engine: `tone.measure_tone` as it is;
- regions 40-60 %: the central 20 % by luminance of the five tone regions (the third pass);
- stone-like: stone's selection read from its source and written anew: skin-coloured pixels
  (hue 0-40 deg, saturation >= 48/255, value >= 80/255 in sRGB) of the face, then the larger of
  the two groups that Otsu's threshold on L* splits them into;
- chroma: the exposure-invariant ratio b* / (L* + 16) (a gain on linear light scales L* + 16,
  a* and b* alike), checked for whether it orders the faces as ITA does.

Prints markdown: per variant, neutral -> smiling ITA change (median, p90, black faces), the
largest Monk step, x1.4 (linear) change, distinct Monk values with the engine's constants.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

import numpy as np
from bench.analysis_bench import lab_of_hex, stone_runner
from bench.london_tone import exposed
from tests.analysis.london import LONDON, SMILING, self_reported_groups

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import colour, monk, tone
from metskin.domain.analysis.engine import check_frame
from metskin.domain.analysis.face_image import FaceImage, build_face_image
from metskin.domain.analysis.geometry import crop_points
from metskin.domain.analysis.white_reference import white_balance

Lab = np.ndarray


def face_of(rgb: np.ndarray, faces: list[np.ndarray]) -> FaceImage:
    checked = check_frame(rgb, faces)
    assert not isinstance(checked, list)
    geometry = checked.geometry
    points = crop_points(checked.points, geometry.box, geometry.scale)
    gains, _ = white_balance(checked.background, checked.crop, points, geometry.scale)
    return build_face_image(checked.crop, points, geometry.masks, gains)


def regions_central(face: FaceImage) -> Lab:
    regions = np.logical_or.reduce([face.masks[name] for name in tone.TONE_REGIONS])
    lab = face.lab[regions & face.masks["usable"]]
    low, high = np.quantile(lab[:, 0], [0.4, 0.6])
    return lab[(lab[:, 0] >= low) & (lab[:, 0] <= high)].mean(axis=0)


def skin_coloured(srgb: np.ndarray) -> np.ndarray:
    """Hue 0-40 deg, saturation >= 48/255, value >= 80/255 (uint8 sRGB, white-balanced)."""
    rgb = srgb.astype(np.float64)
    top, bottom = rgb.max(axis=-1), rgb.min(axis=-1)
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hue = (red >= top) & (green >= blue) & (green - blue <= (red - blue) * 40.0 / 60.0)
    return hue & (top - bottom >= 48 / 255 * np.maximum(top, 1e-6)) & (top >= 80)


def stone_like(face: FaceImage) -> Lab:
    balanced = colour.linear_to_srgb(colour.srgb_to_linear(face.rgb) * face.gains) * 255
    lab = face.lab[face.masks["face"] & skin_coloured(np.round(balanced))]
    counts, edges = np.histogram(lab[:, 0], bins=100, range=(0.0, 100.0))
    below = np.cumsum(counts)
    weighted = np.cumsum(counts * (edges[:-1] + edges[1:]) / 2)
    above = below[-1] - below
    with np.errstate(divide="ignore", invalid="ignore"):
        between = below * above * (weighted / below - (weighted[-1] - weighted) / above) ** 2
    cut = edges[int(np.nanargmax(np.where((below > 0) & (above > 0), between, np.nan))) + 1]
    upper = lab[:, 0] > cut
    chosen = upper if upper.sum() >= (~upper).sum() else ~upper
    return lab[chosen].mean(axis=0)


VARIANTS: dict[str, Callable[[FaceImage], Lab]] = {
    "engine": lambda face: np.array(tone.measure_tone(face, 0.0).lab),  # type: ignore[union-attr]
    "regions 40-60 % (third pass)": regions_central,
    "stone-like (hue/sat/value box, larger Otsu group)": stone_like,
}


def ita(lab: Lab) -> float:
    return colour.ita_deg(float(lab[0]), float(lab[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1, help="every Nth face")
    args = parser.parse_args()
    groups, stone, landmarker = self_reported_groups(), stone_runner(), MediaPipeLandmarker()
    rows: list[dict[str, dict[str, Lab]]] = []
    black: list[bool] = []
    for path in sorted(LONDON.glob("*.jpg"))[:: args.step]:
        smiling = SMILING / f"{path.name[:3]}_08.jpg"
        if not smiling.exists():
            continue
        row: dict[str, dict[str, Lab]] = {}
        for name, source in (("neutral", path), ("smiling", smiling)):
            rgb = load_image(source)
            faces = landmarker.detect(rgb)
            images = {name: rgb, "x1.4": exposed(rgb, 1.4)} if name == "neutral" else {name: rgb}
            for shot, image in images.items():
                face = face_of(image, faces)
                row[shot] = {key: measure(face) for key, measure in VARIANTS.items()}
            if stone and (found := stone(source)).get("dominant_colors"):
                row[name]["stone (its own pipeline)"] = lab_of_hex(
                    found["dominant_colors"][0]["color"]
                )
        rows.append(row)
        black.append(groups.get(path.name[:3]) == "black")
    landmarker.close()
    report(rows, black)


def report(rows: list[dict[str, dict[str, Lab]]], black: list[bool]) -> None:
    print(
        "| variant | pairs | neutral -> smiling median | p90 | black faces median | "
        "largest Monk step | x1.4 median | distinct Monk |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key in dict.fromkeys(k for row in rows for k in row["neutral"]):
        pairs = [(r["neutral"][key], r["smiling"][key]) for r in rows if key in r["smiling"]]
        change = np.array([abs(ita(b) - ita(a)) for a, b in pairs])
        dark = [c for c, is_black in zip(change, black, strict=False) if is_black]
        steps = [abs(monk.monk_tone(ita(b)) - monk.monk_tone(ita(a))) for a, b in pairs]
        exposure = [
            abs(ita(r["x1.4"][key]) - ita(r["neutral"][key])) for r in rows if key in r["x1.4"]
        ]
        tones = {monk.monk_tone(ita(a)) for a, _ in pairs}
        print(
            f"| {key} | {len(pairs)} | {np.median(change):.2f} | {np.percentile(change, 90):.2f}"
            f" | {np.median(dark) if dark else math.nan:.2f} | {max(steps)} | "
            f"{np.median(exposure) if exposure else math.nan:.1f} | {len(tones)} |"
        )
    neutral = np.array([r["neutral"]["engine"] for r in rows])
    ratio = neutral[:, 2] / (neutral[:, 0] + 16.0)
    itas = np.array([ita(lab) for lab in neutral])
    cells = []
    for low, high in ((41, 90), (10, 41), (-30, 10), (-90, -30)):
        chosen = (itas >= low) & (itas < high)
        if chosen.any():
            cells.append(f"ITA {low}..{high}: {np.median(ratio[chosen]):.3f} ({chosen.sum()})")
    print(
        f"\nChroma b*/(L*+16) of the engine's colour against ITA over {len(rows)} faces: "
        f"correlation {np.corrcoef(ratio, itas)[0, 1]:.2f}; median per ITA band "
        + ", ".join(cells)
        + " (monotone only if it rises band after band)."
    )


if __name__ == "__main__":
    main()
