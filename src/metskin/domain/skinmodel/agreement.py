"""How well the engine's readings agree with labelled photos (an imported set of graded
photos, `metskin dataset import`, or the company's export): the measures issue 12 asks of real
photos, each per labelled Monk tone with the worst tone beside the median one.

- Per concern: Spearman of the engine's whole-face score with the grade, and the AUC of the
  score for affected faces (grade 1 or more; and 2 or more: moderate) against clear ones
  (grade 0), over the faces the engine measured; faces it refused are counted apart.
- Monk: the engine's tone against the labelled one: exact, within one step, mean steps off.

The engine learns nothing from the labels, so every split is held out for it. The unit is a
face (a dataset sample: its patches carry the same labels and engine readings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_TONE_FACES = 5  # fewer faces than this on a tone: reported, left out of worst / median
UNKNOWN = "unknown"


@dataclass(frozen=True)
class LabelledFace:
    sample: str
    grades: Mapping[str, int]
    monk_tone: int | None  # labelled
    engine: Mapping[str, float]  # the engine's whole-face scores (none when it refused)
    engine_monk: int | None

    @property
    def tone(self) -> str:
        """The tone the face is reported under: the labelled one, else the engine's."""
        tone = self.monk_tone or self.engine_monk
        return str(tone) if tone else UNKNOWN


def faces_of(records: Iterable[Mapping[str, Any]], split: str | None = None) -> list[LabelledFace]:
    """One face per dataset sample (of `split`, or every split)."""
    found: dict[str, LabelledFace] = {}
    for record in records:
        if (split is None or record["split"] == split) and record["sample"] not in found:
            found[record["sample"]] = LabelledFace(
                record["sample"],
                dict(record.get("grades") or {}),
                record.get("monk_tone"),
                dict(record.get("engine") or {}),
                record.get("engine_monk"),
            )
    return [found[sample] for sample in sorted(found)]


def ranks(values: Sequence[float]) -> np.ndarray:
    """1-based ranks, ties given their average rank."""
    array = np.asarray(values, dtype=np.float64)
    order = np.argsort(array, kind="mergesort")
    ranked = np.empty(len(array))
    ranked[order] = np.arange(1, len(array) + 1)
    for value in np.unique(array):
        tied = array == value
        ranked[tied] = ranked[tied].mean()
    return ranked


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """None with fewer than 3 faces or nothing to rank on either side."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return round(float(np.corrcoef(ranks(x), ranks(y))[0, 1]), 4)


def auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """P(an affected face scores above a clear one), ties half; None without both."""
    if not len(positive) or not len(negative):
        return None
    above = np.asarray(positive)[:, None] - np.asarray(negative)[None, :]
    return round(float(((above > 0) + 0.5 * (above == 0)).mean()), 4)


def worst_and_median(per_tone: Mapping[str, Mapping[str, Any]], key: str, worst: str) -> Any:
    """{"worst_tone", "worst", "median", "ratio"} of `key` over the tones with enough faces
    (`worst` "max" when larger is worse, "min" when smaller is)."""
    values = {
        tone: row[key]
        for tone, row in per_tone.items()
        if row["faces"] >= MIN_TONE_FACES and row.get(key) is not None
    }
    if len(values) < 2:
        return None
    pick = max if worst == "max" else min
    tone = pick(values, key=lambda t: values[t])
    median = float(np.median(list(values.values())))
    ratio = values[tone] / median if median else None
    return {
        "worst_tone": tone,
        "worst": values[tone],
        "median": round(median, 4),
        "ratio": round(ratio, 3) if ratio is not None else None,
    }


def concern_agreement(faces: Sequence[LabelledFace], concern: str) -> dict[str, Any]:
    graded = [f for f in faces if concern in f.grades]
    measured = [f for f in graded if concern in f.engine]

    def scores(chosen: Iterable[LabelledFace], lowest: int) -> list[float]:
        return [f.engine[concern] for f in chosen if f.grades[concern] >= lowest]

    def rho(group: Sequence[LabelledFace]) -> float | None:
        return spearman([f.engine[concern] for f in group], [f.grades[concern] for f in group])

    clear = [f.engine[concern] for f in measured if f.grades[concern] == 0]
    by_tone: dict[str, list[LabelledFace]] = defaultdict(list)
    for face in measured:
        by_tone[face.tone].append(face)
    per_tone = {
        tone: {
            "faces": len(group),
            "spearman": rho(group),
            "clear_score_median": _median(
                [f.engine[concern] for f in group if f.grades[concern] == 0]
            ),
        }
        for tone, group in sorted(by_tone.items())
    }
    return {
        "faces": len(measured),
        "not_measured": len(graded) - len(measured),
        "spearman": rho(measured),
        "auc_any": auc(scores(measured, 1), clear),
        "auc_moderate": auc(scores(measured, 2), clear),
        "per_tone": per_tone,
        "worst_tone_spearman": worst_and_median(per_tone, "spearman", "min"),
    }


def monk_agreement(faces: Sequence[LabelledFace]) -> dict[str, Any]:
    labelled = [f for f in faces if f.monk_tone]
    pairs = [(f.monk_tone, f.engine_monk) for f in labelled if f.monk_tone and f.engine_monk]
    by_tone: dict[str, list[int]] = defaultdict(list)
    for truth, measured in pairs:
        by_tone[str(truth)].append(abs(measured - truth))
    per_tone = {
        tone: _steps_off(steps)
        for tone, steps in sorted(by_tone.items(), key=lambda item: int(item[0]))
    }
    steps = [abs(measured - truth) for truth, measured in pairs]
    return {
        **_steps_off(steps),
        "not_measured": len(labelled) - len(pairs),
        "exact": _share([s == 0 for s in steps]),
        "per_tone": per_tone,
        "worst_tone": worst_and_median(per_tone, "mean_steps_off", "max"),
    }


def engine_agreement(records: Iterable[Mapping[str, Any]], split: str | None = None) -> Any:
    """The report: faces, the concerns graded in the set, and the Monk tone."""
    faces = faces_of(records, split)
    concerns = sorted({c for f in faces for c in f.grades})
    return {
        "faces": len(faces),
        "refused": sum(1 for f in faces if not f.engine),
        "concerns": {c: concern_agreement(faces, c) for c in concerns},
        "monk": monk_agreement(faces),
    }


def _steps_off(steps: list[int]) -> dict[str, Any]:
    """Faces, mean Monk steps off and the share within one step (None without faces)."""
    return {
        "faces": len(steps),
        "mean_steps_off": round(float(np.mean(steps)), 3) if steps else None,
        "within_one": _share([s <= 1 for s in steps]),
    }


def _share(kept: list[bool]) -> float | None:
    return round(float(np.mean(kept)), 3) if kept else None


def _median(values: list[float]) -> float | None:
    return round(float(np.median(values)), 2) if values else None
