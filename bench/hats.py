"""A knit beanie pulled low, a hoodie's hood up, a baseball cap from the front (issue 12, points
3 and 4).

    PYTHONPATH=src:. .venv/bin/python bench/hats.py [--step N] [--smiling]

For every N-th neutral London face (and with `--smiling` every N-th smiling one; landmarks of
the photo as taken, from bench/validity_bench.py's cache, reused for its copies): copies with
headwear of five colours (`tests/analysis/headwear`: a beanie to just above the brows, a hood
over the face's outer quarter eye distance at the top and sides, a cap over the head above
mid-forehead with its brim's shade below), JPEG q90, against the photo as taken through the
same JPEG q90. Prints, per kind and colour: refusals and their codes, FOREHEAD_COVERED and
FOREHEAD_SHADE warnings, the median and 90th percentile of |ITA change| of the measured copies,
Monk changes beyond one step, copies moved by more than 3 deg with neither warning ("silent"),
and the median change per Monk tone as taken (worst tone beside the median tone). Markdown.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from bench.scarf import change_cells
from bench.validity_bench import Cached
from tests.analysis.headwear import HATS, HEADWEAR
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image

WARNINGS = ("FOREHEAD_COVERED", "FOREHEAD_SHADE")
SILENT = 3.0  # deg of ITA


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    parser.add_argument("--smiling", action="store_true")
    args = parser.parse_args()
    cache = Cached()
    rows: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    folders = [LONDON, SMILING] if args.smiling else [LONDON]
    taken = Counter()
    for folder in folders:
        for path in sorted(folder.glob("*.jpg"))[:: args.step]:
            rgb = load_image(path)
            faces = cache.detect(f"{folder.name}/{path.name}/640", rgb)
            if not faces:
                continue
            as_taken = analyse_image(jpeg_round_trip(rgb, 90), FakeLandmarker(faces))
            base = as_taken.tone
            taken.update(item.code for item in as_taken.quality)
            for kind, make in HEADWEAR.items():
                for hat in HATS:
                    image = make(hat)(rgb, faces[0], int(path.name[:3]))
                    result = analyse_image(image, FakeLandmarker(faces))
                    tone = result.tone
                    change = abs(tone.ita_deg - base.ita_deg) if tone and base else None
                    monk = abs(tone.monk - base.monk) if tone and base else None
                    codes = tuple(sorted(item.code for item in result.quality))
                    blocking = tuple(sorted(i.code for i in result.quality if i.blocking))
                    rows[(kind, hat)].append(
                        (change, monk, result.ok, codes, base.monk if base else None, blocking)
                    )
    cache.save()
    print(f"photos as taken: {len(rows[next(iter(rows))])}, their codes {dict(taken)}\n")
    columns = ["headwear", "copies", "refused (blocking codes)", *WARNINGS]
    columns += ["median abs ITA change of the measured (p90)", "Monk beyond one step"]
    columns += [f"silent > {SILENT:g} deg", "per Monk tone as taken (copies); worst / median"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for (kind, hat), found in rows.items():
        refused = Counter(c for r in found if not r[2] for c in r[5])
        middle, tones = change_cells(found)
        warned = [sum(code in r[3] for r in found) for code in WARNINGS]
        silent = sum(
            r[0] is not None and r[0] > SILENT and not set(WARNINGS) & set(r[3]) for r in found
        )
        print(
            f"| {kind}, {hat} | {len(found)} | {sum(not r[2] for r in found)} {dict(refused)}"
            f" | {warned[0]} | {warned[1]} | {middle} | {sum((r[1] or 0) > 1 for r in found)}"
            f" | {silent} | {tones} |"
        )


if __name__ == "__main__":
    main()
