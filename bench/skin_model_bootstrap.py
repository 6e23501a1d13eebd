"""The bootstrap dataset of the learned skin model: concerns planted with known grades on the
London faces (CC BY 4.0), in the format of `metskin dataset export`.

    nice .venv/bin/python bench/skin_model_bootstrap.py --out var/datasets [--variants 2]
    metskin train-skin-model --dataset var/datasets/<version>

Each photo (neutral and smiling) gets `--variants` seeded draws of grades: acne 0-4 (3 red
papules per grade on cheeks, chin, forehead), pigmentation 0-3 (2 dark spots per grade),
redness 0-3 (a flush on 0-3 of left cheek, right cheek, nose). The lesions' places come from
where the planting changed the photo. The engine analyses each planted photo (its scores are
the baseline), the Monk tone is the one the engine measured (no tone labels exist for this
set). A person (both their photos) falls in one split. Only synthetic lesions on real faces:
no dataset restricted to research or non-commercial use is read.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import encode_png, load_image
from metskin.cli.dataset import write_dataset
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.labels.dataset import Dataset, LabelledAnalysis
from metskin.domain.labels.model import (
    Concern,
    Label,
    LabelSource,
    Lesion,
    LesionType,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.london import LONDON, SMILING  # noqa: E402
from tests.analysis.planting import plant_papules, plant_redness, plant_spots  # noqa: E402
from tests.fakes.infra import FakeLandmarker  # noqa: E402

LONG_SIDE = 640
SOURCES = (
    "Face Research Lab London Set (DeBruine & Jones 2017, Version 5, figshare, "
    "https://doi.org/10.6084/m9.figshare.5047666.v5), neutral and smiling: real frontal photos "
    "of 102 adults, downscaled to 640 px; CC BY 4.0 (commercial use allowed with attribution; "
    "the subjects consented to use of their images in original or altered forms).",
    "Synthetic lesions planted by MetSkin (tests/analysis/planting.py): red papules "
    "(acne-like), dark spots (pigmentation), flushing (redness), with known grades. The "
    "grades are of the planting, not of a dermatologist; the Monk tone is the engine's "
    "measurement (the set has no tone labels).",
)
PAPULE_REGIONS = ("cheek_left", "cheek_right", "chin", "forehead")
FLUSH_REGIONS = ("cheek_left", "cheek_right", "nose")


def planted(rgb, points, rng):
    grades = {
        Concern.ACNE: int(rng.integers(0, 5)),
        Concern.PIGMENTATION: int(rng.integers(0, 4)),
        Concern.REDNESS: int(rng.integers(0, 4)),
    }
    out = rgb
    for index in range(grades[Concern.REDNESS]):
        out = plant_redness(out, points, FLUSH_REGIONS[index], rng)
    flushed = out
    for _ in range(grades[Concern.ACNE]):
        region = PAPULE_REGIONS[int(rng.integers(0, len(PAPULE_REGIONS)))]
        out = plant_papules(out, points, region, rng, count=3)
    papules = _centres(flushed, out, LesionType.PAPULE)
    before = out
    for _ in range(grades[Concern.PIGMENTATION]):
        region = ("cheek_left", "cheek_right", "forehead")[int(rng.integers(0, 3))]
        out = plant_spots(out, points, region, rng, count=2)
    return out, grades, papules + _centres(before, out, LesionType.PIGMENTED_SPOT)


def _centres(before: np.ndarray, after: np.ndarray, kind: LesionType) -> list[Lesion]:
    changed = (np.abs(after.astype(int) - before.astype(int)).sum(axis=2) > 12).astype(np.uint8)
    count, _, stats, centres = cv2.connectedComponentsWithStats(changed)
    return [
        Lesion(kind, int(centres[i][0]), int(centres[i][1]))
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] >= 4
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("var/datasets"))
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N photos.")
    args = parser.parse_args()
    paths = sorted(LONDON.glob("*.jpg")) + sorted(SMILING.glob("*.jpg"))
    paths = paths[: args.limit] if args.limit else paths
    landmarker = MediaPipeLandmarker()
    dataset = Dataset(sources=list(SOURCES))
    when = datetime(2026, 12, 1, tzinfo=UTC)
    for number, path in enumerate(paths):
        rgb = load_image(path, long_side=LONG_SIDE)
        faces = landmarker.detect(rgb)
        if not faces:
            dataset.skipped["no_face"] += 1
            continue
        points = faces[0]
        person = f"london-{path.name[:3]}"
        for variant in range(args.variants):
            rng = np.random.default_rng([number, variant, 15])
            photo, grades, lesions = planted(rgb, points, rng)
            result = analyse_image(photo, FakeLandmarker([points]))
            if not result.ok or result.tone is None:
                dataset.skipped["engine_refused"] += 1
                continue
            analysis_id = f"{path.parent.name}/{path.stem}/{variant}"
            engine = {c.value: result.concern(c.value.lower()).score for c in grades}
            label = Label(
                id=analysis_id,
                analysis_id=analysis_id,
                subject_id=person,
                author_id="planting",
                source=LabelSource.DERMATOLOGIST,
                created_at=when,
                grades=grades,
                lesions=tuple(lesions),
            )
            item = LabelledAnalysis(analysis_id, person, (label,), engine, result.tone.monk)
            dataset.add_face(item, photo, points, encode_png)
        print(f"{number + 1}/{len(paths)} {path.name}", file=sys.stderr)
    folder = write_dataset(dataset, args.out)
    manifest = dataset.manifest()
    print(json.dumps({"folder": str(folder), "counts": manifest["counts"]}))


if __name__ == "__main__":
    main()
