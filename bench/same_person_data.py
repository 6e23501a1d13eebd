"""The London photos as the progress service sees them: each photo's stored result (the
`AnalysisResult.to_dict()` of the engine, read back through `ResultReadout.from_stored`), for
the neutral and the smiling photo of every face, and for copies re-lit by a cast
(bench/london_casts.py's lights: the same person under tungsten must not read as another) or
exposed at 0.7 or 1.4 times the light (half is refused as too dark).

The face mesh runs once per photo as taken: its landmarks (478 x 3) are cached in LANDMARKS,
and a re-lit copy reuses them (the copies have the same geometry; the detector is not what is
measured). The results are cached in RESULTS, so the bench re-reads them in a second.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bench.london_tone import exposed
from tests.analysis.london import LONDON, SMILING, self_reported_groups
from tests.analysis.synthetic import under_light
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image

LANDMARKS = Path("/tmp/metskin-same-person-landmarks.npz")
RESULTS = Path("/tmp/metskin-same-person-results.pkl")
SHOTS = ("neutral", "smiling")
CASTS = ("tungsten_3200k", "shade_7500k")  # the smiling photo re-lit: a retake in other light
EXPOSURES = {"x0.7": 0.7, "x1.4": 1.4}  # and under 0.7 or 1.4 times the light


@dataclass(frozen=True)
class Photo:
    face_id: str
    shot: str  # "neutral", "smiling", or "smiling tungsten_3200k" ...
    group: str  # self-reported (london_info.csv): a sanity check, never a label
    gender: str
    stored: dict[str, Any]  # the result as persisted
    points: np.ndarray  # the face mesh's (478, 3) landmarks, z included (not persisted)


def _genders() -> dict[str, str]:
    import csv

    with (LONDON / "london_info.csv").open() as handle:
        return {row["face_id"]: row["face_gender"] for row in csv.DictReader(handle)}


def _path(face_id: str, shot: str) -> Path:
    return LONDON / f"{face_id}_03.jpg" if shot == "neutral" else SMILING / f"{face_id}_08.jpg"


def measure(progress: Callable[[str], None] = print) -> list[Photo]:
    from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
    from metskin.domain.analysis.engine import analyse_image

    if RESULTS.exists():
        with RESULTS.open("rb") as handle:  # plain tuples: readable whoever wrote them
            return [Photo(*row) for row in pickle.load(handle)]
    store: dict[str, np.ndarray] = dict(np.load(LANDMARKS)) if LANDMARKS.exists() else {}
    mesh = None
    groups, genders = self_reported_groups(), _genders()
    photos = []
    for path in sorted(LONDON.glob("*_03.jpg")):
        face_id = path.name[:3]
        for shot in SHOTS:
            source = _path(face_id, shot)
            if not source.exists():
                continue
            rgb = load_image(source)
            key = f"{shot}/{source.name}"
            if key not in store:
                mesh = mesh or MediaPipeLandmarker()
                faces = mesh.detect(rgb)
                store[key] = np.stack(faces) if faces else np.zeros((0, 478, 3), np.float32)
            faces = list(store[key])
            if not faces:
                continue
            copies = {shot: rgb}
            if shot == "smiling":
                copies |= {f"{shot} {cast}": under_light(rgb, cast) for cast in CASTS}
                copies |= {f"{shot} {name}": exposed(rgb, k) for name, k in EXPOSURES.items()}
            for name, image in copies.items():
                result = analyse_image(image, FakeLandmarker(faces))
                if result.ok and result.capture is not None:
                    stored = result.to_dict()
                    photo = Photo(
                        face_id, name, groups[face_id], genders[face_id], stored, faces[0]
                    )
                    photos.append(photo)
        progress(face_id)
    np.savez_compressed(LANDMARKS, **store)
    with RESULTS.open("wb") as handle:
        pickle.dump([astuple(photo) for photo in photos], handle)
    return photos


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    found = measure(lambda face: print(face, f"{time.perf_counter() - start:.0f}s", flush=True))
    print(len(found), "results")
