"""The skin model registry on a real store, with the real engine: a version registered and
promoted through the gate scores the concern it beat the engine on in the next analysis (the
others say "engine"), a version in shadow has its scores kept in SQL and never shown, a second
shadow write of the same analysis is ignored, and rollback returns every score to the engine;
rollback brings back the version replaced, never one rolled back."""

from __future__ import annotations

import shutil
from pathlib import Path

from metskin.bootstrap import bootstrap
from metskin.domain.skinmodel.evaluation import Graded, error_table
from metskin.domain.skinmodel.model import ENGINE, ModelState
from metskin.domain.skinmodel.ports import TrainedCandidate
from metskin.settings import Settings
from tests.media_samples import face_jpeg
from tests.unit.skinmodel.test_rollback import EXPECTED, live_after_each_step

BOOTSTRAP = Path(__file__).resolve().parents[2] / "src/metskin/data/skinmodel"
PASSWORD = "tea-and-toast-77"


def passing_metrics() -> dict:
    """Held-out tables in which the model beats the engine on acne, on every tone (each of the
    ten has held-out faces, so the model scores the test face whatever its measured tone)."""
    faces = [(f"f{i}", 1 + i % 10, {"ACNE": 2}) for i in range(20)]
    model = error_table(Graded(s, t, g, {"ACNE": 2.2}) for s, t, g in faces)
    engine = error_table(Graded(s, t, g, {"ACNE": 3.0}) for s, t, g in faces)
    return {"candidate": model, "engine": engine, "live": None, "live_version": None}


def candidate(name: str, models: Path) -> TrainedCandidate:
    for suffix in (".pt", ".json", ".md"):
        shutil.copy(BOOTSTRAP / f"skin-cnn-v1{suffix}", models / f"{name}{suffix}")
    return TrainedCandidate(f"{name}.pt", "a" * 64, "test", passing_metrics(), "card")


def test_promoted_shadowed_and_rolled_back_on_the_real_store(settings: Settings) -> None:
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    container = bootstrap(settings)
    registry = container.skin_models
    patient = container.accounts.register("pat@example.com", PASSWORD)
    container.photo_consent.give(patient.id)
    media = container.media.upload(patient.id, face_jpeg(512))

    def analyse() -> tuple[str, dict]:
        started = container.analyses.start(patient.id, media.id)
        container.analyses.run(started.id)
        return started.id, container.analyses.results([started.id])[started.id][0]["concerns"]

    _, before = analyse()
    assert {c["scored_by"] for c in before.values()} == {ENGINE}

    first = registry.register(candidate("skin-cnn-v1", settings.models_dir))
    live = registry.promote(first.version)
    assert (live.state, live.uses) == (ModelState.LIVE, ("ACNE",))
    second = registry.register(candidate("skin-cnn-v2", settings.models_dir))
    registry.start_shadow(second.version)
    container.close()

    container = bootstrap(settings)  # a fresh worker reads the registry
    registry = container.skin_models
    analysis_id, concerns = analyse()
    assert concerns["acne"]["scored_by"] == "skin-cnn-v1"
    assert concerns["acne"]["engine_score"] == before["acne"]["score"]
    assert {c["scored_by"] for n, c in concerns.items() if n != "acne"} == {ENGINE}
    (kept,) = registry.shadow_scores(second.version)
    assert kept.analysis_id == analysis_id and kept.shown["acne"] == concerns["acne"]["score"]
    assert "skin-cnn-v2" not in str(concerns)
    registry.keep_shadow(analysis_id, {"version": 2, "scores": {"acne": 1.0}})
    assert registry.shadow_scores(second.version) == [kept]

    assert [v.state for v in registry.versions()] == [ModelState.LIVE, ModelState.SHADOW]
    (settings.models_dir / "skin-cnn-v1.pt").unlink()  # weights gone: the engine, no failure
    container.close()
    container = bootstrap(settings)
    _, without = analyse()
    assert {c["scored_by"] for c in without.values()} == {ENGINE}
    registry = container.skin_models
    assert registry.rollback() is None
    assert registry.versions()[0].state is ModelState.RETIRED
    container.close()


def test_rollback_returns_to_the_version_replaced_on_the_real_store(settings: Settings) -> None:
    container = bootstrap(settings)
    assert live_after_each_step(container.skin_models, lambda: None) == EXPECTED
    container.close()
