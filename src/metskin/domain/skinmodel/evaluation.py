"""Held-out errors per concern and per Monk tone, of a model, the engine and the live model.

The unit is one analysis (a face): its grade per concern against a scorer's grade (a model
averages its region patches). The engine scores 0-100, not grades: its score is mapped to the
grade scale by a straight line fitted on the training split (least squares, clipped to the
scale), which is the fairest reading of the engine on the same labels. Errors are mean
absolute errors in grade steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from metskin.domain.labels.model import Concern

UNKNOWN_TONE = "unknown"


@dataclass(frozen=True)
class Graded:
    """One held-out face: its labelled grades, its Monk tone, and the grades a scorer gave."""

    sample: str
    monk_tone: int | None
    truth: Mapping[str, int]  # labels' concern name -> grade
    predicted: Mapping[str, float]


def error_table(faces: Iterable[Graded]) -> dict[str, Any]:
    """{"per_concern": {c: mae}, "per_tone": {tone: {c: mae}}, "counts": ..., "faces": n}."""
    sums: dict[str, list[float]] = defaultdict(list)
    tone_sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    count = 0
    for face in faces:
        count += 1
        tone = str(face.monk_tone) if face.monk_tone else UNKNOWN_TONE
        for concern, grade in face.truth.items():
            if concern not in face.predicted:
                continue
            error = abs(float(face.predicted[concern]) - grade)
            sums[concern].append(error)
            tone_sums[tone][concern].append(error)
    return {
        "faces": count,
        "per_concern": {c: _mean(v) for c, v in sorted(sums.items())},
        "counts": {c: len(v) for c, v in sorted(sums.items())},
        "per_tone": {
            t: {c: _mean(v) for c, v in sorted(by.items())} for t, by in sorted(tone_sums.items())
        },
        "tone_counts": {t: max(len(v) for v in by.values()) for t, by in sorted(tone_sums.items())},
    }


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4)


@dataclass(frozen=True)
class EngineLine:
    """grade = slope * score + intercept, clipped to the concern's scale."""

    slope: float
    intercept: float

    def grade(self, concern: str, score: float) -> float:
        top = Concern(concern).max_grade
        return min(max(self.slope * score + self.intercept, 0.0), float(top))


def fit_engine_lines(pairs: Iterable[tuple[str, float, int]]) -> dict[str, EngineLine]:
    """Per concern, the least-squares line from the engine's score to the grade on training
    faces (concern, score, grade). A concern with one distinct score gets a flat line."""
    by: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for concern, score, grade in pairs:
        by[concern].append((score, grade))
    lines = {}
    for concern, points in by.items():
        n = len(points)
        mean_x = sum(p[0] for p in points) / n
        mean_y = sum(p[1] for p in points) / n
        var = sum((p[0] - mean_x) ** 2 for p in points)
        cov = sum((p[0] - mean_x) * (p[1] - mean_y) for p in points)
        slope = cov / var if var > 1e-9 else 0.0
        lines[concern] = EngineLine(slope, mean_y - slope * mean_x)
    return lines


def engine_grades(scores: Mapping[str, float], lines: Mapping[str, EngineLine]) -> dict[str, float]:
    """The engine's face scores (labels' concern name -> 0-100) read as grades."""
    return {c: lines[c].grade(c, s) for c, s in scores.items() if c in lines}
