"""Hair over the forehead: the London faces (neutral and smiling) with a painted fringe
(`tests/analysis/degrade.py`), against the photo as taken: refusals, |ITA change| and the
forehead's dark-spot and line scores, per Monk tone of the photo as taken.

    PYTHONPATH=src:. .venv/bin/python bench/fringe_bench.py [--variant NAME] [--step N] [--json F]

Landmarks come from (and go to) `bench/validity_bench.py`'s cache. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.validity_bench import Cached  # noqa: E402
from tests.analysis.degrade import VARIANTS  # noqa: E402
from tests.analysis.london import LONDON, SMILING  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis.engine import analyse_image  # noqa: E402
from metskin.domain.analysis.model import AnalysisResult  # noqa: E402
from metskin.domain.analysis.monk import monk_tone  # noqa: E402


def forehead(result: AnalysisResult, concern: str) -> float:
    """The forehead's score (0 when it is not read)."""
    return result.concern(concern).regions.get("forehead") or 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="fringe (half the forehead)")
    parser.add_argument("--step", type=int, default=1, help="every Nth photo")
    parser.add_argument("--json")
    args = parser.parse_args()
    cache = Cached()
    rows = []
    for source in (LONDON, SMILING):
        for path in sorted(source.glob("*.jpg"))[:: args.step]:
            base = load_image(path)
            found = cache.detect(f"{source.name}/{path.name}/original", base)
            if not found:
                continue
            rgb = VARIANTS[args.variant](base, found[0], int(path.name[:3]))
            faces = cache.detect(f"{source.name}/{path.name}/{args.variant}", rgb)
            taken = analyse_image(base, FakeLandmarker(found))
            copy = analyse_image(rgb, FakeLandmarker(faces))
            row = {"photo": f"{source.name}/{path.name}", "monk": monk_tone(taken.tone.ita_deg)}
            row["refused"] = [i.code for i in copy.quality if i.blocking] if not copy.ok else []
            if copy.ok:
                row["ita_change"] = abs(copy.tone.ita_deg - taken.tone.ita_deg)
                row["spots"] = (forehead(taken, "pigmentation"), forehead(copy, "pigmentation"))
                row["lines"] = (forehead(taken, "wrinkles"), forehead(copy, "wrinkles"))
            rows.append(row)
    cache.save()
    if args.json:
        Path(args.json).write_text(json.dumps(rows))
    report(args.variant, rows)


def report(variant: str, rows: list[dict]) -> None:
    measured = [row for row in rows if not row["refused"]]
    print(f"{variant}: {len(rows) - len(measured)} of {len(rows)} refused\n")
    print(
        "| tone | photos | median abs ITA change | forehead dark spots: as taken -> copy |"
        " forehead lines: as taken -> copy | copies with spots > 50 | lines > 50 |"
    )
    print("|---|---|---|---|---|---|---|")
    tones = sorted({row["monk"] for row in measured})
    for label, chosen in [
        *((f"M{t}", [r for r in measured if r["monk"] == t]) for t in tones),
        ("all", measured),
    ]:

        def median(key: str, index: int, group: list[dict] = chosen) -> float:
            return float(np.median([row[key][index] for row in group]))

        print(
            f"| {label} | {len(chosen)} | {np.median([r['ita_change'] for r in chosen]):.1f} | "
            f"{median('spots', 0):.0f} -> {median('spots', 1):.0f} | "
            f"{median('lines', 0):.0f} -> {median('lines', 1):.0f} | "
            f"{sum(r['spots'][1] > 50 for r in chosen)} | "
            f"{sum(r['lines'][1] > 50 for r in chosen)} |"
        )


if __name__ == "__main__":
    main()
