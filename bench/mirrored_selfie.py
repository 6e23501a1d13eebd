"""A mirrored selfie in a progress comparison (the London Set, neutral against smiling).

    PYTHONPATH=src:. .venv/bin/python bench/mirrored_selfie.py [--cache FILE] [--write]

Analyses every London face neutral, smiling, and smiling mirrored (the photo flipped left to
right, as a front camera saves it; results cached in FILE, default
/tmp/metskin-london-mirrored.json), then prints:

1. how `analysis.mirror.mirrored` tells the pairs (as taken, mirrored, cannot tell), per Monk
   band of the neutral photo;
2. the progress comparison of each pair: the median |change| of the regions that have a side
   (cheeks, under-eyes, crow's feet, smile lines; every concern and tone) and the changes called
   in them, as taken, mirrored with the sides read as they are (before this change) and mirrored
   with the sides swapped when the spots tell;
3. `--write`: the face mesh's mirror map (`analysis/mesh_mirror.py`): each landmark's
   counterpart on the face's other side, the assignment that brings the mean London face
   (eyes levelled, one eye distance) closest to its own mirror image.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tests.analysis.london import LONDON, SMILING

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import mirror
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.progress.deltas import Change, photos_mirrored, region_deltas

ROOT = Path(__file__).resolve().parents[1]
CONSTANT = ROOT / "src/metskin/domain/analysis/mesh_mirror.py"
COMMAND = "PYTHONPATH=src:. .venv/bin/python bench/mirrored_selfie.py --write"
KINDS = ("neutral", "smiling", "smiling_mirrored")
BANDS = (("M1-3", 1, 3), ("M4", 4, 4), ("M5", 5, 5), ("M6-10", 6, 10))
# The iris points (468-477) have no mean-face counterpart to assign by place alone: the centre
# and the ring (towards the image's right, up, left, down) of the other eye.
IRIS = {468: 473, 469: 476, 470: 475, 471: 474, 472: 477}


def analyse_london(cache: Path) -> dict[str, dict[str, dict]]:
    if cache.exists():
        return json.loads(cache.read_text())
    landmarker = MediaPipeLandmarker()
    found: dict[str, dict[str, dict]] = {}
    for path in sorted(LONDON.glob("*.jpg")):
        face_id = path.name.split("_")[0]
        smiling = sorted(SMILING.glob(f"{face_id}_*.jpg"))
        if not smiling:
            continue
        neutral, smile = load_image(path), load_image(smiling[0])
        flipped = np.ascontiguousarray(smile[:, ::-1])
        found[face_id] = {
            kind: analyse_image(rgb, landmarker).to_dict()
            for kind, rgb in zip(KINDS, (neutral, smile, flipped), strict=True)
        }
    cache.write_text(json.dumps(found))
    return found


def verdicts(pairs) -> None:
    print("| pair | Monk band | pairs | told as taken | told mirrored | cannot tell |")
    print("|---|---|---|---|---|---|")
    for kind in KINDS[1:]:
        for name, low, high in (*BANDS, ("all", 1, 10)):
            told = [
                photos_mirrored(first, later[kind])
                for monk, first, later in pairs
                if low <= monk <= high
            ]
            counts = [sum(v is value for v in told) for value in (False, True, None)]
            print(
                f"| neutral / {kind.replace('_', ' ')} | {name} | {len(told)} | "
                + " | ".join(str(c) for c in counts)
                + " |"
            )


def sided(deltas) -> list:
    return [d for d in deltas if mirror.other_side(d.region) != d.region]


def comparisons(pairs) -> None:
    rows = {
        "smiling, as taken": [region_deltas(a, later["smiling"]) for _, a, later in pairs],
        "smiling mirrored, sides as they are": [
            region_deltas(a, later["smiling_mirrored"]) for _, a, later in pairs
        ],
        "smiling mirrored, sides swapped when the spots tell": [
            region_deltas(
                a,
                later["smiling_mirrored"],
                mirrored=photos_mirrored(a, later["smiling_mirrored"]) is True,
            )
            for _, a, later in pairs
        ],
    }
    print(
        "\n| comparison | pairs | sided regions: mean abs change, p90 | changes called "
        "in sided regions | pairs with one |"
    )
    print("|---|---|---|---|---|")
    for name, found in rows.items():
        changes = [abs(d.delta) for deltas in found for d in sided(deltas)]
        called = [sum(d.change is not Change.NO_CHANGE for d in sided(deltas)) for deltas in found]
        print(
            f"| {name} | {len(found)} | {np.mean(changes):.2f}, "
            f"{np.percentile(changes, 90):.2f} | {sum(called)} | {sum(c > 0 for c in called)} |"
        )


def mean_face(found: dict[str, dict[str, dict]]) -> np.ndarray:
    """The London faces' mesh points (468), eyes levelled, origin between them, unit their
    distance, averaged over the neutral and smiling photos."""
    shapes = []
    for results in found.values():
        for kind in KINDS[:2]:
            capture = results[kind].get("capture") or {}
            points = np.array(capture.get("landmarks") or [], dtype=np.float64)
            if not results[kind].get("ok") or len(points) != 478:
                continue
            points = points[:468]
            right, left = points[[33, 133]].mean(axis=0), points[[263, 362]].mean(axis=0)
            along = left - right
            angle = -np.arctan2(along[1], along[0])
            turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
            shapes.append((points - (right + left) / 2) @ turn.T / np.linalg.norm(along))
    return np.mean(shapes, axis=0)


def write_constant(found: dict[str, dict[str, dict]]) -> None:
    from scipy.optimize import linear_sum_assignment  # a bench-only dependency

    face = mean_face(found)
    cost = np.linalg.norm(face[:, None] - (face * [-1.0, 1.0])[None], axis=2)
    _, other = linear_sum_assignment(cost)
    pairs = [int(v) for v in other] + [0] * 10
    for a, b in IRIS.items():
        pairs[a], pairs[b] = b, a
    assert all(pairs[pairs[i]] == i for i in range(478)), "not a pairing"
    rows = [", ".join(str(v) for v in pairs[i : i + 16]) for i in range(0, 478, 16)]
    lines = [
        '"""The face mesh\'s mirror map: OTHER_SIDE[i] is the landmark on the face\'s other side',
        "that corresponds to landmark i (itself on the midline). Generated from the mean London",
        "face (the assignment that brings it closest to its mirror image, the iris points by",
        "their place in the ring): do not edit. Regenerate with:",
        "",
        f"    {COMMAND}",
        '"""',
        "",
        "# fmt: off",
        "OTHER_SIDE: tuple[int, ...] = (",
        *[f"    {row}," for row in rows],
        ")",
        "# fmt: on",
        "",
    ]
    CONSTANT.write_text("\n".join(lines))
    print(
        f"wrote {CONSTANT} (largest distance to the mirror point "
        f"{cost[np.arange(468), other].max():.3f} eye distances)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/metskin-london-mirrored.json"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    found = analyse_london(args.cache)
    if args.write:
        write_constant(found)
    pairs = []
    for results in found.values():
        readouts = {kind: ResultReadout.from_stored(results[kind]) for kind in KINDS}
        first = readouts["neutral"]
        if all(results[kind]["ok"] for kind in KINDS) and first.tone and first.tone.monk:
            pairs.append((first.tone.monk, first, readouts))
    verdicts(pairs)
    comparisons(pairs)


if __name__ == "__main__":
    main()
