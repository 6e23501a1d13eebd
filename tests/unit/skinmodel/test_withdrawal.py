"""A withdrawal counts: a learning consent taken back (or an account or a labelled analysis
erased) makes a retrain due at the next retrain job whatever the number of new labels, the
candidate it trains leaves the person out, and `skin-model list` says how many people the live
and shadow versions learnt from have left since."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from metskin.cli import skinmodel
from metskin.domain.labels.dataset import Dataset, pseudonym, version_of
from metskin.domain.labels.model import Concern, Label, LabelSource, LearningConsent
from metskin.domain.labels.service import CONSENT_WITHDRAWN, LabelService
from metskin.domain.skinmodel.model import SkinModelVersion
from metskin.domain.skinmodel.ports import TrainedCandidate
from metskin.domain.skinmodel.service import SkinModelService
from tests.fakes.infra import FakeClock
from tests.fakes.skinmodel import FakeSkinModelUnitOfWork
from tests.unit.builders import T0
from tests.unit.skinmodel.test_cli import run
from tests.unit.skinmodel.test_rollback import trained

PEOPLE = ("p1", "p2", "p3")


class Store:
    """Three consenting people, a labelled analysis each; the dataset is their pseudonyms."""

    def __init__(self) -> None:
        self.uow = FakeSkinModelUnitOfWork()
        self.clock = FakeClock(T0)
        self.registry = SkinModelService(self.uow, self.clock)
        with self.uow:
            for person in PEOPLE:
                self.uow.consents.add(LearningConsent(person, given=True))
                self.uow.labels.add(label(person, self.clock()))
            self.uow.commit()
        self.clock.advance(seconds=60)

    def build(self) -> Dataset:
        dataset = Dataset()
        labelled = self.uow.labels.for_subjects(self.uow.consents.consenting())
        for item in labelled:
            dataset.files[f"{pseudonym(item.subject_id)}/{item.analysis_id}.png"] = b"png"
            dataset.subjects.add(item.subject_id)
        return dataset

    def record(self, dataset: Dataset) -> None:
        version = version_of(dataset.content_hash())
        self.uow.dataset_members.record(version, sorted(dataset.subjects), self.clock())

    def retrain(self, min_new_labels: int = 50) -> SkinModelVersion | None:
        self.clock.advance(seconds=60)
        return self.registry.retrain_if_due(self.build, Trainer(), min_new_labels, self.record)


class Trainer:
    def train(
        self, dataset: Dataset, version: int, live: SkinModelVersion | None
    ) -> TrainedCandidate:
        made = trained(0.5, None, None)
        return TrainedCandidate(f"v{version}.pt", dataset.content_hash(), "test", made.metrics, "")


def label(person: str, at: Any, analysis: str | None = None) -> Label:
    return Label(
        id=f"l-{analysis or person}",
        analysis_id=analysis or f"a-{person}",
        subject_id=person,
        author_id="doc",
        source=LabelSource.DERMATOLOGIST,
        created_at=at,
        grades={Concern.ACNE: 2},
    )


@pytest.fixture
def store() -> Store:
    found = Store()
    first = found.retrain(min_new_labels=len(PEOPLE))
    assert first is not None and found.registry.promote(first.version).state.value == "LIVE"
    assert found.retrain() is None  # 50 new labels wanted, none written, nobody left
    return found


def test_a_withdrawn_consent_makes_a_retrain_due_whatever_the_number_of_new_labels(
    store: Store,
) -> None:
    LabelService(store.uow, store.clock).set_consent("p2", False)
    assert CONSENT_WITHDRAWN in [job.actor for job in store.uow.released]  # the job runs
    live = store.registry.version(1)
    assert store.registry.left_since(live) == 1
    second = store.retrain()
    assert second is not None and second.state.value == "CANDIDATE"  # promotion: the gate's
    assert store.uow.dataset_members.members_of(version_of(second.dataset_hash)) == ["p1", "p3"]
    assert store.registry.left_since(second) == 0
    assert store.registry.current()[0] == live  # still live until an admin promotes
    assert store.retrain() is None  # owed once: the candidate is the newest version


def test_an_erased_account_or_labelled_analysis_makes_a_retrain_due(store: Store) -> None:
    with store.uow:  # erasure: the account's consent, labels and dataset rows go
        store.uow.consents.rows.pop("p3")  # type: ignore[attr-defined]
        store.uow.labels.rows.pop("l-p3")  # type: ignore[attr-defined]
        store.uow.dataset_members.members.discard(  # type: ignore[attr-defined]
            (version_of(store.registry.version(1).dataset_hash), "p3")
        )
        store.uow.commit()
    assert store.registry.left_since(store.registry.version(1)) == 1  # counted though erased
    second = store.retrain()
    assert second is not None and second.dataset_hash != store.registry.version(1).dataset_hash

    with store.uow:  # p1 deletes their labelled analysis but still consents
        store.uow.labels.rows.pop("l-p1")  # type: ignore[attr-defined]
        store.uow.commit()
    assert store.registry.retrain_due()
    third = store.retrain()
    assert third is not None and store.retrain() is None


def test_skin_model_list_says_how_many_people_the_live_and_shadow_versions_lost(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = SimpleNamespace(skin_models=store.registry, close=lambda: None)
    monkeypatch.setattr(skinmodel, "_container", lambda: container)
    code, stdout, stderr = run("skin-model", "list")
    assert code == 0 and stdout.splitlines()[0].endswith("withdrawn=0") and stderr == ""

    LabelService(store.uow, store.clock).set_consent("p1", False)
    second = store.retrain()
    assert second is not None
    store.registry.start_shadow(second.version)
    LabelService(store.uow, store.clock).set_consent("p3", False)
    code, stdout, stderr = run("skin-model", "list")
    assert code == 0
    assert [line.rsplit("\t", 1)[1] for line in stdout.splitlines()] == [
        "withdrawn=2",
        "withdrawn=1",
    ]
    assert stderr.startswith(
        "A retrain is owed: skin-cnn-v1 (LIVE) learnt from the data of 2 people; "
        "skin-cnn-v2 (SHADOW) learnt from the data of 1 person who have since withdrawn"
    )
