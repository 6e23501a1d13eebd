"""Backlight: the London photos with the person in shadow and the background bright (a window
behind, the camera exposed for it), against the photo as taken, per Monk tone of that photo.

    PYTHONPATH=src:. .venv/bin/python bench/backlight.py [STEP]     # ~3 min at STEP 1

Each copy re-exposes the person (MediaPipe's selfie segmentation) and the background by linear
gains (`tests.analysis.synthetic.backlit`; JPEG q90); the reference is the photo as taken
saved as JPEG q90. Prints markdown: per copy the photos refused and their codes, Monk beyond one
step among the measured, and the ITA change of the measured (median, per Monk band); then the
photos as taken refused (neutral and smiling), with the landmarks of the photo as taken.
"""

from __future__ import annotations

import sys

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import backlit, jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_faces

COPIES = ((0.7, 1.0), (0.7, 1.6), (0.5, 1.0), (0.5, 1.4), (0.5, 2.0), (0.35, 2.5))
BANDS = (("M1-3", 1, 3), ("M4", 4, 4), ("M5", 5, 5), ("M6-10", 6, 10))


def main(step: int) -> None:
    cache = Cached()
    taken_refused: dict[str, int] = {}
    rows: dict[str, list[tuple[bool, tuple[str, ...], float, int, int]]] = {}
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg"))[::step]:
            rgb = load_image(path)
            faces = cache.detect(f"{folder.name}/{path.name}/640", rgb)
            taken = analyse_faces(rgb, faces)
            for item in taken.quality:
                if item.blocking:
                    taken_refused[item.code] = taken_refused.get(item.code, 0) + 1
            if folder is not LONDON:
                continue
            reference = analyse_faces(jpeg_round_trip(rgb, 90), faces)
            assert reference.tone is not None
            for person, background in COPIES:
                result = analyse_faces(backlit(rgb, person, background), faces)
                blocking = tuple(item.code for item in result.quality if item.blocking)
                change = result.tone.ita_deg - reference.tone.ita_deg if result.ok else np.nan
                steps = abs(result.tone.monk - reference.tone.monk) if result.ok else 0
                rows.setdefault(f"person x{person}, background x{background}", []).append(
                    (result.ok, blocking, change, steps, reference.tone.monk)
                )
    cache.save()
    columns = ("copy", "photos", "refused (codes)", "Monk beyond one step", "ITA change, median")
    print("| " + " | ".join([*columns, "per Monk band (measured)"]) + " |")
    print("|" + "---|" * (len(columns) + 1))
    for name, found in rows.items():
        codes: dict[str, int] = {}
        for _, blocking, *_ in found:
            for code in blocking:
                codes[code] = codes.get(code, 0) + 1
        measured = [row for row in found if row[0]]
        bands = []
        for band, low, high in BANDS:
            chosen = [row[2] for row in measured if low <= row[4] <= high]
            if chosen:
                bands.append(f"{band} {np.median(chosen):+.1f} ({len(chosen)})")
        median = f"{np.median([row[2] for row in measured]):+.1f}" if measured else "-"
        print(
            f"| {name} | {len(found)} | {len(found) - len(measured)} ({codes or '-'}) | "
            f"{sum(row[3] > 1 for row in measured)} | {median} | {', '.join(bands) or '-'} |"
        )
    print(f"\nPhotos as taken refused: {taken_refused or 'none'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
