"""The learned ranker as its operator meets it: a model no better than the content score on
held-out ratings is not saved (routines would use it within a minute), `recommender list` says
which version routines use and how each did, and `recommender rollback` stops using one, down
to the content score alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from metskin.adapters.ml import holder
from metskin.adapters.ml.holder import LearnedRankers
from metskin.cli.recommender import write_jsonl
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.loader import load_catalog
from tests.integration.test_learned_ranker import cli, planted


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ratings of people with planted taste, as `train-recommender --from-file` reads them."""
    catalog: Catalog = load_catalog()
    feedback, contexts = planted(catalog, seed=11)
    path = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    write_jsonl(path, feedback[:600], contexts)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli(), list(args))
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def train(export: Path, models: Path, *more: str) -> tuple[int, str, str]:
    return run("train-recommender", "--from-file", str(export), "--models-dir", str(models),
               "--epochs", "2", *more)  # fmt: skip


def test_a_model_no_better_than_the_content_score_is_not_saved(
    tmp_path: Path, export: Path
) -> None:
    models = tmp_path / "models"
    # Weight 0: the blend is the content score exactly, so it cannot beat it.
    code, _, said = train(export, models, "--blend-weight", "0")
    assert code == 1
    assert (  # after the table of the held-out ratings
        "RECOMMENDER_NOT_BETTER: on the held-out ratings the blend does not beat the content "
        "score alone (recall@10 " in said
    )
    assert "Nothing was saved: routines keep the content score alone." in said
    assert not models.exists() or not list(models.iterdir())

    one = tmp_path / "one.jsonl"  # one rating: nobody has a liked product to hold out
    one.write_text(
        '{"kind": "user", "user_id": "u", "skin_type": "oily"}\n'
        '{"kind": "feedback", "user_id": "u", "product_id": "p", "rating": 5,'
        ' "created_at": "2026-01-01T00:00:00+00:00"}\n'
    )
    code, _, said = train(one, models)
    assert code == 1 and "nothing could check the model" in said
    assert not models.exists() or not list(models.iterdir())

    assert train(export, models)[0] == 0  # the planted taste beats the content score
    code, _, said = train(export, models, "--blend-weight", "0")
    assert code == 1 and "routines keep version 1" in said


def test_list_and_rollback_down_to_the_content_score(
    tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holder, "RECHECK_SECONDS", -1.0)  # every call re-reads the folder
    models = tmp_path / "models"
    rankers = LearnedRankers(models)
    assert run("recommender", "list", "--models-dir", str(models))[2] == (
        "No learned ranker saved: routines are ranked by the content score alone."
    )
    for _ in range(2):
        assert train(export, models)[0] == 0
    assert rankers("person-0")[1] == "v2"

    code, stdout, _ = run("recommender", "list", "--models-dir", str(models))
    rows = [line.split("\t") for line in stdout.splitlines()]
    assert code == 0 and [(r[0], r[1]) for r in rows] == [("v1", "SAVED"), ("v2", "SERVING")]
    meta = json.loads(next(models.glob("recommender-v2-*.json")).read_text())
    blend = meta["metrics"]["validation"]["blend"]
    assert f"blend={blend['recall@10']:.4f}/{blend['ndcg@10']:.4f}" in rows[1]
    assert rows[1][-1] == "withdrawn=-"  # trained from a file: its raters are no accounts

    code, stdout, _ = run("recommender", "rollback", "--models-dir", str(models))
    assert (code, stdout) == (0, "v2 is RETIRED; v1 is SERVING\n")
    assert rankers("person-0")[1] == "v1"
    code, stdout, _ = run("recommender", "rollback", "--models-dir", str(models))
    assert stdout == "v1 is RETIRED; routines use the content score alone\n"
    assert rankers("person-0") == (None, "")  # before: the last model loaded stayed in use
    code, _, said = run("recommender", "rollback", "--models-dir", str(models))
    assert code == 1 and said.startswith("RECOMMENDER_NOT_FOUND: no learned ranker is in use")

    listed = run("recommender", "list", "--models-dir", str(models))[1]
    assert [line.split("\t")[1] for line in listed.splitlines()] == ["RETIRED", "RETIRED"]
    assert train(export, models)[0] == 0  # a new number, never a rolled-back one's
    assert rankers("person-0")[1] == "v3"
