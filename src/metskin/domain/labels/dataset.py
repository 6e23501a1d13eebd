"""A training dataset of region patches and labels: what enters it, how it is split and named.

Only people who give consent for learning now enter (a revocation leaves them out of every
later export), only finished photo analyses with labels, and only patches of the face regions
(never the whole face or photo). A person's patches all fall in one split, chosen by a hash of
their id; people are named by a pseudonym in the dataset. The content hash covers every file
and the labels, so the same store gives the same hash and the version is derived from it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.labels.model import Concern, Label, LabelSource

FORMAT = 2  # 2: the engine's scores of the analysis beside the labels
SPLITS = (("train", 80), ("val", 10), ("test", 10))  # percent of people
MIN_PATCH_SIDE = 8  # pixels; a region smaller than this in the photo is left out


def split_of(subject_id: str) -> str:
    """train, val or test, by a hash of the person's id (all of a person's patches together)."""
    bucket = int(hashlib.sha256(f"split:{subject_id}".encode()).hexdigest(), 16) % 100
    for name, share in SPLITS:
        if bucket < share:
            return name
        bucket -= share
    return SPLITS[-1][0]


def engine_readings(result: Mapping[str, Any]) -> tuple[dict[str, float], int | None]:
    """The engine's whole-face score per concern (labels' names) and Monk tone, from a stored
    result: the baseline a learned model is evaluated against."""
    names = {c.value for c in Concern}
    scores = {
        str(name).upper(): float(item["score"])
        for name, item in (result.get("concerns") or {}).items()
        if str(name).upper() in names and isinstance(item, Mapping) and "score" in item
    }
    tone = result.get("tone")
    monk = tone.get("monk") if isinstance(tone, Mapping) else None
    return scores, monk if isinstance(monk, int) else None


def pseudonym(subject_id: str) -> str:
    return hashlib.sha256(f"person:{subject_id}".encode()).hexdigest()[:16]


def sample_of(analysis_id: str) -> str:
    """The name of an analysis's face in a dataset (its patches' file names begin with it)."""
    return hashlib.sha256(f"analysis:{analysis_id}".encode()).hexdigest()[:16]


def region_boxes(
    points: np.ndarray, width: int, height: int
) -> dict[str, tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) of each main skin region's polygon in the photo, clipped to it."""
    boxes = {}
    for name in lm.MAIN_REGIONS:
        polygon = points[list(lm.REGIONS[name]), :2]
        x0, y0 = np.floor(polygon.min(axis=0)).astype(int)
        x1, y1 = np.ceil(polygon.max(axis=0)).astype(int)
        box = (max(0, int(x0)), max(0, int(y0)), min(width, int(x1)), min(height, int(y1)))
        if box[2] - box[0] >= MIN_PATCH_SIDE and box[3] - box[1] >= MIN_PATCH_SIDE:
            boxes[name] = box
    return boxes


def largest_face(faces: list[np.ndarray]) -> np.ndarray:
    """The landmarks of the face with the largest box (the person photographed)."""

    def area(points: np.ndarray) -> float:
        x0, y0, x1, y1 = lm.face_box(points)
        return (x1 - x0) * (y1 - y0)

    return max(faces, key=area)


@dataclass(frozen=True)
class LabelledAnalysis:
    """A finished photo analysis of a consenting person, with every label write on it."""

    analysis_id: str
    subject_id: str
    labels: tuple[Label, ...]
    engine: Mapping[str, float] = field(default_factory=dict)  # the engine's score per concern
    engine_monk: int | None = None  # the Monk tone the engine measured


def merged_labels(labels: Iterable[Label]) -> dict[str, Any]:
    """What the dataset says of one analysis: the latest dermatologist write (grades, lesions,
    Monk tone, skin type) and the latest patient write (verdicts; their skin type if no
    dermatologist gave one)."""
    ordered = sorted(labels, key=lambda x: (x.created_at, x.id))
    doctor = next((x for x in reversed(ordered) if x.source is LabelSource.DERMATOLOGIST), None)
    patient = next((x for x in reversed(ordered) if x.source is LabelSource.PATIENT), None)
    skin_type = (doctor.skin_type if doctor else None) or (patient.skin_type if patient else None)
    return {
        "grades": {c.value: g for c, g in sorted(doctor.grades.items(), key=lambda i: i[0].value)}
        if doctor
        else {},
        "lesions": [[x.type.value, x.x, x.y, x.width, x.height] for x in doctor.lesions]
        if doctor
        else [],
        "monk_tone": doctor.monk_tone if doctor else None,
        "skin_type": skin_type,
        "verdicts": [[v.concern.value, v.agrees] for v in patient.verdicts] if patient else [],
    }


def lesions_in(lesions: list[list[Any]], box: tuple[int, int, int, int]) -> list[list[Any]]:
    """The lesions whose centre lies in the box, in the patch's pixels."""
    x0, y0, x1, y1 = box
    found = []
    for kind, x, y, w, h in lesions:
        cx, cy = x + w / 2, y + h / 2
        if x0 <= cx < x1 and y0 <= cy < y1:
            found.append([kind, x - x0, y - y0, w, h])
    return found


@dataclass
class Dataset:
    """The files of a dataset (path -> bytes), its records and its people; `manifest` adds the
    content hash, the counts and, when known, the origin and licence of its photos (`sources`,
    which the model card lists)."""

    files: dict[str, bytes] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)
    sources: list[str] = field(default_factory=list)

    def add_patch(
        self, item: LabelledAnalysis, region: str, box: tuple[int, int, int, int], png: bytes
    ) -> None:
        split, person = split_of(item.subject_id), pseudonym(item.subject_id)
        sample = sample_of(item.analysis_id)
        path = f"{split}/{person}/{sample}-{region}.png"
        label = merged_labels(item.labels)
        self.files[path] = png
        self.records.append(
            {
                "patch": path,
                "sha256": hashlib.sha256(png).hexdigest(),
                "split": split,
                "person": person,
                "sample": sample,
                "region": region,
                "box": list(box),
                **label,
                "lesions": lesions_in(label["lesions"], box),
                "engine": dict(sorted(item.engine.items())),
                "engine_monk": item.engine_monk,
            }
        )
        self.subjects.add(item.subject_id)

    def add_face(
        self,
        item: LabelledAnalysis,
        rgb: np.ndarray,
        points: np.ndarray,
        encode_png: Callable[[np.ndarray], bytes],
    ) -> None:
        """A patch of each main region of the face at `points` (labels are in `rgb`'s pixels)."""
        height, width = rgb.shape[:2]
        for region, (x0, y0, x1, y1) in region_boxes(points, width, height).items():
            patch = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            self.add_patch(item, region, (x0, y0, x1, y1), encode_png(patch))

    def labels_jsonl(self) -> bytes:
        ordered = sorted(self.records, key=lambda r: r["patch"])
        return "".join(json.dumps(r, sort_keys=True) + "\n" for r in ordered).encode()

    def content_hash(self) -> str:
        digest = hashlib.sha256(f"metskin-dataset-format:{FORMAT}\n".encode())
        for path in sorted(self.files):
            digest.update(f"{path}\t{hashlib.sha256(self.files[path]).hexdigest()}\n".encode())
        digest.update(self.labels_jsonl())
        return digest.hexdigest()

    def manifest(self) -> dict[str, Any]:
        content_hash = self.content_hash()
        per_label: Counter[str] = Counter()
        per_tone: Counter[str] = Counter()
        for record in self.records:
            per_label.update(f"{c}={g}" for c, g in record["grades"].items())
            per_label.update(f"lesion:{x[0]}" for x in record["lesions"])
            if record["skin_type"]:
                per_label[f"skin_type={record['skin_type']}"] += 1
            per_tone[str(record["monk_tone"] or "unlabelled")] += 1
        return {
            "format": FORMAT,
            "version": version_of(content_hash),
            "content_hash": content_hash,
            "counts": {
                "patches": len(self.records),
                "people": len(self.subjects),
                "analyses": len({r["sample"] for r in self.records}),
                "per_split": dict(sorted(Counter(r["split"] for r in self.records).items())),
                "per_region": dict(sorted(Counter(r["region"] for r in self.records).items())),
                "per_label": dict(sorted(per_label.items())),
                "per_monk_tone": dict(sorted(per_tone.items())),
                "skipped": dict(sorted(self.skipped.items())),
            },
            "splits": {name: share for name, share in SPLITS},
            **({"sources": list(self.sources)} if self.sources else {}),
        }


def version_of(content_hash: str) -> str:
    return f"ds-{content_hash[:16]}"
