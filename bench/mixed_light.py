"""Mixed light: the London photos lit by two lights of different colours across the face (one
colour on the face's left, the other on its right, blended across the face: a window on one
side and a lamp on the other), against the same photo under one light, per Monk tone of that
photo.

    PYTHONPATH=src:. .venv/bin/python bench/mixed_light.py [STEP]     # ~4 min at STEP 1

Each copy is the photo as taken with a gain per linear channel that moves from one light's to
the other's between the face's outer landmarks (the background beside each side gets that
side's light), saved as JPEG q90; the reference is the photo as taken saved as JPEG q90. Prints
markdown: per pair of lights the copies named MIXED_LIGHT, refused, the ITA change (median,
p90, max), Monk beyond one step, and the median ITA change per Monk band with the worst band
beside the median band. With the engine of a tree that has `mixed_light`, it first prints the
halves' gap on the 204 photos as taken (the statistic MIXED_LIGHT reads).
"""

from __future__ import annotations

import sys

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip, two_lights

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_faces, check_frame

PAIRS = (
    ("neutral", "warm_4000k"),
    ("neutral", "tungsten_3200k"),
    ("shade_7500k", "warm_4000k"),
    ("shade_7500k", "tungsten_3200k"),
    ("fluorescent", "tungsten_3200k"),
)
BANDS = (("M1-3", 1, 3), ("M4", 4, 4), ("M5", 5, 5), ("M6-10", 6, 10))


def taken_gaps(cache: Cached) -> None:
    try:
        from metskin.domain.analysis.mixed_light import MIXED_GAP, halves_gap
    except ImportError:
        return
    gaps = []
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg")):
            rgb = load_image(path)
            checked = check_frame(rgb, cache.detect(f"{folder.name}/{path.name}/640", rgb))
            if isinstance(checked, list):
                continue
            found = halves_gap(
                checked.crop, checked.geometry.masks["skin"], checked.points_in_crop()
            )
            if found is not None:
                gaps.append(float(np.hypot(*found)))
    values = np.array(gaps)
    print(
        f"Halves' gap on the {len(values)} photos as taken: median {np.median(values):.3f}, "
        f"p90 {np.percentile(values, 90):.3f}, p99 {np.percentile(values, 99):.3f}, "
        f"max {values.max():.3f} (MIXED_LIGHT from {MIXED_GAP})\n"
    )


def main(step: int) -> None:
    cache = Cached()
    taken_gaps(cache)
    rows: dict[str, list[tuple[float, bool, int, bool, int]]] = {}
    for path in sorted(LONDON.glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = cache.detect(f"{LONDON.name}/{path.name}/640", rgb)
        reference = analyse_faces(jpeg_round_trip(rgb, 90), faces)
        assert reference.tone is not None
        for first, second in PAIRS:
            result = analyse_faces(two_lights(rgb, faces[0], first, second), faces)
            codes = [item.code for item in result.quality]
            change = abs(result.tone.ita_deg - reference.tone.ita_deg) if result.ok else np.nan
            steps = abs(result.tone.monk - reference.tone.monk) if result.tone else 0
            rows.setdefault(f"{first} / {second}", []).append(
                (change, "MIXED_LIGHT" in codes, steps, result.ok, reference.tone.monk)
            )
    cache.save()
    columns = (
        "lights (left / right)",
        "photos",
        "named MIXED_LIGHT",
        "refused",
        "ITA change: median, p90, max",
        "Monk beyond one step",
        "median per Monk band",
        "worst / median band",
    )
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for name, found in rows.items():
        change = np.array([row[0] for row in found])
        measured = change[~np.isnan(change)]
        per_band = {}
        for band, low, high in BANDS:
            chosen = [row[0] for row in found if low <= row[4] <= high and not np.isnan(row[0])]
            if chosen:
                per_band[band] = (float(np.median(chosen)), len(chosen))
        medians = sorted(value for value, _ in per_band.values())
        worst = max(per_band.items(), key=lambda item: item[1][0])
        middle = float(np.median(medians))
        cells = ", ".join(
            f"{band} {value:.2f} ({count})" for band, (value, count) in per_band.items()
        )
        print(
            f"| {name} | {len(found)} | {sum(row[1] for row in found)} | "
            f"{sum(not row[3] for row in found)} | {np.median(measured):.2f}, "
            f"{np.percentile(measured, 90):.2f}, {measured.max():.2f} | "
            f"{sum(row[2] > 1 for row in found)} | {cells} | {worst[0]} {worst[1][0]:.2f} / "
            f"{middle:.2f} = {worst[1][0] / max(middle, 1e-6):.1f}x |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
