"""Tone under side light (issue 12, point 3): one half of the face in shade.

    PYTHONPATH=src:. .venv/bin/python bench/side_light.py [--step N]

For every N-th neutral London face (landmarks of the photo as taken, reused for its copies):
copies whose light falls off across one half of the face, in linear light, from full at the
face's middle to `low` at its far edge (`tests/analysis/degrade.side_shade`; the lit half
unchanged), then JPEG q90. Prints, per copy, the median and 90th percentile of |ITA change|
against the photo as taken (also per Monk tone as taken, worst tone beside the median tone, in
degrees and in stops of light: ITA moves most per stop at mid tones, `tone.ita_per_stop`),
Monk changes beyond one step, UNEVEN_LIGHT warnings and refusals,
the ITA uncertainty the results carry and how often twice it covers the change, and the halves'
light gap (`tone.side_light`, stops) of the photos as taken and of the copies.
Prints markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from bench.london_tone import per_tone
from tests.analysis.degrade import side_shade
from tests.analysis.london import LONDON
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.tone import ita_per_stop

LOWS = (1.0, 0.5, 0.25, 0.125)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    step = parser.parse_args().step
    landmarker = MediaPipeLandmarker()
    rows: dict[float, list[tuple]] = defaultdict(list)
    for path in sorted(Path(LONDON).glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = landmarker.detect(rgb)
        if not faces:
            continue
        base = None
        for low in LOWS:
            image = rgb if low == 1.0 else side_shade(low)(rgb, faces[0], int(path.name[:3]))
            result = analyse_image(image, FakeLandmarker(faces))
            tone = result.tone
            if low == 1.0:
                base = tone
            codes = {item.code for item in result.quality}
            gap = (
                getattr(tone, "side_light_stops", None) if tone else None
            )  # None before it existed
            change = abs(tone.ita_deg - base.ita_deg) if tone and base else None
            step_ = abs(tone.monk - base.monk) if tone and base else None
            sigma = getattr(tone, "ita_uncertainty_deg", None) if tone else None
            covered = change is not None and sigma is not None and change <= 2 * sigma
            rows[low].append(
                (change, step_, "UNEVEN_LIGHT" in codes, not result.ok, gap, covered, sigma,
                 base.monk if base else None,
                change / abs(ita_per_stop(base.lab)) if change is not None and base else None)
            )  # fmt: skip
    columns = ["shade at the far edge", "faces", "median abs ITA change (p90)"]
    columns += ["Monk beyond one step", "ITA uncertainty (median)", "change within 2 uncertainties"]
    columns += ["median abs ITA change per Monk tone as taken (faces); worst / median tone"]
    columns += ["the same in stops of light (the change over ITA's degrees per stop)"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for low, found in rows.items():
        changes = np.array([r[0] for r in found if r[0] is not None])
        print(
            f"| x{low} | {len(found)} | {np.median(changes):.2f} ({np.percentile(changes, 90):.2f})"
            f" | {sum((r[1] or 0) > 1 for r in found)} | {np.median([r[6] for r in found]):.2f}"
            f" | {np.mean([r[5] for r in found]):.0%}"
            f" | {per_tone([(r[7], r[0], r[1]) for r in found]) if low < 1.0 else '-'}"
            f" | {per_tone([(r[7], r[8], r[1]) for r in found]) if low < 1.0 else '-'} |"
        )
    print()
    columns = ["shade at the far edge", "UNEVEN_LIGHT", "refused"]
    print("| " + " | ".join([*columns, "halves' gap, stops: p5 / median / p95 / max"]) + " |")
    print("|---|---|---|---|")
    for low, found in rows.items():
        gaps = np.array([r[4] for r in found if r[4] is not None])
        cells = (
            " / ".join(f"{v:.2f}" for v in np.percentile(gaps, [5, 50, 95, 100]))
            if len(gaps)
            else "-"
        )
        print(f"| x{low} | {sum(r[2] for r in found)} | {sum(r[3] for r in found)} | {cells} |")


if __name__ == "__main__":
    main()
