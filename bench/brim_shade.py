"""A cap's brim: the London photos with the top of the head in shade, against the photo as taken
(found 2026-12-05; measured, not fixed: docs/benchmarks.md, "A cap's brim").

    PYTHONPATH=src:. .venv/bin/python bench/brim_shade.py [STEP]     # ~5 min at STEP 2

Each copy (`tests.analysis.synthetic.brim`, JPEG q90) shades the head (the face's outline and
the hair above it, not the background) above an edge at mid-forehead, at the brows or a quarter
eye distance below the eyes, to x0.7 / x0.5 of the light, with a sharp (0.04 eye distances,
sunlight) or a diffuse (0.2) edge. The reference is the photo as taken saved as JPEG q90.
Landmarks of the photo as taken (bench.validity_bench's cache).

Prints markdown: per copy the photos refused (and the codes), the warnings raised, and the
measured ones' median (90th percentile) changes against the reference (forehead and
whole-face lines, dark circles, ITA; ITA also for Monk 6-10).
"""

from __future__ import annotations

import sys

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON
from tests.analysis.synthetic import BRIM_EDGES, brim, jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_faces

COPIES = [
    (edge, level, soft)
    for edge in BRIM_EDGES
    for level, soft in ((0.7, 0.04), (0.5, 0.04), (0.5, 0.2))
]


def changes(reference, result) -> dict[str, float]:
    before = {c.name: c for c in reference.concerns}
    after = {c.name: c for c in result.concerns}
    return {
        "ita": result.tone.ita_deg - reference.tone.ita_deg,
        "lines": after["wrinkles"].score - before["wrinkles"].score,
        "forehead": after["wrinkles"].regions.get("forehead", 0.0)
        - before["wrinkles"].regions.get("forehead", 0.0),
        "circles": after["dark_circles"].score - before["dark_circles"].score,
    }


def main(step: int) -> None:
    cache = Cached()
    rows: dict[tuple, list[dict]] = {}
    for path in sorted(LONDON.glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = cache.detect(f"{LONDON.name}/{path.name}/640", rgb)
        reference = analyse_faces(jpeg_round_trip(rgb, 90), faces)
        if not faces or reference.tone is None:
            continue
        dark = reference.tone.monk >= 6
        for edge, level, soft in COPIES:
            result = analyse_faces(brim(rgb, faces[0], edge, level, soft=soft), faces)
            found: dict = {"dark": dark, "codes": [(i.code, i.blocking) for i in result.quality]}
            if result.ok and result.tone is not None:
                found |= changes(reference, result)
            rows.setdefault((edge, level, soft), []).append(found)
    cache.save()
    print(
        "| brim's edge, light, edge width | photos | refused (codes) | warnings | forehead "
        "lines | whole-face lines | dark circles | ITA (median; Monk 6-10) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for (edge, level, soft), found in rows.items():
        refused: dict[str, int] = {}
        warned: dict[str, int] = {}
        for item in found:
            for code, blocking in item["codes"]:
                counts = refused if blocking else warned
                counts[code] = counts.get(code, 0) + 1
        measured = [item for item in found if "ita" in item]

        def median(key: str, chosen: list[dict]) -> str:
            values = [item[key] for item in chosen]
            if not values:
                return "-"
            return f"{np.median(values):+.1f} ({np.percentile(values, 90):+.1f})"

        darker = [item for item in measured if item["dark"]]
        codes = ", ".join(f"{k} {v}" for k, v in refused.items())
        notes = ", ".join(f"{k} {v}" for k, v in warned.items())
        print(
            f"| {edge}, x{level}, {soft} | {len(found)} | {len(found) - len(measured)} "
            f"{codes} | {notes} | {median('forehead', measured)} | {median('lines', measured)}"
            f" | {median('circles', measured)} | {median('ita', measured)}; "
            f"{median('ita', darker)} |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
