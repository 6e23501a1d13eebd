"""Where the London Set lies (../shared/data, CC BY 4.0) and its self-reported groups: one place
for the analysis tests and the benches. The group is a sanity check, never a label to fit."""

from __future__ import annotations

import csv
from pathlib import Path

LONDON = Path(__file__).resolve().parents[2].parent / "shared/data/london-faces"
SMILING = LONDON.parent / "london-faces-smiling"  # the same people smiling, same session


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
