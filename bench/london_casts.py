"""Tone under casts and exposure only (issue 12 point 3), faster than the whole --london-tone.

    PYTHONPATH=src:. .venv/bin/python bench/analysis_bench.py --london-casts [--quick]

Each London face (neutral, 102) is found once, on the photo as taken; its re-lit and re-exposed
copies reuse those landmarks (the detector is not what is measured here, and the copies have the
same geometry). Landmarks come from bench/validity_bench.py's cache when it has them. Prints:

1. the change of ITA per Monk tone (of the photo as taken, with counts) under each cast and at
   x1.4, for the engine and for exact gains (the photo as taken's own gains divided by the
   cast: what a perfectly equivariant light estimate would give; the rest is the copy's own
   8-bit rounding and JPEG round trip);
2. the recolour benchmark (astronaut, Monk 1-10 evenly, 2 seeds) under each cast, against the
   same painted image under neutral light, per painted Monk tone;
   (`--recolour-casts`: the same on each of the four scenes, nothing else);
3. the x1.4 evidence (bench/overexposure.py): how well references in the photo tell half a
   stop over from the photos as taken, fitted on odd ids and reported on even ids.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from bench.london_tone import CASTS, Change, condition_table, exposed
from bench.overexposure import Evidence, evidence, roc_table
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import (
    BACKGROUNDS,
    HEAVY_LIGHTS,
    ILLUMINANTS,
    normalised,
    recoloured_face,
)
from tests.analysis.synthetic import under_light as relit
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import quality
from metskin.domain.analysis.engine import CheckedFrame, analyse_image, check_frame
from metskin.domain.analysis.face_image import build_face_image
from metskin.domain.analysis.model import Tone
from metskin.domain.analysis.ports import FaceLandmarker
from metskin.domain.analysis.tone import measure_tone
from metskin.domain.analysis.white_reference import white_balance

CACHE = Path("/tmp/metskin-validity-landmarks.npz")  # bench/validity_bench.py's
DUMP = Path("/tmp/metskin-overexposure-evidence.pkl")


@dataclass
class Copies:
    """One London face: its tone as taken, each copy's result (None when refused), and the
    copies' tones measured with exact gains."""

    face_id: str
    taken: Tone | None
    engine: dict[str, Tone | None] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    exact: dict[str, Tone | None] = field(default_factory=dict)


def cached_landmarks() -> dict[str, np.ndarray]:
    return dict(np.load(CACHE)) if CACHE.exists() else {}


def landmarks_of(
    path: Path, rgb: np.ndarray, cache: dict[str, np.ndarray], landmarker: FaceLandmarker
) -> list[np.ndarray]:
    key = f"{path.parent.name}/{path.name}/original"
    return list(cache[key]) if key in cache else landmarker.detect(rgb)


def gains_and_tone(checked: CheckedFrame, gains: np.ndarray | None = None) -> tuple:
    """The white balance's gains (or `gains`) and the tone measured with them."""
    geometry = checked.geometry
    points = checked.points_in_crop()
    if gains is None:
        gains = white_balance(checked.background, checked.crop, points, geometry.scale)[0]
    face = build_face_image(checked.crop, points, geometry.masks, gains)
    return gains, measure_tone(face, quality.light_penalty(checked.issues))


def measure(
    landmarker: FaceLandmarker, step: int, progress: Callable[[str], None]
) -> tuple[list[Copies], list[Evidence]]:
    cache = cached_landmarks()
    copies, found = [], []
    for path in sorted(LONDON.glob("*.jpg"))[::step]:
        rgb = load_image(path)
        faces = landmarks_of(path, rgb, cache, landmarker)
        checked = check_frame(rgb, faces)
        if isinstance(checked, list):
            continue
        gains, tone = gains_and_tone(checked)
        face = Copies(path.name[:3], tone)
        conditions = {name: relit(rgb, name) for name in (*CASTS, *HEAVY_LIGHTS)}
        conditions |= {"x1.4": exposed(rgb, 1.4), "x0.5": exposed(rgb, 0.5)}
        for name, image in conditions.items():
            result = analyse_image(image, FakeLandmarker(faces))
            face.engine[name] = result.tone
            face.refused[name] = [item.code for item in result.quality if item.blocking]
            if name in CASTS:
                copy = check_frame(image, faces)
                assert not isinstance(copy, list)
                exact = gains / normalised(ILLUMINANTS[name])
                face.exact[name] = gains_and_tone(copy, exact)[1]
        copies.append(face)
        found.append(evidence(face.face_id, "taken", checked))
        for name in ("x1.4",):
            copy = check_frame(conditions[name], faces)
            if not isinstance(copy, list):
                found.append(evidence(face.face_id, name, copy))
        smiling = SMILING / f"{face.face_id}_08.jpg"
        if smiling.exists():
            smiling_rgb = load_image(smiling)
            checked = check_frame(
                smiling_rgb, landmarks_of(smiling, smiling_rgb, cache, landmarker)
            )
            if not isinstance(checked, list):
                found.append(evidence(face.face_id, "smiling", checked))
                over = check_frame(exposed(smiling_rgb, 1.4), list(checked.points[None]))
                if not isinstance(over, list):
                    found.append(evidence(face.face_id, "x1.4 smiling", over))
        progress(f"{face.face_id}")
    return copies, found


def changes(copies: list[Copies], kind: str) -> dict[str, list[Change]]:
    rows: dict[str, list[Change]] = {}
    for face in copies:
        if face.taken is None:
            continue
        for name, tone in getattr(face, kind).items():
            rows.setdefault(name, []).append(
                (
                    face.taken.monk,
                    None if tone is None else tone.ita_deg - face.taken.ita_deg,
                    None if tone is None else tone.monk - face.taken.monk,
                )
            )
    return rows


def recolour_casts(
    landmarker: FaceLandmarker, seeds: list[int], background: str = "astronaut"
) -> list[str]:
    """The recolour benchmark under each cast, against the same painted image (same seed: same
    jitter and noise) under neutral light, per painted Monk tone (`background`: one of
    BACKGROUNDS)."""
    rows: dict[str, list[Change]] = {name: [] for name in CASTS}
    errors, within = [], []  # against the painted truth, over all five lights
    for seed in seeds:
        for tone in range(1, 11):
            images = {
                cast: recoloured_face(
                    landmarker, tone, cast, seed * 1000 + tone, background=background
                )
                for cast in ILLUMINANTS
            }
            tones = {cast: analyse_image(rgb, landmarker).tone for cast, (rgb, _) in images.items()}
            for cast, found in tones.items():
                if found is not None:
                    errors.append(abs(found.ita_deg - images[cast][1].ita))
                    within.append(abs(found.monk - tone) <= 1)
            taken = tones["neutral"]
            if taken is None:
                continue
            for cast in CASTS:
                found = tones[cast]
                rows[cast].append(
                    (
                        tone,
                        None if found is None else found.ita_deg - taken.ita_deg,
                        None if found is None else found.monk - taken.monk,
                    )
                )
    truth = (
        f"\ntruth error over the five lights: median abs ITA error "
        f"{np.median(errors) if errors else float('nan'):.2f} deg, Monk within one step "
        f"{100 * np.mean(within) if within else float('nan'):.0f} % ({len(errors)} images)"
    )
    return [*condition_table(rows), truth]


def scene_evidence(landmarker: FaceLandmarker, seeds: list[int]) -> list[Evidence]:
    """The x1.4 readings of the recolour benchmark's photos as painted (four scenes, ten tones,
    neutral light and exposure): photos a rule fitted on London must not refuse."""
    found = []
    for background in BACKGROUNDS:
        for seed in seeds:
            for tone in range(1, 11):
                rgb, _ = recoloured_face(
                    landmarker, tone, "neutral", seed * 1000 + tone, background=background
                )
                checked = check_frame(rgb, landmarker.detect(rgb))
                if not isinstance(checked, list):
                    found.append(evidence(f"{tone:03d}", "taken", checked))
    return found


def london_casts(
    landmarker: FaceLandmarker, quick: bool = False, progress: Callable[[str], None] = print
) -> list[str]:
    if not LONDON.exists():
        return ["London Set not found at " + str(LONDON)]
    copies, found = measure(landmarker, 4 if quick else 1, progress)
    scenes = scene_evidence(landmarker, [1])
    with DUMP.open("wb") as handle:  # for re-reading the x1.4 evidence without re-measuring
        pickle.dump((found, scenes), handle)
    refused = {name: sum(1 for face in copies if face.refused[name]) for name in copies[0].refused}
    return [
        f"### London faces re-lit and re-exposed ({len(copies)} faces, landmarks of the photo "
        "as taken)",
        "",
        "Engine:",
        "",
        *condition_table(changes(copies, "engine")),
        "",
        "Refused per condition: " + ", ".join(f"{k} {v}" for k, v in refused.items()),
        "",
        "Exact gains (the photo as taken's gains divided by the cast; the floor of the copies):",
        "",
        *condition_table(changes(copies, "exact")),
        "",
        "### Recolour benchmark under casts (against the same painted image, neutral light)",
        "",
        *recolour_casts(landmarker, [1] if quick else [1, 2]),
        "",
        "### Half a stop over (x1.4): evidence in the photo, fitted on odd ids, shown on even",
        "",
        *roc_table(found, scenes),
    ]
