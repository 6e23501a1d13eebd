"""Smile lines (the nasolabial regions of the lines score) on the real London faces, per group
of women, clean-shaven men and men with stubble (`FaceImage.masks["stubble"]` on the neutral
shot): the scores at rest and smiling, how far each group smiled (`landmarks.smile`, change
between the two shots), how well the score tells the smiling shot from the one at rest (AUC),
and a smile line planted on both sides of the photo at rest (`planting.plant_smile_line`).
Gender comes from london_info.csv and is a grouping, never fitted.

    PYTHONPATH=src:. .venv/bin/python bench/smile_lines.py [--step N]   # 15 s, landmarks cached

Landmarks are read from (and added to) bench/validity_bench.py's cache. Prints markdown.
"""

from __future__ import annotations

import argparse
import csv

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON, SMILING
from tests.analysis.planting import plant_smile_line
from tests.analysis.rank_stats import auc
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.engine import analyse_image

SIDES = ("nasolabial_right", "nasolabial_left")
GROUPS = ("women", "men, clean-shaven", "men, stubble")
BROAD = 0.4  # a smile this much wider than at rest (landmarks.smile): most women's, few men's


def smile_lines(result) -> list[float]:
    return [result.concern("wrinkles").regions.get(side, 0.0) for side in SIDES]


def measure(step: int) -> dict[str, list[dict]]:
    with (LONDON / "london_info.csv").open() as handle:
        gender = {row["face_id"]: row["face_gender"] for row in csv.DictReader(handle)}
    cache, found = Cached(), {group: [] for group in GROUPS}
    for path in sorted(LONDON.glob("*.jpg"))[::step]:
        face_id, smiling = path.name[:3], SMILING / f"{path.name[:3]}_08.jpg"
        if not smiling.exists():
            continue
        shots = {}
        for name, where in (("rest", path), ("smiling", smiling)):
            rgb = load_image(where)
            faces = cache.detect(f"{where.parent.name}/{where.name}/original", rgb)
            shots[name] = (rgb, faces, analyse_image(rgb, FakeLandmarker(faces)))
        (rgb, faces, rest), smile = shots["rest"], shots["smiling"][2]
        if not (rest.ok and smile.ok):
            continue
        planted = rgb
        for side in ("right", "left"):
            planted = plant_smile_line(planted, faces[0], np.random.default_rng(int(face_id)), side)
        stubble = rest.geometry is not None and rest.geometry.masks["stubble"].any()
        group = "women" if gender[face_id] != "male" else GROUPS[1 + int(stubble)]
        found[group].append(
            {
                "rest": smile_lines(rest),
                "smiling": smile_lines(smile),
                "planted": smile_lines(analyse_image(planted, FakeLandmarker(faces))),
                "smile": lm.smile(shots["smiling"][1][0]) - lm.smile(faces[0]),
            }
        )
    cache.save()
    return found


def report(found: dict[str, list[dict]]) -> list[str]:
    lines = [
        "| group | people | at rest: median, over 50 | smiling: median, over 50 | smile "
        "(change) | AUC smiling vs at rest | rise, smiles of 0.4 or more (people) | planted line: "
        "median, found |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for group, rows in found.items():
        if not rows:
            continue
        rest, smiling, planted = (
            np.array([row[key] for row in rows], dtype=float)
            for key in ("rest", "smiling", "planted")
        )
        smiles = np.array([row["smile"] for row in rows])
        broad = (smiling - rest).mean(axis=1)[smiles >= BROAD]
        rise = f"{np.median(broad):.0f} ({broad.size})" if broad.size else "- (0)"
        # found: the side reads 50 or more and 20 points above the photo as taken, or 88 or more
        hit = (planted >= 50) & ((planted - rest >= 20) | (planted >= 88))
        lines.append(
            f"| {group} | {len(rows)} | {np.median(rest):.0f}, {np.mean(rest > 50):.0%} | "
            f"{np.median(smiling):.0f}, {np.mean(smiling > 50):.0%} | {np.median(smiles):.2f} | "
            f"{auc(smiling.mean(axis=1), rest.mean(axis=1)):.2f} | {rise} | "
            f"{np.median(planted):.0f}, {np.mean(hit):.0%} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=1, help="every Nth face")
    print("\n".join(report(measure(parser.parse_args().step))))


if __name__ == "__main__":
    main()
