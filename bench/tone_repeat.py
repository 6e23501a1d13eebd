"""Why one tone measurement repeats better than another (issue 12 point 2): the same London
faces neutral and smiling, measured with the engine and with other choices of skin pixels.

    PYTHONPATH=src:. .venv/bin/python bench/tone_repeat.py [--step N]   # ~3-6 min at step 1

Landmarks are read from bench/validity_bench.py's cache (/tmp/metskin-validity-landmarks.npz)
when it has the photo, else found with MediaPipe.

stone (skin-tone-classifier, GPL) is read from an optional install for comparison only
(`pip install --no-deps --target DIR skin-tone-classifier colormath`, then put DIR on
PYTHONPATH); it is never imported from src/. Its own figure is its first dominant colour.

Variants (all after the engine's white balance, on the same crop and landmarks):
- engine: `tone.measure_tone` as it is;
- regions 40-60 %: the central 20 % by luminance of the five tone regions (the third pass);
- stone-like: stone's selection read from its source and written anew: skin-coloured pixels
  (hue 0-40 deg, saturation >= 48/255, value >= 80/255 in sRGB) of the face, then the larger of
  the two groups that Otsu's threshold on L* splits them into;
- luminance mode: the mean colour within 0.15 stop of the peak of the skin's luminance
  histogram, and the engine's band with the dark tail (1.5 stops under the 75th percentile)
  left out (seventh session; both negative);
- chroma: the exposure-invariant ratio b* / (L* + 16) (a gain on linear light scales L* + 16,
  a* and b* alike), checked for whether it orders the faces as ITA does;
- shading from the face mesh (bench/tone_shading.py, fifth pass): every pixel relit to a
  reference normal by a first-order model fitted to the photo, pixels within a cone of the
  camera's or the fitted light's direction, and the upper face (the part a smile bunches least).

Prints markdown: per variant, neutral -> smiling ITA change (median, p90, per self-reported
group), the robust sd of the change of the measured colour's light (stops; a variant that only
moves faces lighter lowers the degrees per stop, not the light change), the largest Monk step,
x1.4 (linear) change, distinct Monk values with the engine's constants, the share of white faces
in Monk 1-4 and black faces in Monk 7-10, the median neutral ITA; then whether the mesh sees
the light change of each tone region between the shots.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

import numpy as np
from bench.analysis_bench import lab_of_hex, stone_runner
from bench.london_tone import exposed
from bench.tone_shading import TOWARDS_CAMERA, Skin, cone, region_light_change, relit
from bench.validity_bench import Cached
from tests.analysis.london import LONDON, SMILING, self_reported_groups

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import colour, monk, tone
from metskin.domain.analysis.engine import check_frame
from metskin.domain.analysis.face_image import FaceImage, build_face_image
from metskin.domain.analysis.white_reference import white_balance

Lab = np.ndarray
Variant = Callable[[FaceImage, Skin], Lab]
GROUPS = ("white", "black", "east_asian", "west_asian")
SAME_GAINS = "engine, both shots white-balanced with the neutral shot's gains"
MEAN_NORMAL = np.array([0.0, 0.0, 0.72])  # the skin's mean normal on the London faces


def face_of(rgb: np.ndarray, faces: list[np.ndarray]) -> tuple[FaceImage, Skin, np.ndarray]:
    """The face image, its skin with mesh normals, and the crop's 2-D landmarks."""
    checked = check_frame(rgb, faces)
    assert not isinstance(checked, list)
    geometry = checked.geometry
    points = checked.points_in_crop()
    gains, _ = white_balance(checked.background, checked.crop, points, geometry.scale)
    face = build_face_image(checked.crop, points, geometry.masks, gains)
    return face, Skin(face, checked.points_in_crop_3d()), points


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


def skin_light(face: FaceImage) -> tuple[Lab, np.ndarray]:
    """The engine's tone pixels: white-balanced CIELAB and linear luminance of the measurable
    ones (not clipped beyond rebuilding, not specular)."""
    pixels, specular, _ = tone.tone_pixels(face)
    linear, censored = tone.rebuild_clipped(pixels)
    kept = ~(censored | specular)
    return colour.linear_to_lab(linear[kept] * face.gains), linear[kept] @ colour.LUMA


def luminance_mode(face: FaceImage, sigma: float = 0.1, half: float = 0.15) -> Lab:
    """The mean colour within `half` stop of the peak of the skin's log-luminance histogram
    (smoothed by `sigma` stop): a mode, which a smile's extra shade should not move."""
    lab, light = skin_light(face)
    stops = np.log2(np.maximum(light, 1e-6))
    counts, edges = np.histogram(stops, bins=np.arange(stops.min(), stops.max() + 0.02, 0.01))
    kernel = np.exp(-0.5 * (np.arange(-40, 41) * 0.01 / sigma) ** 2)
    peak = edges[int(np.argmax(np.convolve(counts, kernel, mode="same")))] + 0.005
    return lab[np.abs(stops - peak) <= half].mean(axis=0)


def dark_tail_out(face: FaceImage, below: float = 1.5) -> Lab:
    """The engine's band (50-80 %) of the skin left once pixels more than `below` stops under
    its 75th percentile (hair, deep folds) are taken out of the ranking."""
    lab, light = skin_light(face)
    kept = light >= np.quantile(light, 0.75) * 2.0**-below
    lab, light = lab[kept], light[kept]
    low, high = np.quantile(light, tone.BAND)
    return lab[(light >= low) & (light <= high)].mean(axis=0)


VARIANTS: dict[str, Variant] = {
    "engine": lambda face, _: np.array(tone.measure_tone(face, 0.0).lab),  # type: ignore[union-attr]
    "regions 40-60 % (third pass)": lambda face, _: regions_central(face),
    "stone-like (hue/sat/value box, larger Otsu group)": lambda face, _: stone_like(face),
    "luminance mode (+-0.15 stop of the peak)": lambda face, _: luminance_mode(face),
    "band without the dark tail (1.5 stops under p75)": lambda face, _: dark_tail_out(face),
    "relit to the camera-facing normal (log model)": lambda _, skin: relit(skin, TOWARDS_CAMERA),
    "relit to the mean normal (log model)": lambda _, skin: relit(skin, MEAN_NORMAL),
    "relit to the mean normal (linear model)": lambda _, skin: relit(skin, MEAN_NORMAL, log=False),
    "normals within 35 deg of the camera": lambda _, skin: cone(skin, 35.0),
    "normals within 50 deg of the camera": lambda _, skin: cone(skin, 50.0),
    "normals within 35 deg of the fitted light": lambda _, skin: cone(
        skin, 35.0, towards_light=True
    ),
    "upper face (forehead, nose, upper cheeks)": lambda _, skin: skin.band(skin.linear[skin.rigid]),
}


def ita(lab: Lab) -> float:
    return colour.ita_deg(float(lab[0]), float(lab[2]))


def stops(lab: Lab) -> float:
    """log2 of the CIE luminance Y of a CIELAB colour (above CIELAB's linear toe)."""
    return 3.0 * math.log2((float(lab[0]) + 16.0) / 116.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1, help="every Nth face")
    args = parser.parse_args()
    groups, stone, cache = self_reported_groups(), stone_runner(), Cached()
    rows: list[dict[str, dict[str, Lab]]] = []
    names: list[str] = []
    turned: list[tuple[float, float]] = []
    for path in sorted(LONDON.glob("*.jpg"))[:: args.step]:
        smiling = SMILING / f"{path.name[:3]}_08.jpg"
        if not smiling.exists():
            continue
        row: dict[str, dict[str, Lab]] = {}
        skins: list[Skin] = []
        for name, source in (("neutral", path), ("smiling", smiling)):
            rgb = load_image(source)
            faces = cache.detect(f"{source.parent.name}/{source.name}/original", rgb)
            images = {name: rgb, "x1.4": exposed(rgb, 1.4)} if name == "neutral" else {name: rgb}
            for shot, image in images.items():
                face, skin, points = face_of(image, faces)
                row[shot] = {key: measure(face, skin) for key, measure in VARIANTS.items()}
                if shot == name:
                    skins.append(skin)
                    # Both shots white-balanced with the neutral shot's gains: what the white
                    # balance's own drift between the shots adds to the change.
                    same = build_face_image(face.rgb, points, face.masks, skins[0].gains)
                    row[shot][SAME_GAINS] = VARIANTS["engine"](same, skin)
            if stone and (found := stone(source)).get("dominant_colors"):
                row[name]["stone (its own pipeline)"] = lab_of_hex(
                    found["dominant_colors"][0]["color"]
                )
        turned += region_light_change(*skins)
        rows.append(row)
        names.append(groups.get(path.name[:3], "?"))
    cache.save()
    report(rows, names)
    mesh_report(turned)


def report(rows: list[dict[str, dict[str, Lab]]], names: list[str]) -> None:
    print(
        "| variant | pairs | neutral -> smiling median | p90 | "
        + " | ".join(GROUPS)
        + " | light change sd (stops) | largest Monk step | x1.4 median | distinct Monk | "
        "white M1-4 | black M7-10 | median ITA |"
    )
    print("|---" * (11 + len(GROUPS)) + "|")
    for key in dict.fromkeys(k for row in rows for k in row["neutral"]):
        pairs = [(r["neutral"][key], r["smiling"][key]) for r in rows if key in r["smiling"]]
        group = np.array([g for r, g in zip(rows, names, strict=True) if key in r["smiling"]])
        change = np.array([abs(ita(b) - ita(a)) for a, b in pairs])
        per_group = [
            np.median(change[group == g]) if (group == g).any() else math.nan for g in GROUPS
        ]
        light = np.array([stops(b) - stops(a) for a, b in pairs])
        spread = 1.4826 * np.median(np.abs(light - np.median(light)))
        steps = [abs(monk.monk_tone(ita(b)) - monk.monk_tone(ita(a))) for a, b in pairs]
        exposure = [
            abs(ita(r["x1.4"][key]) - ita(r["neutral"][key])) for r in rows if key in r["x1.4"]
        ]
        tones = np.array([[monk.monk_tone(ita(a)), monk.monk_tone(ita(b))] for a, b in pairs])
        print(
            f"| {key} | {len(pairs)} | {np.median(change):.2f} | {np.percentile(change, 90):.2f}"
            + "".join(f" | {value:.2f}" for value in per_group)
            + f" | {spread:.3f} | {max(steps)} | "
            f"{f'{np.median(exposure):.1f}' if exposure else '-'} | {len(np.unique(tones))} | "
            f"{share(tones[group == 'white'] <= 4)} | {share(tones[group == 'black'] >= 7)} | "
            f"{np.median([ita(a) for a, _ in pairs]):.1f} |"
        )
    chroma_report(rows)


def share(chosen: np.ndarray) -> str:
    return f"{chosen.mean():.0%}" if chosen.size else "-"


def chroma_report(rows: list[dict[str, dict[str, Lab]]]) -> None:
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


def mesh_report(turned: list[tuple[float, float]]) -> None:
    found = np.array(turned)
    observed, predicted = found[:, 0], found[:, 1]
    print(
        f"\nTone regions, neutral -> smiling ({len(found)} region pairs): the light of a region "
        f"changes by sd {observed.std():.3f} stop (log2 median luminance); the first shot's "
        f"fitted shading, applied to the change of the region's mean mesh normal, predicts sd "
        f"{predicted.std():.3f} stop, correlation {np.corrcoef(observed, predicted)[0, 1]:.2f}."
    )


if __name__ == "__main__":
    main()
