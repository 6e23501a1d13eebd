"""The torch recommender: planted taste is learned, versions, cold start, the CLI path."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from metskin.adapters.ml.recommender import (
    TrainedModel,
    blend_scorer,
    learned_scorer,
    load_newest,
)
from metskin.adapters.ml.training import train
from metskin.cli.recommender import register, write_jsonl
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.evaluation import (
    ContentScores,
    compare,
    leave_out_split,
)
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.scoring import score_product
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES
from metskin.settings import Settings

GROUPS, PEOPLE_PER_GROUP, LIKED_PER_GROUP = 4, 50, 16
WHEN = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def planted(catalog: Catalog, seed: int) -> tuple[list[Feedback], dict[str, UserContext]]:
    """Hidden groups, invisible in the profiles, each loving its own set of products."""
    rng = random.Random(seed)
    ids = [p.id for p in catalog.products]
    loved = [rng.sample(ids, LIKED_PER_GROUP) for _ in range(GROUPS)]
    feedback: list[Feedback] = []
    contexts: dict[str, UserContext] = {}
    for n in range(GROUPS * PEOPLE_PER_GROUP):
        user, group = f"person-{n}", n % GROUPS
        contexts[user] = UserContext(
            SkinNeeds(
                {c: rng.uniform(0, 80) for c in rng.sample(CONCERNS, 3)},
                rng.choice(SKIN_TYPES),
                monk_tone=rng.randint(1, 10),
            ),
            CareProfile(age=rng.randint(18, 70)),
        )
        for product in rng.sample(loved[group], 10):
            outcome = "worked" if rng.random() < 0.5 else None
            feedback.append(Feedback(user, product, rng.choice((4, 5)), outcome, WHEN))
        others = [i for i in ids if i not in loved[group]]
        for k, product in enumerate(rng.sample(others, 4)):
            outcome = "irritated" if k == 0 else "stopped"
            when = WHEN + timedelta(days=k)
            feedback.append(Feedback(user, product, rng.choice((1, 2)), outcome, when))
    return feedback, contexts


@pytest.fixture(scope="module")
def world(catalog: Catalog) -> tuple[list[Feedback], dict[str, UserContext]]:
    return planted(catalog, seed=11)


@pytest.fixture(scope="module")
def model(catalog: Catalog, world: tuple[list[Feedback], dict[str, UserContext]]) -> TrainedModel:
    feedback, contexts = world
    return train(feedback, contexts, catalog, epochs=6, seed=3)


def test_learned_ranking_finds_held_out_products_far_better_than_chance(
    catalog: Catalog, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    feedback, contexts = world
    split = leave_out_split(feedback, per_user=2, seed=5)
    assert len(split.held_out) == GROUPS * PEOPLE_PER_GROUP
    learned = train(split.train, contexts, catalog, epochs=6, seed=3)
    content = ContentScores(contexts, catalog)
    results = compare(
        {
            "content": content,
            "learned": learned_scorer(learned),
            "blend": blend_scorer(learned, content, 1.0),
        },
        split,
        k=10,
    )
    # A random order finds 10 of the ~154 unrated products: expected recall about 0.065.
    chance = 10 / (len(catalog.products) - 12)
    assert results["learned"].recall > 5 * chance
    assert results["learned"].ndcg > 0.3
    assert results["blend"].recall > 3 * chance
    # The groups are invisible in the profiles: only feedback can reveal them.
    assert results["blend"].recall > results["content"].recall + 0.1
    assert results["content"].recall < 3 * chance
    assert learned.metrics["epoch_loss"][-1] < learned.metrics["epoch_loss"][0]


def test_training_is_deterministic_for_a_seed(
    catalog: Catalog, model: TrainedModel, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    feedback, contexts = world
    again = train(feedback, contexts, catalog, epochs=6, seed=3)
    other = train(feedback, contexts, catalog, epochs=6, seed=4)
    assert again.scores("person-0") == model.scores("person-0")
    assert other.scores("person-0") != model.scores("person-0")


def test_save_versions_and_load_newest_picks_the_highest(
    tmp_path: Path, model: TrainedModel
) -> None:
    assert load_newest(tmp_path / "missing") is None
    first = model.save(tmp_path)
    second = model.save(tmp_path)
    assert first.name.startswith("recommender-v1-") and first.suffix == ".pt"
    assert second.name.startswith("recommender-v2-")
    meta = json.loads(second.with_suffix(".json").read_text())
    assert meta["version"] == 2
    assert meta["metrics"]["rows"] == model.metrics["rows"]
    assert meta["config"]["seed"] == 3
    # A half-written file (no .json) and strangers are ignored.
    (tmp_path / "recommender-v9-20990101T000000Z.pt").write_bytes(b"partial")
    (tmp_path / "notes.txt").write_text("hello")
    loaded = load_newest(tmp_path)
    assert loaded is not None
    assert loaded.version == 2
    assert loaded.path == second
    assert loaded.scores("person-7") == pytest.approx(model.scores("person-7"))
    assert model.save(tmp_path).name.startswith("recommender-v3-")


def test_unknown_person_or_product_falls_back_to_the_content_score(
    catalog: Catalog, model: TrainedModel, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    context = world[1]["person-1"]
    needs, profile = context.needs, context.profile
    known = model.ranker(2.0, user_id="person-1")
    for ranker in (model.ranker(2.0), model.ranker(2.0, user_id="never-seen")):
        for product in catalog.products[:40]:
            content = score_product(product, needs, profile)
            assert ranker(product, needs, profile, content) == content.score
    new_product = replace(catalog.products[0], id="launched-after-training")
    content = score_product(new_product, needs, profile)
    assert known(new_product, needs, profile, content) == content.score
    moved = [
        known(p, needs, profile, score_product(p, needs, profile))
        - score_product(p, needs, profile).score
        for p in catalog.products
    ]
    assert sum(1 for m in moved if abs(m) > 0.1) > len(moved) // 2
    assert max(moved) > 0 > min(moved)


def test_blend_ranks_the_persons_group_favourites_higher(
    catalog: Catalog, model: TrainedModel, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    feedback, contexts = world
    loved = {f.product_id for f in feedback if f.user_id == "person-2" and f.rating >= 4}
    context = contexts["person-2"]
    ranker = model.ranker(1.0, user_id="person-2")
    learned = {}
    for product in catalog.products:
        content = score_product(product, context.needs, context.profile)
        learned[product.id] = ranker(product, context.needs, context.profile, content)
        learned[product.id] -= content.score
    mean_loved = sum(learned[p] for p in loved) / len(loved)
    mean_rest = sum(v for p, v in learned.items() if p not in loved) / (len(learned) - len(loved))
    assert mean_loved > mean_rest + 1.0


def test_the_routine_builder_uses_the_blend(
    catalog: Catalog, model: TrainedModel, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    context = world[1]["person-3"]
    ranker = model.ranker(1.0, user_id="person-3")
    routine = build_routine(context.needs, context.profile, catalog, ranker=ranker)
    assert routine.am
    for candidates in routine.alternatives.values():
        for candidate in candidates:
            expected = ranker(candidate.product, context.needs, context.profile, candidate.content)
            assert candidate.score == expected


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def test_train_recommender_from_a_jsonl_export(
    tmp_path: Path, world: tuple[list[Feedback], dict[str, UserContext]]
) -> None:
    feedback, contexts = world
    export = tmp_path / "feedback.jsonl"
    write_jsonl(export, feedback, contexts)
    models = tmp_path / "models"
    args = [
        "train-recommender",
        "--from-file",
        str(export),
        "--models-dir",
        str(models),
        "--epochs",
        "3",
        "--seed",
        "1",
    ]
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    loaded = load_newest(models)
    assert loaded is not None and loaded.version == 1
    validation = loaded.metrics["validation"]
    assert set(validation) == {"popularity", "content", "learned", "blend"}
    assert validation["learned"]["recall@10"] > validation["popularity"]["recall@10"]
    assert loaded.metrics["rows"] == len(feedback)


def test_train_recommender_explains_what_is_missing(tmp_path: Path, embedded_env: Settings) -> None:
    result = CliRunner().invoke(cli(), ["train-recommender", "--models-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "no feedback to train on" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"kind": "feedback", "user_id": "u", "product_id": "p", "rating": 9,'
        ' "created_at": "2026-01-01T00:00:00+00:00"}\n'
    )
    result = CliRunner().invoke(cli(), ["train-recommender", "--from-file", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output
    assert not list(tmp_path.glob("*.pt"))


def test_train_recommender_saves_where_the_server_loads_models_from(
    tmp_path: Path,
    world: tuple[list[Feedback], dict[str, UserContext]],
    embedded_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --models-dir the model goes to the settings' models folder (METSKIN_VAR_DIR),
    the one `metskin serve` reads, wherever the command is run from."""
    feedback, contexts = world
    export = tmp_path / "feedback.jsonl"
    write_jsonl(export, feedback[:300], contexts)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    args = ["train-recommender", "--from-file", str(export), "--epochs", "1", "--no-validate"]
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    assert load_newest(embedded_env.models_dir) is not None
    assert not (elsewhere / "var").exists()


def test_a_feedback_line_that_is_not_json_is_refused_with_its_code_and_line(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "user", "user_id": "u", "skin_type": "oily"}\n{"kind": "feedback"\n')
    result = CliRunner().invoke(cli(), ["train-recommender", "--from-file", str(bad)])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert said.startswith("RECOMMENDER_FEEDBACK_INVALID: ") and "bad.jsonl:2: not JSON" in said
