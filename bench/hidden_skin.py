"""Hidden skin and the tone (issue 12, points 2-4): how the lit band's L* moves when part of the
face is not read (a hat, a hood, a headscarf, a fringe, a beard), and the fit behind
`tone.HIDDEN_LIGHTNESS`.

    PYTHONPATH=src:. .venv/bin/python bench/hidden_skin.py [--step N]

For every N-th London photo, neutral and smiling, whose forehead is bare (at most a tenth of it
unread), with landmarks from bench/validity_bench.py's cache and JPEG q90: the skin a pattern
hides is taken out of every mask but the landmarks' own (`face`, `forehead_area`, `skin_area`,
which a hat does not move either), as the engine's masks leave out hair or a covering. Patterns:
the forehead and everything above its lowest row (a beanie), its top half, the face's edge
(`tone.EDGE_DEPTH` inside its outline) above the lower lip (a hood), beside the face below the
forehead only, all of it, below the lip (a beard). Prints per pattern the band's L* change (the
tone's `band_colour`, nothing else) and the shares hidden, and the engine's ITA change against
the photo as taken (`measure_tone`, its leans included) without the lift and with it, median and
p90; then the least-squares fit of the change on the two shares, over all and on each half of
the people (odd and even face numbers). Markdown.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import replace

import cv2
import numpy as np
from bench.hood_tone import read
from bench.validity_bench import Cached
from tests.analysis.degrade import LOWER_LIP
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import colour, tone

KEPT = ("face", "forehead_area", "skin_area")


def hiding(face, out: np.ndarray):
    masks = {
        name: mask & ~out if mask.dtype == bool and name not in KEPT else mask
        for name, mask in face.masks.items()
    }
    return replace(face, masks=masks, _regions={}, _areas={}, _derived={})


def band_lightness(face) -> float:
    chosen = tone.tone_sample(face)
    pixels, specular, _ = tone.tone_pixels(face, chosen)
    linear, censored = tone.rebuild_clipped(pixels)
    mean, _ = tone.band_colour(linear, censored | specular, face.gains)
    return float(mean[0])


def unlifted(measured, face) -> float:
    """ITA of `measured` without the lift for the skin `face` hides (`tone.hidden_lift`)."""
    lift = tone.hidden_lift(tone.hidden_shares(face), 0.0)[0]
    return colour.ita_deg(measured.lab[0] - lift, measured.lab[2])


def patterns(face, points: np.ndarray) -> dict[str, np.ndarray]:
    forehead = face.masks["forehead_area"]
    rows = np.flatnonzero(forehead.any(axis=1))
    height, width = forehead.shape
    row = np.arange(height)[:, np.newaxis] * np.ones((1, width), dtype=bool)
    oval = np.ascontiguousarray(face.masks["face"]).view(np.uint8)
    edge = face.masks["face"] & (
        cv2.distanceTransform(oval, cv2.DIST_L2, 3) < tone.EDGE_DEPTH * face.eye_distance
    )
    lip = int(points[LOWER_LIP, 1])
    return {
        "forehead and above (a beanie)": row <= rows[-1],
        "its top half": row <= (rows[0] + rows[-1]) // 2,
        "edge above the lip (a hood)": edge & (row < lip),
        "edge beside the face only": edge & (row > rows[-1]) & (row < lip),
        "the whole edge": edge,
        "edge below the lip (a beard)": edge & (row >= lip),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    args = parser.parse_args()
    cache = Cached()
    rows = []
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg"))[:: args.step]:
            rgb = load_image(path)
            _, points, _, face = read(
                jpeg_round_trip(rgb, 90), cache.detect(f"{folder.name}/{path.name}/640", rgb)
            )
            bare = tone.hidden_shares(face)
            if bare[0] > 0.1:
                continue
            whole, taken = band_lightness(face), tone.measure_tone(face, 0.0)
            assert taken is not None
            for name, out in patterns(face, points).items():
                hidden = hiding(face, out)
                shares = np.subtract(tone.hidden_shares(hidden), bare)
                measured = tone.measure_tone(hidden, 0.0)
                before = abs(unlifted(measured, hidden) - unlifted(taken, face))
                after = abs(measured.ita_deg - taken.ita_deg)
                lost = whole - band_lightness(hidden)
                rows.append((name, int(path.name[:3]), lost, *shares, before, after))
    by_name: dict[str, list] = defaultdict(list)
    for row in rows:
        by_name[row[0]].append(row)
    print(f"photos with a bare forehead: {len(rows) // len(by_name)}\n")
    print(
        "| hidden | band L* change: median (sd) | forehead / edge hidden | ITA change before "
        "the lift: median (p90) | after |"
    )
    print("|---|---|---|---|---|")
    for name, found in by_name.items():
        data = np.array([row[2:] for row in found], dtype=float)
        print(
            f"| {name} | {-np.median(data[:, 0]):+.2f} ({data[:, 0].std():.2f}) "
            f"| {np.median(data[:, 1]):.2f} / {np.median(data[:, 2]):.2f} "
            f"| {np.median(data[:, 3]):.2f} ({np.quantile(data[:, 3], 0.9):.2f}) "
            f"| {np.median(data[:, 4]):.2f} ({np.quantile(data[:, 4], 0.9):.2f}) |"
        )
    shares = np.array([row[3:5] for row in rows], dtype=float)
    lost = np.array([row[2] for row in rows])
    people = np.array([row[1] % 2 for row in rows])
    fit = np.linalg.lstsq(shares, lost, rcond=None)[0]
    print(f"\nfit, L* per share of the forehead, of the edge: all {np.round(fit, 2)}", end="")
    for half in (0, 1):
        part = people == half
        fitted = np.linalg.lstsq(shares[part], lost[part], rcond=None)[0]
        print(f"; half {half} {np.round(fitted, 2)}", end="")
    print(f"\nengine: {tone.HIDDEN_LIGHTNESS}")


if __name__ == "__main__":
    main()
