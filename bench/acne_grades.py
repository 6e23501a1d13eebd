"""Acne severity against planted grades on the real London faces, per skin tone.

    PYTHONPATH=src:. .venv/bin/python bench/acne_grades.py [--step 2] [--grades 0 4] [--jpeg 90]

Every `step`-th neutral London face (../shared/data/london-faces, CC BY 4.0) gets inflammatory
acne of grades 0-4 planted as blood (and healed marks as melanin) in optical density
(`tests.analysis.planting.plant_acne`), so lesions are less red in a* on darker skin, as real
erythema is. Prints Spearman of the acne score against the grade, overall and per Monk band of
the clear photo, the median score per grade and band, and lesions found against planted. This
is a stand-in for clinically graded photos (none with a licence for this use were at hand): it
shows whether the score ranks severity the same way on every tone, not a dermatologist's grade.
`--jpeg 90` re-saves every planted photo as JPEG quality 90, colour at half resolution, as a
phone saves it. Landmarks are cached in /tmp/metskin-acne-landmarks.npz.
"""

from __future__ import annotations

import argparse
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.london import LONDON, TONE_BANDS, self_reported_groups  # noqa: E402
from tests.analysis.planting import ACNE_GRADE_LESIONS, plant_acne  # noqa: E402
from tests.analysis.rank_stats import spearman  # noqa: E402
from tests.analysis.synthetic import jpeg_round_trip  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis.engine import analyse_image  # noqa: E402

CACHE = Path("/tmp/metskin-acne-landmarks.npz")


def landmarks(paths: list[Path]) -> dict[str, np.ndarray]:
    store = dict(np.load(CACHE)) if CACHE.exists() else {}
    missing = [p for p in paths if p.name not in store]
    if missing:
        from metskin.adapters.vision.face_mesh import MediaPipeLandmarker

        model = MediaPipeLandmarker()
        for path in missing:
            found = model.detect(load_image(path))
            if found:
                store[path.name] = found[0]
        np.savez_compressed(CACHE, **store)
    return store


def enlarged(rgb: np.ndarray, points: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """The photo enlarged `factor` times (bicubic) and its landmarks with it: lesions are then
    planted at the larger scale and the engine scales the face back down to its working size,
    as it does a phone photo."""
    if factor == 1:
        return rgb, points
    import cv2

    size = (rgb.shape[1] * factor, rgb.shape[0] * factor)
    return cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC), points * factor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", type=int, default=2)
    parser.add_argument("--grades", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--jpeg", type=int, default=0, help="re-encode at this quality (4:2:0)")
    parser.add_argument(
        "--upscale", type=int, default=1, help="enlarge the photo first (a larger capture)"
    )
    parser.add_argument(
        "--where", default="regions", choices=("regions", "face", "lower"), help="acne_places"
    )
    args = parser.parse_args()
    paths = sorted(LONDON.glob("*.jpg"))[:: args.step]
    points = landmarks(paths)
    groups = self_reported_groups()
    rows = []  # (face, group, monk of the clear photo, grade, score, lesions, redness)
    for path in paths:
        if path.name not in points:
            continue
        base, face = enlarged(load_image(path), points[path.name], args.upscale)
        seed = int(path.name[:3])
        monk = None
        for grade in args.grades:
            rgb = plant_acne(base, face, grade, np.random.default_rng(seed), args.where)
            if args.jpeg:
                rgb = jpeg_round_trip(rgb, args.jpeg)
            result = analyse_image(rgb, FakeLandmarker([face]))
            if not result.ok:
                print(f"{path.name} grade {grade}: refused {[i.code for i in result.quality]}")
                continue
            monk = monk or result.tone.monk
            acne = result.concern("acne")
            rows.append(
                (
                    path.name[:3],
                    groups.get(path.name[:3], "?"),
                    monk,
                    grade,
                    acne.score,
                    acne.measurements.get("lesion_count", 0.0),
                    result.concern("redness").score,
                )
            )
    report(rows, args.grades)


def report(rows: list, grades: list[int]) -> None:
    grade = np.array([r[3] for r in rows])
    score = np.array([r[4] for r in rows])
    monk = np.array([r[2] for r in rows])
    print(
        f"\n{len({r[0] for r in rows})} faces, {len(rows)} photos; planted lesions per grade "
        f"{[ACNE_GRADE_LESIONS[g] for g in grades]}\n"
    )
    print(
        "| Monk band | photos | Spearman score vs grade | "
        + " | ".join(f"grade {g} median (lesions found)" for g in grades)
        + " |"
    )
    print("|---" * (3 + len(grades)) + "|")
    bands = {"all": (1, 10), **TONE_BANDS}
    for name, (low, high) in bands.items():
        inside = (monk >= low) & (monk <= high)
        if not inside.any():
            continue
        cells = []
        for g in grades:
            chosen = inside & (grade == g)
            found = np.median([r[5] for r, c in zip(rows, chosen, strict=True) if c])
            cells.append(f"{np.median(score[chosen]):.1f} ({found:.0f})")
        rho = spearman(score[inside], grade[inside])
        print(f"| {name} | {inside.sum()} | {rho:.3f} | " + " | ".join(cells) + " |")
    per_face = {}
    for r in rows:
        per_face.setdefault(r[0], []).append((r[3], r[4]))
    steady = [all(b[1] >= a[1] for a, b in pairwise(sorted(v))) for v in per_face.values()]
    print(f"\nfaces whose score never falls as the grade rises: {sum(steady)} / {len(steady)}")
    clear = score[grade == 0]
    print(f"grade 0 (as photographed): median {np.median(clear):.1f}, max {clear.max():.1f}")


if __name__ == "__main__":
    main()
