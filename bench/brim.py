"""Tone under a cap's brim (issue 12, point 3): the forehead in shade, the face below lit.

    PYTHONPATH=src:. .venv/bin/python bench/brim.py [--step N] [--smiling]

For every N-th neutral London face (landmarks of the photo as taken, reused for its copies):
copies with the light cut to x0.7, x0.5 or x0.25 (linear) above a line across the forehead,
a quarter of the eye distance above the eyes ("brows") or through the eyes
(`tests/analysis/degrade.brim_shade`), then JPEG q90, against the photo as taken through the
same JPEG q90. Prints, per copy, the median and 90th percentile of |ITA change|, per Monk tone as
taken (worst tone beside the median tone), Monk changes beyond one step, FOREHEAD_SHADE
warnings and refusals, and the forehead's shade (`top_shade.forehead_shade`, stops) of the
photos as taken and of the copies. `--smiling` adds the smiling photos as taken to the shade's
distribution (no copies). Prints markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from bench.london_tone import per_tone
from tests.analysis.degrade import brim_shade
from tests.analysis.london import LONDON
from tests.analysis.synthetic import jpeg_round_trip
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image

EDGES = ("forehead", "brows", "eyes")
COPIES = [(None, 1.0)] + [(edge, low) for edge in EDGES for low in (0.7, 0.5, 0.25)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    parser.add_argument("--smiling", action="store_true")
    args = parser.parse_args()
    landmarker = MediaPipeLandmarker()
    rows: dict[tuple[str | None, float], list[tuple]] = defaultdict(list)
    taken_shade: list[float] = []
    folders = [(Path(LONDON), True)]
    if args.smiling:
        folders.append((Path(str(LONDON).replace("london-faces", "london-faces-smiling")), False))
    for folder, copies in folders:
        for path in sorted(folder.glob("*.jpg"))[:: args.step]:
            rgb = load_image(path)
            faces = landmarker.detect(rgb)
            if not faces:
                continue
            base = None
            for edge, low in COPIES if copies else COPIES[:1]:
                if edge is None:
                    image = jpeg_round_trip(rgb, 90)
                else:
                    image = brim_shade(low, edge)(rgb, faces[0], int(path.name[:3]))
                result = analyse_image(image, FakeLandmarker(faces))
                tone = result.tone
                shade = getattr(tone, "forehead_shade_stops", None) if tone else None
                if edge is None:
                    base = tone
                    if shade is not None:
                        taken_shade.append(shade)
                    if not copies:
                        continue
                codes = {item.code for item in result.quality}
                change = abs(tone.ita_deg - base.ita_deg) if tone and base else None
                step_ = abs(tone.monk - base.monk) if tone and base else None
                rows[(edge, low)].append(
                    (change, step_, "FOREHEAD_SHADE" in codes, not result.ok, shade,
                     base.monk if base else None)
                )  # fmt: skip
    columns = ["copy (shade above / light)", "faces", "median abs ITA change (p90)"]
    columns += ["Monk beyond one step", "per Monk tone as taken (faces); worst / median tone"]
    columns += ["FOREHEAD_SHADE", "refused", "forehead's shade, stops: p5 / median / p95"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for (edge, low), found in rows.items():
        changes = np.array([r[0] for r in found if r[0] is not None])
        shades = np.array([r[4] for r in found if r[4] is not None])
        spread = "-"
        if len(shades):
            spread = " / ".join(f"{v:.2f}" for v in np.percentile(shades, [5, 50, 95]))
        middle = "-"
        if len(changes):
            middle = f"{np.median(changes):.2f} ({np.percentile(changes, 90):.2f})"
        tones = per_tone([(r[5], r[0], r[1]) for r in found]) if edge else "-"
        print(
            f"| {edge or 'as taken'} x{low} | {len(found)} | {middle}"
            f" | {sum((r[1] or 0) > 1 for r in found)} | {tones}"
            f" | {sum(r[2] for r in found)} | {sum(r[3] for r in found)} | {spread} |"
        )
    if taken_shade:
        values = np.array(taken_shade)
        print(
            f"\nForehead's shade on the {len(values)} photos as taken: min {values.min():.2f},"
            f" p5 {np.percentile(values, 5):.2f}, median {np.median(values):.2f},"
            f" p95 {np.percentile(values, 95):.2f}, max {values.max():.2f} stops"
        )


if __name__ == "__main__":
    main()
