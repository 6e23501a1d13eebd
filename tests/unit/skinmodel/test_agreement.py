"""The engine against labelled photos (`domain/skinmodel/agreement.py`): Spearman with ties,
AUC, faces the engine refused counted apart, everything per labelled Monk tone with the worst
tone beside the median one, and the Monk tone's steps off."""

from __future__ import annotations

from typing import Any

import pytest
from scipy.stats import spearmanr

from metskin.domain.skinmodel.agreement import (
    MIN_TONE_FACES,
    auc,
    engine_agreement,
    ranks,
    spearman,
)


def record(sample: str, split: str = "test", **values: Any) -> dict[str, Any]:
    return {
        "sample": sample,
        "split": split,
        "grades": values.get("grades", {}),
        "monk_tone": values.get("monk"),
        "engine": values.get("engine", {}),
        "engine_monk": values.get("engine_monk"),
    }


def test_ranks_and_spearman_match_scipy_with_ties() -> None:
    x, y = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], [0, 0, 1, 0, 2, 3, 1, 2]
    assert list(ranks([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]
    assert spearman(x, y) == pytest.approx(spearmanr(x, y)[0], abs=1e-4)
    assert spearman([1, 2], [1, 2]) is None and spearman([1, 1, 1], [0, 1, 2]) is None


def test_auc_counts_ties_half() -> None:
    assert auc([3, 4], [1, 2]) == 1.0
    assert auc([1, 2], [3, 4]) == 0.0
    assert auc([2], [2]) == 0.5
    assert auc([], [1]) is None


def test_the_report_per_concern_and_per_tone() -> None:
    # Monk 2: the score follows the grade exactly; Monk 9 (read as 7): it runs against it.
    records = [
        record(
            f"{prefix}{index}",
            grades={"ACNE": index % 4},
            monk=monk,
            engine={"ACNE": offset + slope * (index % 4)},
            engine_monk=measured,
        )
        for prefix, monk, measured, offset, slope in (
            ("a", 2, 2, 0.0, 10.0),
            ("b", 9, 7, 40.0, -10.0),
        )
        for index in range(MIN_TONE_FACES)
    ]
    records.append(record("refused", grades={"ACNE": 3}, monk=9))
    records.append(record("a0", split="train", grades={"ACNE": 4}))  # a second patch: same face
    report = engine_agreement(records)
    assert report["faces"] == 11 and report["refused"] == 1
    acne = report["concerns"]["ACNE"]
    assert acne["faces"] == 10 and acne["not_measured"] == 1
    assert acne["per_tone"]["2"]["spearman"] == 1.0
    assert acne["per_tone"]["9"]["spearman"] == -1.0
    assert acne["per_tone"]["2"]["clear_score_median"] == 0.0
    assert acne["per_tone"]["9"]["clear_score_median"] == 40.0
    worst = acne["worst_tone_spearman"]
    assert worst["worst_tone"] == "9" and worst["worst"] == -1.0 and worst["median"] == 0.0
    assert acne["auc_any"] is not None and acne["auc_any"] < 1.0
    monk = report["monk"]
    assert (monk["faces"], monk["not_measured"]) == (10, 1)
    assert monk["exact"] == 0.5 and monk["within_one"] == 0.5 and monk["mean_steps_off"] == 1.0
    assert monk["per_tone"]["9"] == {"faces": 5, "mean_steps_off": 2.0, "within_one": 0.0}
    assert monk["worst_tone"]["worst_tone"] == "9"


def test_a_split_is_reported_alone() -> None:
    records = [
        record("a", split="train", grades={"REDNESS": 1}, engine={"REDNESS": 5.0}),
        record("b", split="test", grades={"REDNESS": 0}, engine={"REDNESS": 1.0}),
    ]
    assert engine_agreement(records, "test")["faces"] == 1
    assert engine_agreement(records)["concerns"]["REDNESS"]["auc_any"] == 1.0
