"""`metskin dataset import` on real photos (three London faces, CC BY 4.0): the face mesh finds
each face, the engine's scores and Monk tone sit beside the imported labels, the manifest says
where the photos come from and under which licence, and a non-commercial licence stops the
import with its code before anything is written; `metskin evaluate-engine` then reads the
engine against those labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.analysis.london import LONDON
from tests.unit.skinmodel.test_cli import run

ORIGIN = "Face Research Lab London Set (DeBruine & Jones 2017)"


def test_labelled_real_photos_become_a_dataset(tmp_path: Path) -> None:
    if not (LONDON / "043_03.jpg").exists():
        pytest.skip("London faces not available")
    labels = tmp_path / "labels.csv"
    labels.write_text("file,acne,monk_tone\n001_03.jpg,0,3\n043_03.jpg,1,8\n061_03.jpg,2,\n")
    out = tmp_path / "out"
    common = (
        "dataset",
        "import",
        str(LONDON),
        "--labels",
        str(labels),
        "--origin",
        ORIGIN,
        "--out",
        str(out),
    )

    code, _, stderr = run(*common, "--licence", "CC BY-NC 4.0")
    assert code == 2 and "DATASET_LICENCE_REFUSED" in stderr
    assert not out.exists()

    code, stdout, stderr = run(*common, "--licence", "CC BY 4.0")
    assert code == 0, stderr
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["counts"]["analyses"] == 3 and summary["counts"]["patches"] == 21
    folder = out / summary["version"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sources"] == [f"{ORIGIN} Licence: CC BY 4.0."]
    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines()]
    by_label = {(r["grades"]["ACNE"], r["monk_tone"], r["engine_monk"]) for r in records}
    assert len(by_label) == 3
    measured = {grade: monk for grade, _, monk in by_label}
    assert measured[0] <= 4 and measured[1] >= 6  # the engine's Monk of 001 and of 043
    assert all(set(r["engine"]) >= {"ACNE", "REDNESS", "PIGMENTATION"} for r in records)
    assert all((folder / r["patch"]).stat().st_size > 0 for r in records)

    # The engine against these labels: the two labelled tones, the acne grades.
    code, stdout, stderr = run("evaluate-engine", "--dataset", str(folder))
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["sources"] == manifest["sources"] and report["faces"] == 3
    assert report["monk"]["faces"] == 2 and set(report["monk"]["per_tone"]) == {"3", "8"}
    assert report["concerns"]["ACNE"]["faces"] == 3
