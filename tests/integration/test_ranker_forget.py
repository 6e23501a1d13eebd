"""An erased account, and a rater who withdrew their learning consent, are forgotten in every
saved version of the learned recommender: their id, the embedding row learnt from their
ratings and their skin's features (`adapters/ml/ranker_forget.py`)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch

from metskin.adapters.ml.ranker_forget import (
    FORGOTTEN,
    forget_account,
    forget_withdrawn_raters,
)
from metskin.adapters.ml.recommender import load
from metskin.adapters.ml.recommender_files import model_files, retire_newest
from tests.integration.test_ranker_versions import export, train  # noqa: F401  (fixture)


def _ids(path: Path) -> list[str]:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return list(meta["config"]["user_ids"])


@pytest.fixture
def models(tmp_path: Path, export: Path) -> Path:  # noqa: F811
    """Two saved versions, the newer rolled back."""
    folder = tmp_path / "models"
    for _ in range(2):
        assert train(export, folder)[0] == 0
    assert retire_newest(folder) is not None
    return folder


def _versions(models: Path) -> list[Path]:
    return [p for _, _, p in model_files(models) + model_files(models, "retired-")]


def test_an_erased_account_is_forgotten_in_every_saved_version(models: Path) -> None:
    (serving,) = [p for _, _, p in model_files(models)]
    gone, kept = _ids(serving)[:2]
    before = load(serving)
    kept_scores = before.scores(kept)
    assert before.knows_user(gone) and before.scores(gone) is not None

    assert forget_account(models, gone) == 2  # one row in each of the two versions
    for path in _versions(models):
        ids = _ids(path)
        assert gone not in ids and ids.count(FORGOTTEN) == 1 and kept in ids
        row = ids.index(FORGOTTEN) + 1
        state = torch.load(path, weights_only=True, map_location="cpu")
        assert not state["users.ids.weight"][row].any()
        assert not state["user_features"][row].any()
    after = load(serving)
    assert not after.knows_user(gone)
    assert after.scores(kept) == kept_scores  # everyone else is scored as before
    assert forget_account(models, gone) == 0  # again: nothing left to forget
    assert not [p for p in models.iterdir() if p.name.endswith(".tmp")]


def test_raters_who_withdrew_are_forgotten_and_others_kept(models: Path) -> None:
    (serving,) = [p for _, _, p in model_files(models)]
    withdrew, consents, stranger = _ids(serving)[:3]
    accounts = {withdrew, consents}  # the third rater is no account (ratings from a file)

    @contextmanager
    def uow() -> Any:
        users = SimpleNamespace(
            list_by_ids=lambda ids: [SimpleNamespace(id=i) for i in ids if i in accounts]
        )
        yield SimpleNamespace(users=users, consents=SimpleNamespace(consenting=lambda: [consents]))

    assert forget_withdrawn_raters(uow, models) == 2
    ids = _ids(serving)
    assert withdrew not in ids and consents in ids and stranger in ids
    assert forget_withdrawn_raters(uow, models) == 0


def test_the_withdrawal_s_job_forgets_before_it_trains_again() -> None:
    from metskin.domain.labels.service import CONSENT_WITHDRAWN, LABEL_WRITTEN
    from metskin.workers.skinmodel import skin_model_actors

    done: list[str] = []
    actors = {
        spec.name: spec.fn
        for spec in skin_model_actors(lambda: done.append("retrain"), lambda: done.append("forget"))
    }
    actors[CONSENT_WITHDRAWN]()
    actors[LABEL_WRITTEN]("label-1")
    assert done == ["forget", "retrain", "retrain"]  # a new label forgets nobody
