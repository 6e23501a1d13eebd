"""Where the London Set lies (../shared/data, CC BY 4.0) and its self-reported groups: one place
for the analysis tests and the benches. The group is a sanity check, never a label to fit."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

LONDON = Path(__file__).resolve().parents[2].parent / "shared/data/london-faces"
SMILING = LONDON.parent / "london-faces-smiling"  # the same people smiling, same session
FRINGES = ("003", "143")  # a fringe hides most of the forehead: nothing planted there shows


def open_foreheads(paths: list[Path], count: int) -> list[Path]:
    """The first `count` of `paths` whose forehead is not under a fringe."""
    return [path for path in paths if not path.name.startswith(FRINGES)][:count]


def self_reported_groups() -> dict[str, str]:
    """Face id ("001") -> self-reported group ("white", "black", ...)."""
    with (LONDON / "london_info.csv").open() as handle:
        return {row["face_id"]: row["face_eth"] for row in csv.DictReader(handle)}


def age_and_gender() -> dict[str, tuple[float, float]]:
    """Face id -> (age in years, NaN when not given; 1.0 for "male", else 0.0)."""
    with (LONDON / "london_info.csv").open() as handle:
        return {
            row["face_id"]: (
                float(row["face_age"].replace("NA", "nan")),
                float(row["face_gender"] == "male"),
            )
            for row in csv.DictReader(handle)
        }


def tone_table(results, concern: str, region: str | None = None) -> tuple[np.ndarray, ...]:
    """Score (whole face, or `region`'s), Monk, age and male, for the analysed London photos
    (`results`: face id -> a face with `.result`) whose age is known and that have the score."""
    known = age_and_gender()
    rows = []
    for face in results.values():
        found = face.result.concern(concern)
        score = found.score if region is None else found.regions.get(region)
        if score is not None:
            rows.append((score, face.result.tone.monk, *known[face.face_id]))
    score, monk, age, male = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    aged = np.isfinite(age)
    return score[aged], monk[aged], age[aged], male[aged]


TONE_BANDS = {"M1-3": (1, 3), "M4": (4, 4), "M5": (5, 5), "M6-10": (6, 10)}  # 8+ photos each


def band_medians(score: np.ndarray, monk: np.ndarray, statistic=np.median) -> dict[str, float]:
    """Median (or `statistic`) score per pooled Monk band (the ends of the scale hold 1-4 photos
    per tone in this set, where a median is one photo's score); each band must hold 8+ photos."""
    chosen = {name: (monk >= low) & (monk <= high) for name, (low, high) in TONE_BANDS.items()}
    counts = {name: int(np.count_nonzero(inside)) for name, inside in chosen.items()}
    assert min(counts.values()) >= 8, counts
    return {name: float(statistic(score[inside])) for name, inside in chosen.items()}


def jumps(neutral, smiling, concern: str, region: str, by: float = 50.0) -> list[str]:
    """The faces whose `region` score of `concern` moves by more than `by` between their
    neutral and smiling results (same session: a retake, not a change); a face whose region
    is not measured in one of them (under stubble, say) is left out."""
    scores = [
        (face, shot.result.concern(concern).regions, smiling[face].result.concern(concern).regions)
        for face, shot in neutral.items()
    ]
    return [
        face
        for face, before, after in scores
        if region in before and region in after and abs(before[region] - after[region]) > by
    ]
