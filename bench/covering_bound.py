"""How often the headscarf test's bound (`covering.most_fabric`) answers, and that it changes
no mask.

    PYTHONPATH=src:. .venv/bin/python bench/covering_bound.py --baseline /tmp/base-covering/src

On the 204 London photos as taken (neutral and smiling), and on every 10th neutral face in a
headscarf of each colour to each line (`tests/analysis/degrade.scarf`): whether this tree's
`covering_mask` gives the same mask (or None) as the baseline tree's (`--baseline`, as in
bench/covering_cost.py); how often the bound answers (None without the whole test), how often
the whole test runs and finds a covering; the bound's count as a share of the forehead
(against COVERED_SHARE); and whether the forehead box's blurs equal the whole crop's to the bit
on the forehead. Prints markdown.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import metskin  # noqa: F401

# isort: split
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from bench.covering_cost import baseline_function, recorded_arguments, same
from tests.analysis.degrade import SCARVES, scarf
from tests.analysis.london import LONDON, SMILING
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import covering
from metskin.domain.analysis.filters import blur, blur_reach, mask_box

LINES = ("hairline", "mid", "brows")


def bound_share(arguments: tuple[Any, ...]) -> tuple[tuple[int, int] | None, bool]:
    """The bound's count and the forehead's pixels (None when `covering_mask` returns before
    the bound), and whether the box's blurs are the whole crop's on the forehead."""
    counted: list[int | None] = []
    original = covering.most_fabric

    def record(*given: Any) -> int | None:
        counted.append(original(*given))
        return counted[-1]

    covering.most_fabric = record
    try:
        covering.covering_mask(*arguments)
    finally:
        covering.most_fabric = original
    if not counted or counted[0] is None:
        return None, True
    planes, masks, _, eye_distance = arguments
    forehead = masks["forehead"] & ~masks["hair"]
    sigma = max(0.5, covering.COVER_SMOOTH * eye_distance)
    box = mask_box(forehead, blur_reach(sigma))
    assert box is not None
    inside = forehead[box]
    equal = all(
        np.array_equal(
            blur(np.ascontiguousarray(planes[axis][box]), sigma)[inside],
            blur(planes[axis], sigma)[box][inside],
        )
        for axis in (0, 1, 2)
    )
    return (counted[0], int(np.count_nonzero(forehead))), equal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True)
    args = parser.parse_args()
    base = baseline_function(args.baseline)
    detector = MediaPipeLandmarker()
    rows: dict[str, list[tuple[bool, bool, tuple[int, int] | None, bool]]] = defaultdict(list)
    for folder, step in ((LONDON, 1), (SMILING, 1), (LONDON, 10)):
        for path in sorted(Path(folder).glob("*.jpg"))[::step]:
            rgb = load_image(path)
            faces = detector.detect(rgb)
            if not faces:
                continue
            if step == 1:
                copies = {"as taken": rgb}
            else:
                seed = int(path.name[:3])
                copies = {
                    f"{name}, {line}": scarf(colour, line)(rgb, faces[0], seed)
                    for name, colour in SCARVES.items()
                    for line in LINES
                }
            for label, image in copies.items():
                arguments = recorded_arguments(image, FakeLandmarker(faces))
                mask = covering.covering_mask(*arguments)
                share, equal = bound_share(arguments)
                rows[label].append((same(mask, base(*arguments)), mask is not None, share, equal))
    print(f"COVERED_SHARE {covering.COVERED_SHARE}\n")
    print("| photos | count | same mask as the baseline | returned before the bound |", end="")
    print(" the bound answers | whole test: covered / not | bound's share: median / max |", end="")
    print(" box blurs = whole crop's (where the bound ran) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, found in rows.items():
        counts = [share for _, _, share, _ in found if share is not None]
        shares = [most / area for most, area in counts]
        answered = sum(most < covering.COVERED_SHARE * area for most, area in counts)
        covered = sum(is_covered for _, is_covered, _, _ in found)
        print(
            f"| {label} | {len(found)} | {sum(ok for ok, _, _, _ in found)} | "
            f"{len(found) - len(shares)} | {answered} | {covered} / "
            f"{len(counts) - answered - covered} | "
            f"{f'{np.median(shares):.3f} / {np.max(shares):.3f}' if shares else '-'} | "
            f"{sum(equal for _, _, share, equal in found if share is not None)} of {len(counts)} |"
        )


if __name__ == "__main__":
    main()
