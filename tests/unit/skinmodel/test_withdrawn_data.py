"""Data nobody may learn from any more stays out of every model: a dataset folder written before
a person withdrew their learning consent (or before their labelled photo was deleted) is refused
by the commands that train or evaluate on it, and a version that learnt from people who have
left since is neither promoted, put in shadow nor brought back by a rollback. Evaluating a
version on a folder other than the one it was trained on says so."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from metskin.cli import skinmodel
from metskin.domain.labels.dataset import Dataset, pseudonym, sample_of, version_of
from metskin.domain.labels.export import Gone, gone_from
from metskin.domain.labels.service import LabelService
from metskin.domain.skinmodel.errors import GateRefused
from metskin.domain.skinmodel.model import ModelState
from tests.unit.skinmodel.test_cli import run
from tests.unit.skinmodel.test_rollback import trained
from tests.unit.skinmodel.test_withdrawal import PEOPLE, Store

PATCH = cv2.imencode(".png", np.full((32, 32, 3), 180, np.uint8))[1].tobytes()


def exported(store: Store, tmp_path: Path, sources: list[str] | None = None) -> Path:
    """The folder `dataset export` would write now: a face of each person (p1 in the test
    split, the others in train), with its labels and the engine's readings."""
    folder = tmp_path / "ds"
    records = []
    for person in PEOPLE:
        split = "test" if person == "p1" else "train"
        patch = f"{split}/{pseudonym(person)}/{sample_of(f'a-{person}')}-nose.png"
        (folder / patch).parent.mkdir(parents=True, exist_ok=True)
        (folder / patch).write_bytes(PATCH)
        records.append(
            {"patch": patch, "person": pseudonym(person), "sample": sample_of(f"a-{person}"),
             "split": split, "region": "nose", "grades": {"ACNE": 2}, "monk_tone": 4,
             "engine": {"ACNE": 40.0}, "engine_monk": 4, "lesions": []}
        )  # fmt: skip
    (folder / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    manifest = {"version": "ds-x", **({"sources": sources} if sources else {})}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def dataset_of(folder: Path) -> Dataset:
    from metskin.cli.dataset import read_dataset

    return read_dataset(folder)[0]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    """Three consenting people with a labelled analysis each; the commands' container is the
    fakes' (nothing registered yet)."""
    found = Store()
    container = SimpleNamespace(
        skin_models=found.registry,
        new_uow=found.uow,
        settings=SimpleNamespace(models_dir=tmp_path / "models"),
        close=lambda: None,
    )
    monkeypatch.setattr(skinmodel, "_container", lambda: container)
    return found


def test_a_dataset_keeps_only_faces_of_people_who_still_consent(
    store: Store, tmp_path: Path
) -> None:
    folder = exported(store, tmp_path)
    assert gone_from(store.uow, dataset_of(folder)) == Gone(faces=0, people=0, of_faces=3)
    LabelService(store.uow, store.clock).set_consent("p1", False)
    assert gone_from(store.uow, dataset_of(folder)) == Gone(faces=1, people=1, of_faces=3)
    with store.uow:  # p2 deletes their labelled photo (its labels go with it), still consenting
        store.uow.labels.rows.pop("l-p2")  # type: ignore[attr-defined]
        store.uow.commit()
    assert gone_from(store.uow, dataset_of(folder)) == Gone(faces=2, people=2, of_faces=3)


@pytest.mark.parametrize(
    "command",
    [
        ("train-skin-model", "--epochs", "1"),
        ("evaluate-engine",),
    ],
)
def test_training_or_evaluating_on_a_folder_exported_before_a_withdrawal_is_refused(
    store: Store, tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = exported(store, tmp_path)
    LabelService(store.uow, store.clock).set_consent("p1", False)
    code, stdout, stderr = run(*command, "--dataset", str(folder))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        f"DATASET_CONSENT_WITHDRAWN: {folder}: 1 of its 3 faces (1 person) may no longer be "
        "learnt from: their learning consent was withdrawn"
    )
    assert "Export the dataset again" in stderr
    assert store.registry.versions() == []  # nothing trained, nothing registered


def test_an_imported_dataset_holds_no_account_s_data_and_is_not_asked_about(
    store: Store, tmp_path: Path
) -> None:
    folder = exported(store, tmp_path, sources=["A clinic. Licence: CC BY 4.0."])
    LabelService(store.uow, store.clock).set_consent("p1", False)
    code, stdout, _ = run("evaluate-engine", "--dataset", str(folder))
    assert code == 0 and json.loads(stdout)["faces"] == 3


def test_a_version_that_learnt_from_people_who_left_is_neither_promoted_nor_shadowed(
    store: Store,
) -> None:
    registry = store.registry
    first = store.retrain(min_new_labels=len(PEOPLE))
    assert first is not None and registry.promote(first.version).state is ModelState.LIVE
    old = first.dataset_hash  # p1, p2, p3
    LabelService(store.uow, store.clock).set_consent("p1", False)

    # Trained again on the folder exported before p1 withdrew (as `train-skin-model` did).
    stale = registry.register(dataclasses.replace(trained(0.3, 1, 0.5), dataset_hash=old))
    decision = registry.gate(stale.version)
    assert not decision.passed
    assert decision.reasons == (
        "it learnt from the data of 1 person who have since withdrawn their learning consent "
        "(or whose account was erased); train a candidate on a fresh export (`metskin dataset "
        "export`) without them",
    )
    with pytest.raises(GateRefused, match="learnt from the data of 1 person"):
        registry.promote(stale.version)
    with pytest.raises(GateRefused, match="not put in shadow"):
        registry.start_shadow(stale.version)
    assert registry.version(stale.version).state is ModelState.CANDIDATE

    # Trained on a fresh export, without p1: promoted through the gate.
    fresh = store.build()
    store.record(fresh)
    made = dataclasses.replace(trained(0.3, 1, 0.5), dataset_hash=fresh.content_hash())
    assert version_of(made.dataset_hash) != version_of(old)
    assert registry.promote(registry.register(made).version).state is ModelState.LIVE

    # Rolling back does not bring back the version that learnt from p1: the engine scores.
    assert registry.rollback() is None
    assert registry.current() == (None, None)
    assert registry.version(first.version).state is ModelState.RETIRED


def test_a_rollback_says_why_the_version_replaced_is_not_brought_back(store: Store) -> None:
    registry = store.registry
    first = store.retrain(min_new_labels=len(PEOPLE))
    assert first is not None and registry.promote(first.version)
    LabelService(store.uow, store.clock).set_consent("p1", False)
    fresh = store.build()
    store.record(fresh)
    made = dataclasses.replace(trained(0.3, 1, 0.5), dataset_hash=fresh.content_hash())
    registry.promote(registry.register(made).version)

    code, stdout, stderr = run("skin-model", "rollback")
    assert (code, stdout) == (0, "the engine scores all\n")
    assert stderr.startswith(
        "skin-cnn-v1, which skin-cnn-v2 replaced, is not brought back: it learnt from the data "
        "of 1 person who since withdrew their learning consent (or whose account was erased)."
    )


def test_evaluating_a_version_on_another_dataset_than_its_own_says_so(
    store: Store, tmp_path: Path
) -> None:
    """Its registered figures (what the gate judges) are of the dataset it was trained on;
    the same command on another export gives other figures, which it now says."""
    from metskin.adapters.ml.skin_cnn import CnnConfig, LoadedCnn, build, save
    from metskin.domain.skinmodel.ports import TrainedCandidate

    folder = exported(store, tmp_path)
    config = CnnConfig(("ACNE",))
    weights = save(LoadedCnn(build(config), config), tmp_path / "models", "skin-cnn-v1", "")
    own = dataset_of(folder).content_hash()
    for version, trained_on in ((1, own), (2, "b" * 64)):
        registry = store.registry
        registry.register(TrainedCandidate(weights, trained_on, "c", {}, ""), version)
    code, stdout, stderr = run("evaluate-skin-model", "--dataset", str(folder), "--version", "1")
    assert code == 0 and json.loads(stdout)["candidate"] and stderr == ""
    code, stdout, stderr = run("evaluate-skin-model", "--dataset", str(folder), "--version", "2")
    assert code == 0 and json.loads(stdout)["candidate"]
    assert stderr == (
        f"skin-cnn-v2 was trained on ds-bbbbbbbbbbbbbbbb; these figures are of "
        f"{version_of(own)}, so they are not the ones registered with it (`skin-model gate` "
        "judges those)."
    )
