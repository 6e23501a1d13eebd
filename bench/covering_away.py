"""How much of a forehead COVER_AWAY alone takes (`covering.covering_mask` with only the
"farther than D from the middle of the face" test, any direction), on the London photos as taken
and on red and camel hats (docs/benchmarks.md, "Hats and hoods").

    PYTHONPATH=src:. .venv/bin/python bench/covering_away.py [--step N] [--hats]

`covering_mask` itself runs (no copy of it): its other tests switched off (`off_colour` finds
nothing, COVER_LIGHTER out of reach, no bound, COVERED_SHARE 0 so that the mask is returned),
COVER_AWAY set to each D. Prints, per D and per kind of photo, the largest share of the
forehead (without hair) and the smallest, the face with the largest, and how many reach
COVERED_SHARE.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from bench.validity_bench import Cached
from tests.analysis.headwear import HEADWEAR
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import covering, face_image
from metskin.domain.analysis.engine import analyse_image

DISTANCES = (10.0, 12.0, 15.0, 20.0)
HATS = ("beanie:red", "hood:red", "beanie:camel", "hood:camel", "cap:camel")


def shares(arguments: tuple, patch) -> list[float]:  # type: ignore[no-untyped-def]
    """The share of the forehead (without hair) the test alone takes, at each distance."""
    masks = arguments[1]
    forehead = masks["forehead"] & ~masks["hair"]
    found = []
    for distance in DISTANCES:
        patch.setattr(covering, "COVER_AWAY", distance)
        mask = covering.covering_mask(*arguments)
        taken = 0 if mask is None else np.count_nonzero(mask & forehead)
        found.append(taken / max(1, np.count_nonzero(forehead)))
    return found


def main() -> None:
    import pytest

    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=1)
    parser.add_argument("--hats", action="store_true")
    args = parser.parse_args()
    cache = Cached()
    seen: list[tuple] = []
    original = covering.covering_mask
    patch = pytest.MonkeyPatch()

    def record(planes, masks, points, eye_distance):  # type: ignore[no-untyped-def]
        seen.append((planes, dict(masks), points, eye_distance))
        return original(planes, masks, points, eye_distance)

    patch.setattr(face_image, "covering_mask", record)
    found: dict[str, list[tuple[str, list[float]]]] = defaultdict(list)
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg"))[:: args.step]:
            rgb = load_image(path)
            faces = cache.detect(f"{folder.name}/{path.name}/640", rgb)
            copies = [("as taken", jpeg_round_trip(rgb, 90))]
            for name in HATS if args.hats else ():
                kind, hat = name.split(":")
                copies.append((name, HEADWEAR[kind](hat)(rgb, faces[0], int(path.name[:3]))))
            for name, image in copies:
                seen.clear()
                analyse_image(image, FakeLandmarker(faces))
                if seen:
                    found[name].append((f"{folder.name}/{path.name}", seen[0]))
    cache.save()
    patch.setattr(covering, "off_colour", lambda a_star, *_: np.zeros(a_star.shape, bool))
    patch.setattr(covering, "COVER_LIGHTER", 1e6)
    patch.setattr(covering, "most_fabric", lambda *_: None)
    patch.setattr(covering, "COVERED_SHARE", 0.0)
    heads = [f"D {distance:g}: max (face) / min, >= 0.3" for distance in DISTANCES]
    print("| photos | count | " + " | ".join(heads) + " |")
    print("|---|---|" + "---|" * len(DISTANCES))
    for name, rows in found.items():
        table = np.array([shares(arguments, patch) for _, arguments in rows])
        cells = []
        for column in range(len(DISTANCES)):
            values = table[:, column]
            top = rows[int(np.argmax(values))][0]
            cells.append(
                f"{values.max():.3f} ({top}) / {values.min():.3f}, "
                f"{int(np.count_nonzero(values >= 0.3))}"
            )
        print(f"| {name} | {len(rows)} | " + " | ".join(cells) + " |")
    patch.undo()


if __name__ == "__main__":
    main()
