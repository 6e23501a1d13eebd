"""Progress across a learned model's promotion: whole-face scores compared from one scorer.

Once a model is live, a result shows the model's score (`scored_by: skin-cnn-vN`) and keeps
the engine's beside it (`engine_score`); its regions stay the engine's. A pair built as the
reviewer built it: the same photo twice, the second after a model went live for acne and
wrinkles (`skinmodel.model.apply_scores`)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.progress.deltas import FACE, Change, RegionDelta, region_deltas
from metskin.domain.progress.service import ProgressService
from metskin.domain.skinmodel.model import FaceScores, apply_scores
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import FakeClock, FakeEngine, FakeEventBus, FakeStorage
from tests.unit.builders import T0, analysis, result

MODEL = "skin-cnn-v1"


def engine_scored() -> dict[str, Any]:
    """A result the engine scored (as the worker stores it before any model is live)."""
    found = result(
        acne={"score": 0.0, "regions": {"cheek_left": 2.0, "forehead": 0.0}},
        wrinkles={"score": 43.6, "regions": {"forehead": 51.0, "crow_left": 38.0}},
        redness={"score": 20.0, "regions": {"cheek_left": 22.0}},
    )
    apply_scores(found, FaceScores())
    return found


def model_scored(base: dict[str, Any], **shown: float) -> dict[str, Any]:
    later = copy.deepcopy(base)
    apply_scores(later, FaceScores(shown={name: (v, MODEL) for name, v in shown.items()}))
    return later


def by_key(deltas: list[RegionDelta]) -> dict[tuple[str, str], RegionDelta]:
    return {(d.concern, d.region): d for d in deltas}


def test_the_same_photo_before_and_after_a_model_went_live_reads_no_change() -> None:
    """Before: acne 0 -> 25 INCREASED and wrinkles 43.6 -> 8.6 DECREASED, unflagged."""
    before = engine_scored()
    after = model_scored(before, acne=25.0, wrinkles=8.6)
    assert after["concerns"]["acne"]["scored_by"] == MODEL  # the pair is what the worker writes
    deltas = by_key(
        region_deltas(ResultReadout.from_stored(before), ResultReadout.from_stored(after))
    )
    for concern, value in (("acne", 0.0), ("wrinkles", 43.6)):
        face = deltas[(concern, FACE)]
        assert (face.before, face.after, face.change) == (value, value, Change.NO_CHANGE)
    assert deltas[("wrinkles", "forehead")].delta == 0.0  # regions: the engine's on both sides
    assert {d.change for d in deltas.values()} == {Change.NO_CHANGE}


def test_two_results_of_one_model_compare_its_scores() -> None:
    base = engine_scored()
    first, second = model_scored(base, acne=10.0), model_scored(base, acne=40.0)
    acne = by_key(
        region_deltas(ResultReadout.from_stored(first), ResultReadout.from_stored(second))
    )
    assert (acne[("acne", FACE)].before, acne[("acne", FACE)].after) == (10.0, 40.0)
    assert acne[("acne", FACE)].change is Change.INCREASED


def test_a_score_without_the_engine_s_beside_it_is_flagged_and_no_change_is_called() -> None:
    """A model-scored result that does not keep the engine's score (written by hand): the
    two scores are shown as they are, no change is called, the comparison is flagged."""
    before = engine_scored()
    after = model_scored(before, acne=60.0)
    del after["concerns"]["acne"]["engine_score"]
    uow = FakeAnalysisUnitOfWork()
    for name, (days, found) in {"b1": (0, before), "b2": (28, after)}.items():
        uow.analyses.add(analysis(name, "p1", days=days))
        uow.analyses.add_result(name, found, None)
    analyses = AnalysisService(uow, FakeStorage(), FakeEngine(), FakeEventBus(), FakeClock())
    compared = ProgressService(analyses).compare("p1", Role.PATIENT, "b1", "b2")
    acne = by_key(compared.deltas)[("acne", FACE)]
    assert (acne.before, acne.after, acne.comparable, acne.change) == (
        0.0,
        60.0,
        False,
        Change.NO_CHANGE,
    )
    assert compared.comparability.flagged and "SCORER" in compared.comparability.reasons
    assert by_key(compared.deltas)[("redness", FACE)].comparable  # the others compare as ever


@pytest.fixture
def progress() -> ProgressService:
    """p1: an engine-scored result, then two after the model went live (the same photo)."""
    uow = FakeAnalysisUnitOfWork()
    base = engine_scored()
    for number, found in enumerate(
        [base, model_scored(base, acne=25.0), model_scored(base, acne=30.0, wrinkles=8.6)]
    ):
        uow.analyses.add(analysis(f"a{number + 1}", "p1", days=number * 28))
        uow.analyses.add_result(f"a{number + 1}", found, None)
    analyses = AnalysisService(uow, FakeStorage(), FakeEngine(), FakeEventBus(), FakeClock())
    return ProgressService(analyses)


def test_a_trend_across_the_promotion_follows_the_engine_s_scores(
    progress: ProgressService,
) -> None:
    end = T0 + np.timedelta64(90, "D").item()
    report = progress.progress("p1", Role.PATIENT, "p1", T0, end)
    assert [p.value for p in report.trends["acne"]] == [0.0, 0.0, 0.0]
    assert [p.value for p in report.trends["wrinkles"]] == [43.6, 43.6, 43.6]
    assert report.comparison is not None
    assert {d.change for d in report.comparison.deltas} == {Change.NO_CHANGE}
