"""`metskin train-recommender` on stored feedback of the people who consent to learning: trains,
saves a version, gets served."""

from __future__ import annotations

import random
from pathlib import Path

import typer
from typer.testing import CliRunner

from metskin.adapters.ml.holder import LearnedRankers
from metskin.adapters.ml.recommender import load_newest
from metskin.bootstrap import bootstrap
from metskin.cli.recommender import register
from metskin.cli.seed import seed_catalog
from metskin.domain.accounts.model import User
from metskin.settings import Settings

PASSWORD = "tea-and-toast-77"


def trained_on_the_database(tmp_path: Path) -> tuple[list[User], Path]:
    """30 people rate 8 products each; 19 of them consent to learning; a version is trained."""
    container = bootstrap()
    list(seed_catalog(container))
    products = [p.id for p in container.recommendations.catalog.index().catalog.products]
    rng = random.Random(5)
    people = [container.accounts.register(f"p{i}@example.com", PASSWORD) for i in range(30)]
    for person in people[:20]:  # consent to learning; the last 10 never said yes
        container.labels.set_consent(person.id, True)
    container.labels.set_consent(people[19].id, False)  # ... and one took it back
    for person in people:
        for product_id in rng.sample(products, 8):
            container.recommendations.rate(
                person.id, product_id, rng.randint(1, 5), rng.choice([None, "worked"])
            )
    container.close()
    models = tmp_path / "models"
    result = CliRunner().invoke(
        cli(), ["train-recommender", "--models-dir", str(models), "--epochs", "2", "--no-validate"]
    )
    assert result.exit_code == 0, result.output
    return people, models


def cli() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    return app


def test_training_reads_the_database_and_the_newest_model_is_served(
    tmp_path: Path, embedded_env: Settings
) -> None:
    people, models = trained_on_the_database(tmp_path)
    model = load_newest(models)
    assert model is not None and model.version == 1
    # only the ratings of people who consent to learning now train it
    assert model.metrics["rows"] == 19 * 8 and model.metrics["users"] == 19

    ranker, version = LearnedRankers(models)(people[0].id)
    assert ranker is not None and version == "v1"


def test_the_list_says_how_many_raters_of_the_version_in_use_have_withdrawn_since(
    tmp_path: Path, embedded_env: Settings
) -> None:
    people, models = trained_on_the_database(tmp_path)
    listed = CliRunner().invoke(cli(), ["recommender", "list", "--models-dir", str(models)])
    assert listed.exit_code == 0 and listed.stdout.split("\t")[1] == "SERVING"
    assert listed.stdout.rstrip().endswith("withdrawn=0") and listed.stderr == ""

    container = bootstrap()
    container.labels.set_consent(people[0].id, False)
    container.close()
    listed = CliRunner().invoke(cli(), ["recommender", "list", "--models-dir", str(models)])
    assert listed.stdout.rstrip().endswith("withdrawn=1")
    assert " ".join(listed.stderr.split()) == (
        "Version 1, which routines use, learnt from the ratings of 1 person who since "
        "withdrew their learning consent (or whose account was erased): train again to leave "
        "them out."
    )
