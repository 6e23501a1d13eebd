"""Concern scores of unaffected skin against skin tone on the real London faces (issue 12 pt 5).

    PYTHONPATH=src:. .venv/bin/python bench/concern_tone_bench.py [--limit N] [--faces FILE]
    PYTHONPATH=src:. .venv/bin/python bench/concern_tone_bench.py --planted 0.2

For every concern and region, on the neutral set and on the smiling set (same people, same
session): Spearman of the score with the engine's Monk tone and with its ITA, the partial
Spearman with Monk controlling for age (london_info.csv: lines come with age, and age is not
spread evenly over tones in this set), and per Monk tone the median whole-face score with its
count. Neutral against smiling gives a repeatability figure per concern (Spearman across people
and the median / 75th percentile of the absolute change). The London faces are normal skin, so
a fair score is flat across tones once age is accounted for. Self-reported group is never used.

Landmarks come from bench/validity_bench.py's cache (/tmp/metskin-validity-landmarks.npz) when
it is there. `--faces FILE` keeps the measured faces (a pickle) so a second run only rescores.
`--planted SHARE` instead plants three forehead creases taking SHARE of the light (the same
relative depth on every tone) on each neutral photo and prints, per Monk tone, the forehead
lines score before and after. `--planted-pores SHARE` plants a field of small pits (one per
(0.1 eye distance)^2, each taking SHARE of the light at its centre) on both cheeks, and
`--planted-circles SHARE` darkens both under-eyes by SHARE of the light (soft edges), on each
neutral photo; they print the cheeks' pores score / the dark circles score per Monk tone, and
how many photos rose by 15 or more (the "mild" band starts at 15). Prints markdown.
"""

from __future__ import annotations

import argparse
import pickle
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tests.analysis.london import LONDON, SMILING, age_and_gender
from tests.analysis.planting import (
    darken_linear,
    plant_relative_circles,
    plant_relative_pits,
    region_in_image,
)
from tests.analysis.rank_stats import partial_spearman, spearman
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.concerns import DETECTORS
from metskin.domain.analysis.engine import analyse_image, check_frame
from metskin.domain.analysis.face_image import FaceImage, build_face_image
from metskin.domain.analysis.tone import measure_tone
from metskin.domain.analysis.white_reference import white_balance

LANDMARKS = Path("/tmp/metskin-validity-landmarks.npz")
MIN_PER_TONE = 3  # per-tone medians of fewer photos are printed but not compared


@dataclass
class Photo:
    face_id: str
    kind: str  # "neutral" or "smiling"
    age: float
    male: float  # 1 for "male" in london_info.csv: men's lines read deeper (no make-up)
    monk: int
    ita: float
    face: FaceImage


def plant_relative_creases(rgb: np.ndarray, points: np.ndarray, share: float) -> np.ndarray:
    """Three forehead creases (as tests.analysis.planting.plant_forehead_lines places them)
    that each take `share` of the light at their centre: the same relative depth on any skin."""
    iod = lm.eye_distance(points)
    mask = region_in_image(points, rgb.shape, "forehead")
    ys, xs = np.nonzero(mask)
    left, right = int(np.percentile(xs, 20)), int(np.percentile(xs, 80))
    width = max(1.5, 0.02 * iod)
    lines = np.zeros(rgb.shape[:2], dtype=np.float32)
    for y in np.linspace(np.percentile(ys, 25), np.percentile(ys, 75), 3):
        cv2.line(lines, (left, int(y)), (right, int(y)), (1.0,), max(1, round(width)), cv2.LINE_AA)
    lines = cv2.GaussianBlur(lines, (0, 0), max(0.5, width / 2.5))
    lines /= max(float(lines.max()), 1e-6)
    return darken_linear(rgb, lines, share)


def planted_rows(limit: int, plant, measure) -> list[tuple[int, float, float, float]]:
    """Per neutral photo: Monk, the score before and after `plant(rgb, points, path)`, and how
    much the measure the score comes from rose (`measure(result)` gives score and measure)."""
    cached = dict(np.load(LANDMARKS)) if LANDMARKS.exists() else {}
    rows = []
    for path in sorted(LONDON.glob("*.jpg"))[: limit or None]:
        key = f"{LONDON.name}/{path.name}/original"
        if key not in cached or not len(cached[key]):
            continue
        rgb, points = load_image(path), cached[key][0]
        before = analyse_image(rgb, FakeLandmarker([points]))
        after = analyse_image(plant(rgb, points, path), FakeLandmarker([points]))
        if before.tone is None or after.tone is None:
            continue
        was, now = measure(before), measure(after)
        rows.append((before.tone.monk, was[0], now[0], now[1] - was[1]))
    return rows


def planted_table(title: str, rows: list, score: str, rise: float, measure: str) -> list[str]:
    lines = [
        f"\n#### {title} ({len(rows)} photos)\n",
        f"| Monk | photos | {score} before (median) | after (median) | up by >= {rise:.0f} |"
        + (f" {measure} up by (median, least) |" if measure else ""),
        "|---|---|---|---|---|" + ("---|" if measure else ""),
    ]
    for tone in sorted({r[0] for r in rows}):
        chosen = np.array([r[1:] for r in rows if r[0] == tone])
        up = int(np.sum(chosen[:, 1] - chosen[:, 0] >= rise))
        lines.append(
            f"| M{tone} | {len(chosen)} | {np.median(chosen[:, 0]):.1f} | "
            f"{np.median(chosen[:, 1]):.1f} | {up}/{len(chosen)} |"
            + (f" {np.median(chosen[:, 2]):.2f}, {np.min(chosen[:, 2]):.2f} |" if measure else "")
        )
    return lines


def planted_lines(limit: int, share: float) -> list[str]:
    """Forehead lines score before and after planting creases of a fixed relative depth on the
    neutral photos, per Monk tone."""
    rows = planted_rows(
        limit,
        lambda rgb, points, _: plant_relative_creases(rgb, points, share),
        lambda result: (result.concern("wrinkles").regions.get("forehead", 0.0), 0.0),
    )
    title = f"Planted forehead creases taking {share:.0%} of the light"
    return planted_table(title, rows, "forehead", 30, "")


def planted_per_tone(limit: int, concern: str, share: float) -> list[str]:
    """The pores score of the cheeks (mean of both) or the dark circles score before and after
    planting a change of fixed relative depth on the neutral photos, per Monk tone, and how much
    the measure the score comes from rose."""

    def plant(rgb: np.ndarray, points: np.ndarray, path: Path) -> np.ndarray:
        if concern == "pores":
            return plant_relative_pits(rgb, points, share, seed=int(path.name[:3]))
        return plant_relative_circles(rgb, points, share)

    rows = planted_rows(limit, plant, lambda result: _planted_score(result, concern))
    what = "pits on the cheeks" if concern == "pores" else "under-eye darkening"
    title = f"Planted {what} taking {share:.0%} of the light"
    return planted_table(title, rows, concern, 15, MEASURE[concern])


MEASURE = {"pores": "pits per patch", "dark_circles": "contrast (mean of the sides)"}


def _planted_score(result, concern: str) -> tuple[float, float]:
    """The score (pores: mean of the cheeks) and the measure it comes from."""
    found = result.concern(concern)
    if concern != "pores":
        sides = [v for k, v in found.measurements.items() if k.startswith("contrast_")]
        return found.score, float(np.mean(sides)) if sides else 0.0
    cheeks = [found.regions[n] for n in ("cheek_right", "cheek_left") if n in found.regions]
    score = float(np.mean(cheeks)) if cheeks else 0.0
    return score, found.measurements["pores_per_patch"]


def measure_photos(limit: int) -> list[Photo]:
    cached = dict(np.load(LANDMARKS)) if LANDMARKS.exists() else {}
    landmarker = None
    known, photos = age_and_gender(), []
    for kind, source in (("neutral", LONDON), ("smiling", SMILING)):
        for path in sorted(source.glob("*.jpg"))[: limit or None]:
            rgb = load_image(path)
            key = f"{source.name}/{path.name}/original"
            if key in cached:
                faces = list(cached[key])
            else:
                from metskin.adapters.vision.face_mesh import MediaPipeLandmarker

                landmarker = landmarker or MediaPipeLandmarker()
                faces = landmarker.detect(rgb)
            checked = check_frame(rgb, faces)
            if isinstance(checked, list):
                continue
            geometry = checked.geometry
            pts = checked.points_in_crop()
            gains, _ = white_balance(checked.background, checked.crop, pts, geometry.scale)
            face = build_face_image(checked.crop, pts, geometry.masks, gains)
            tone = measure_tone(face, 0.0)
            if tone is None:
                continue
            face_id = path.name[:3]
            photos.append(Photo(face_id, kind, *known[face_id], tone.monk, tone.ita_deg, face))
    return photos


def score_photos(photos: list[Photo]) -> list[dict[str, dict[str, float]]]:
    """Per photo: concern -> {"face": whole-face score, region: score, ...}."""
    rows = []
    for photo in photos:
        row = {}
        for detector in DETECTORS:
            concern = detector(photo.face)
            row[concern.name] = {"face": concern.score, **concern.regions}
        rows.append(row)
    return rows


def fmt(value: float) -> str:
    return "nan" if not np.isfinite(value) else f"{value:+.2f}"


def flatness(photos: list[Photo], rows: list[dict], kind: str) -> list[str]:
    chosen = [(p, r) for p, r in zip(photos, rows, strict=True) if p.kind == kind]
    tones = sorted({p.monk for p, _ in chosen})
    counts = {t: sum(p.monk == t for p, _ in chosen) for t in tones}
    lines = [
        f"\n#### {kind} ({len(chosen)} photos)\n",
        "| concern | region | n | Spearman Monk | Spearman ITA | partial Monk, age | "
        "partial Monk, age + gender | "
        "Spearman age | median | "
        + " | ".join(f"M{t} ({counts[t]})" for t in tones)
        + " | worst tone / median |",
        "|---|---|---|---|---|---|---|---|---|" + "---|" * len(tones) + "---|",
    ]
    for concern in rows[0]:
        regions = sorted({k for _, r in chosen for k in r[concern]}, key=lambda k: k != "face")
        for region in regions:
            have = [(p, r[concern][region]) for p, r in chosen if region in r[concern]]
            if len(have) < 10:
                continue
            score = np.array([s for _, s in have])
            monk = np.array([p.monk for p, _ in have], dtype=float)
            ita = np.array([p.ita for p, _ in have])
            age = np.array([p.age for p, _ in have])
            male = np.array([p.male for p, _ in have])
            aged = np.isfinite(age)  # a few people did not give their age
            median = float(np.median(score))
            per_tone = {}
            for tone in tones:
                values = score[monk == tone]
                per_tone[tone] = (float(np.median(values)) if values.size else np.nan, values.size)
            compared = [m for m, n in per_tone.values() if n >= MIN_PER_TONE]
            worst = max(compared) if compared else np.nan
            ratio = f"{worst:.1f} / {median:.1f}" + (
                f" = {worst / median:.2f}x" if median > 0.5 else ""
            )
            lines.append(
                f"| {concern} | {region} | {len(have)} | {fmt(spearman(score, monk))} | "
                f"{fmt(spearman(score, ita))} | "
                f"{fmt(partial_spearman(score[aged], monk[aged], age[aged]))} | "
                f"{fmt(partial_spearman(score[aged], monk[aged], age[aged], male[aged]))} | "
                f"{fmt(spearman(score[aged], age[aged]))} | {median:.1f} | "
                + " | ".join(f"{m:.1f}" if n else "-" for m, n in (per_tone[t] for t in tones))
                + f" | {ratio} |"
            )
    return lines


def repeatability(photos: list[Photo], rows: list[dict]) -> list[str]:
    pairs: dict[str, dict[str, dict]] = defaultdict(dict)
    for photo, row in zip(photos, rows, strict=True):
        pairs[photo.face_id][photo.kind] = row
    both = [(p["neutral"], p["smiling"]) for p in pairs.values() if len(p) == 2]
    lines = [
        f"\n#### Repeatability, neutral vs smiling ({len(both)} people, whole-face score)\n",
        "| concern | Spearman neutral vs smiling | median abs change | p75 abs change |",
        "|---|---|---|---|",
    ]
    for concern in rows[0]:
        a = np.array([n[concern]["face"] for n, _ in both])
        b = np.array([s[concern]["face"] for _, s in both])
        change = np.abs(b - a)
        lines.append(
            f"| {concern} | {fmt(spearman(a, b))} | {np.median(change):.1f} | "
            f"{np.percentile(change, 75):.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--faces", type=Path)
    parser.add_argument("--planted", type=float, default=0.0, help="crease depth, share of light")
    parser.add_argument("--planted-pores", type=float, default=0.0, help="pit depth, share")
    parser.add_argument("--planted-circles", type=float, default=0.0, help="darkening, share")
    args = parser.parse_args()
    if args.planted:
        print("\n".join(planted_lines(args.limit, args.planted)))
        return
    if args.planted_pores or args.planted_circles:
        for concern, share in (
            ("pores", args.planted_pores),
            ("dark_circles", args.planted_circles),
        ):
            if share:
                print("\n".join(planted_per_tone(args.limit, concern, share)))
        return
    if args.faces and args.faces.exists():
        photos = pickle.loads(args.faces.read_bytes())
    else:
        photos = measure_photos(args.limit)
        if args.faces:
            args.faces.write_bytes(pickle.dumps(photos))
    rows = score_photos(photos)
    lines = [*flatness(photos, rows, "neutral"), *flatness(photos, rows, "smiling")]
    print("\n".join([*lines, *repeatability(photos, rows)]))


if __name__ == "__main__":
    main()
