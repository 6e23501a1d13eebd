"""A headscarf over the forehead and framing the face (issue 12, points 3 and 4).

    PYTHONPATH=src:. .venv/bin/python bench/scarf.py [--step N]

For every N-th neutral London face (landmarks of the photo as taken, reused for its copies):
copies with fabric of five colours over the head above a line ("hairline", "mid", "brows") and
framing the face (`tests/analysis/degrade.scarf`), JPEG q90, against the photo as taken through
the same JPEG q90. Prints, per colour and line: refusals and their codes, FOREHEAD_COVERED
warnings, the median and 90th percentile of |ITA change| of the measured copies, Monk changes
beyond one step, and the median change per Monk tone as taken (worst tone beside the median
tone). Prints markdown.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from bench.london_tone import per_tone
from tests.analysis.degrade import SCARVES, scarf
from tests.analysis.london import LONDON
from tests.analysis.synthetic import jpeg_round_trip
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image

LINES = ("hairline", "mid", "brows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    step = parser.parse_args().step
    landmarker = MediaPipeLandmarker()
    rows: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for path in sorted(Path(LONDON).glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = landmarker.detect(rgb)
        if not faces:
            continue
        base = analyse_image(jpeg_round_trip(rgb, 90), FakeLandmarker(faces)).tone
        for name, colour in SCARVES.items():
            for line in LINES:
                image = scarf(colour, line)(rgb, faces[0], int(path.name[:3]))
                result = analyse_image(image, FakeLandmarker(faces))
                tone = result.tone
                change = abs(tone.ita_deg - base.ita_deg) if tone and base else None
                monk = abs(tone.monk - base.monk) if tone and base else None
                codes = tuple(sorted(item.code for item in result.quality))
                rows[(name, line)].append(
                    (change, monk, result.ok, codes, base.monk if base else None)
                )
    columns = ["scarf (colour, line)", "faces", "refused (codes)", "FOREHEAD_COVERED"]
    columns += ["median abs ITA change of the measured (p90)", "Monk beyond one step"]
    columns += ["per Monk tone as taken (faces); worst / median tone"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for (name, line), found in rows.items():
        refused = Counter(c for r in found if not r[2] for c in r[3])
        middle, tones = change_cells(found)
        warned = sum("FOREHEAD_COVERED" in r[3] for r in found)
        print(
            f"| {name}, {line} | {len(found)} | {sum(not r[2] for r in found)} {dict(refused)}"
            f" | {warned} | {middle} | {sum((r[1] or 0) > 1 for r in found)} | {tones} |"
        )


def change_cells(found: list[tuple]) -> tuple[str, str]:
    """The median (p90) |ITA change| of the measured copies, and its median per Monk tone as
    taken: rows (change, Monk change, ok, codes, Monk as taken, ...)."""
    changes = np.array([r[0] for r in found if r[0] is not None])
    middle = "-"
    if len(changes):
        middle = f"{np.median(changes):.2f} ({np.percentile(changes, 90):.2f})"
    return middle, per_tone([(r[4], r[0], r[1]) for r in found if r[0] is not None])


if __name__ == "__main__":
    main()
