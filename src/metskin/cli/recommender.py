"""`metskin train-recommender`: fit the learned ranker on stored feedback, save a new version.

Feedback comes from a `FeedbackSource`. There is no feedback table yet, so for now the
working path is `--from-file feedback.jsonl`: one JSON object per line, either
`{"kind": "feedback", "user_id", "product_id", "rating", "outcome", "created_at"}` or
`{"kind": "user", "user_id", "skin_type", "concerns", "monk_tone", "age", "pregnant", ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from metskin.domain.errors import ValidationFailed
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.feedback import Feedback, FeedbackSource, UserContext
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds

console = Console(stderr=True)
FEEDBACK_INVALID = "RECOMMENDER_FEEDBACK_INVALID"  # a line of --from-file that is not one
NO_FEEDBACK = "RECOMMENDER_NO_FEEDBACK"
NO_MODEL = "RECOMMENDER_NOT_FOUND"  # rollback with no version in use
NOT_BETTER = "RECOMMENDER_NOT_BETTER"  # held-out ratings: the blend does not beat content alone
EVAL_K = 10
MEASURES = (f"recall@{EVAL_K}", f"ndcg@{EVAL_K}")
FROM_DATABASE = "database"  # metrics["source"]: the raters are accounts (withdrawals counted)
recommender_app = typer.Typer(help="The learned ranker's saved versions: list, roll back.")


def database_training_data() -> tuple[FeedbackSource, Catalog]:
    """Feedback, each rater's latest analysis, and the live catalog, from the database."""
    from metskin.adapters.db.recommendations import SqlFeedbackSource
    from metskin.bootstrap import bootstrap

    container = bootstrap()
    catalog = container.recommendations.catalog.index().catalog
    return SqlFeedbackSource(container.new_uow, container.clock), catalog


def feedback_to_json(item: Feedback) -> dict[str, Any]:
    return {
        "kind": "feedback",
        "user_id": item.user_id,
        "product_id": item.product_id,
        "rating": item.rating,
        "outcome": item.outcome,
        "created_at": item.created_at.isoformat(),
    }


def user_to_json(user_id: str, context: UserContext) -> dict[str, Any]:
    needs, profile = context.needs, context.profile
    return {
        "kind": "user",
        "user_id": user_id,
        "skin_type": needs.skin_type,
        "concerns": dict(needs.concerns),
        "monk_tone": needs.monk_tone,
        "age": profile.years,
        "pregnant": profile.pregnant,
        "breastfeeding": profile.breastfeeding,
        "sensitive_skin": profile.sensitive_skin,
        "budget_per_product": (
            str(profile.budget_per_product) if profile.budget_per_product is not None else None
        ),
    }


def write_jsonl(
    path: Path, feedback: Iterable[Feedback], contexts: Mapping[str, UserContext]
) -> None:
    with path.open("w", encoding="utf-8") as out:
        for user_id, context in contexts.items():
            out.write(json.dumps(user_to_json(user_id, context)) + "\n")
        for item in feedback:
            out.write(json.dumps(feedback_to_json(item)) + "\n")


class JsonlFeedbackSource:
    """A `FeedbackSource` over a JSONL export; a bad line fails with its line number."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._feedback: list[Feedback] = []
        self._users: dict[str, UserContext] = {}
        for number, record in self._records():
            try:
                self._add(record)
            except (KeyError, TypeError, ValueError, ValidationFailed) as error:
                detail = error.message if isinstance(error, ValidationFailed) else repr(error)
                raise ValueError(f"{path}:{number}: {detail}") from None

    def _records(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        try:
            with self.path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except ValueError:
                        raise ValueError(f"{self.path}:{number}: not JSON") from None
                    if not isinstance(record, Mapping):
                        raise ValueError(f"{self.path}:{number}: not a JSON object")
                    yield number, record
        except UnicodeDecodeError:
            raise ValueError(f"{self.path}: not UTF-8 text") from None

    def _add(self, record: Mapping[str, Any]) -> None:
        kind = record.get("kind", "feedback")
        if kind == "user":
            self._users[str(record["user_id"])] = _user_context(record)
        elif kind == "feedback":
            self._feedback.append(
                Feedback(
                    user_id=str(record["user_id"]),
                    product_id=str(record["product_id"]),
                    rating=record["rating"],
                    outcome=record.get("outcome"),
                    created_at=datetime.fromisoformat(record["created_at"]),
                )
            )
        else:
            raise ValueError(f"unknown kind {kind!r}")

    def iter_feedback(self) -> Iterable[Feedback]:
        return iter(self._feedback)

    def user_contexts(self) -> Mapping[str, UserContext]:
        return self._users


def _user_context(record: Mapping[str, Any]) -> UserContext:
    budget = record.get("budget_per_product")
    needs = SkinNeeds(
        concerns={str(k): float(v) for k, v in dict(record.get("concerns", {})).items()},
        skin_type=str(record["skin_type"]),
        monk_tone=record.get("monk_tone"),
    )
    profile = CareProfile(
        age=record.get("age"),
        pregnant=bool(record.get("pregnant", False)),
        breastfeeding=bool(record.get("breastfeeding", False)),
        sensitive_skin=bool(record.get("sensitive_skin", False)),
        budget_per_product=None if budget is None else Decimal(str(budget)),
    )
    return UserContext(needs, profile)


def register(app: typer.Typer) -> None:
    app.command("train-recommender")(train_recommender)
    app.add_typer(recommender_app, name="recommender")


def train_recommender(
    models_dir: Path | None = typer.Option(
        None,
        help="Where versioned models go (default: the settings' models folder, the one "
        "`metskin serve` loads from).",
    ),
    epochs: int = typer.Option(8, min=1, help="Passes over the feedback."),
    seed: int = typer.Option(0, help="Seed for initialisation, sampling and the split."),
    from_file: Path | None = typer.Option(
        None, "--from-file", exists=True, dir_okay=False, help="Feedback JSONL export."
    ),
    blend_weight: float | None = typer.Option(
        None, help="Weight of the learned score in the blend (default: the model's)."
    ),
    validate: bool = typer.Option(True, help="Hold out one liked product per person first."),
) -> None:
    """Train the learned recommender on stored feedback and save a new model version."""
    from metskin.adapters.ml.recommender import DEFAULT_BLEND_WEIGHT
    from metskin.adapters.ml.training import train
    from metskin.domain.recommendations.loader import load_catalog

    weight = DEFAULT_BLEND_WEIGHT if blend_weight is None else blend_weight
    try:
        source, catalog = (
            (JsonlFeedbackSource(from_file), load_catalog())
            if from_file
            else database_training_data()
        )
    except ValueError as error:
        console.print(f"[red]{FEEDBACK_INVALID}: {error}")
        raise typer.Exit(2) from None
    feedback = list(source.iter_feedback())
    contexts = source.user_contexts()
    if not feedback:
        console.print(f"[red]{NO_FEEDBACK}: no feedback to train on")
        raise typer.Exit(2)
    if models_dir is None:
        from metskin.settings import get_settings

        models_dir = get_settings().models_dir
    validation = (
        _validate(feedback, contexts, catalog, epochs=epochs, seed=seed, blend_weight=weight)
        if validate
        else None
    )
    if validation is not None and (worse := _not_better(validation)):
        from metskin.adapters.ml.recommender_files import newest_version

        serving = newest_version(models_dir)
        console.print(
            f"[red]{NOT_BETTER}: {worse}. Nothing was saved: routines keep "
            f"{f'version {serving}' if serving else 'the content score alone'}. Train again "
            "on more ratings (`--no-validate` saves a version unchecked)."
        )
        raise typer.Exit(1)
    model = train(feedback, contexts, catalog, epochs=epochs, seed=seed)
    if validation is not None:
        model.metrics["validation"] = validation
    model.metrics["blend_weight"] = weight
    model.metrics["source"] = str(from_file) if from_file else FROM_DATABASE
    path = model.save(models_dir)
    console.print(
        f"trained on {model.metrics['rows']} rows, {model.metrics['users']} people; "
        f"saved version {model.version}: {path}"
    )


def _validate(
    feedback: list[Feedback],
    contexts: Mapping[str, UserContext],
    catalog: Catalog,
    *,
    epochs: int,
    seed: int,
    blend_weight: float,
) -> dict[str, dict[str, float]]:
    """Train on all but one liked product per person, and report how well each ranker finds it."""
    from metskin.adapters.ml.recommender import blend_scorer, learned_scorer
    from metskin.adapters.ml.training import train
    from metskin.domain.recommendations.evaluation import (
        ContentScores,
        compare,
        format_table,
        leave_out_split,
        popularity,
    )

    split = leave_out_split(feedback, per_user=1, seed=seed)
    model = train(split.train, contexts, catalog, epochs=epochs, seed=seed)
    content = ContentScores(contexts, catalog)
    results = compare(
        {
            "popularity": popularity(split.train),
            "content": content,
            "learned": learned_scorer(model),
            "blend": blend_scorer(model, content, blend_weight),
        },
        split,
        k=EVAL_K,
        users=contexts.keys(),
    )
    console.print(format_table(results, EVAL_K))
    return {
        name: {f"recall@{EVAL_K}": r.recall, f"ndcg@{EVAL_K}": r.ndcg, "users": r.users}
        for name, r in results.items()
    }


def _not_better(validation: Mapping[str, Mapping[str, float]]) -> str | None:
    """Why the blend may not replace what routines use now, judged on the held-out ratings:
    nobody to hold a liked product out for, or no better than the content score alone (what
    routines rank by without a model) on a measure."""
    blend, content = validation["blend"], validation["content"]
    if not blend["users"]:
        return "no person has a liked product to hold out, so nothing could check the model"
    worse = [m for m in MEASURES if blend[m] <= content[m]]
    if not worse:
        return None
    said = ", ".join(f"{m} {blend[m]:.4f} against {content[m]:.4f}" for m in worse)
    return f"on the held-out ratings the blend does not beat the content score alone ({said})"


def _models_dir(models_dir: Path | None) -> Path:
    from metskin.settings import get_settings

    return models_dir or get_settings().models_dir


MODELS_DIR = typer.Option(
    None, help="The models folder (default: the settings', which serve reads)."
)


@recommender_app.command("list")
def list_versions(models_dir: Path | None = MODELS_DIR) -> None:
    """Every saved version: SERVING (the one routines use), SAVED (older) or RETIRED (rolled
    back); what it was trained on, how it did on held-out ratings (recall@10 / NDCG@10 of
    the blend and of the content score alone), and, when trained on the database, how many
    of its raters have since withdrawn their learning consent (`withdrawn=N`)."""
    from metskin.adapters.ml.recommender_files import saved_versions

    versions = saved_versions(_models_dir(models_dir))
    if not versions:
        console.print("No learned ranker saved: routines are ranked by the content score alone.")
        return
    consenting = _consenting() if any(_from_database(v.meta) for v in versions) else set()
    for saved in versions:
        metrics = saved.meta.get("metrics", {})
        left: int | None = None
        if _from_database(saved.meta):
            raters = saved.meta.get("config", {}).get("user_ids", [])
            left = sum(1 for person in raters if person not in consenting)
        if saved.serving and left:
            console.print(
                f"Version {saved.version}, which routines use, learnt from the ratings of "
                f"{left} {'person' if left == 1 else 'people'} who since withdrew their "
                "learning consent (or whose account was erased): train again to leave them out."
            )
        state = "SERVING" if saved.serving else "RETIRED" if saved.retired else "SAVED"
        typer.echo(
            f"v{saved.version}\t{state}\t{saved.meta.get('created_at', '-')}\t"
            f"rows={metrics.get('rows', '-')}\tpeople={metrics.get('users', '-')}\t"
            f"blend={_measured(metrics, 'blend')}\tcontent={_measured(metrics, 'content')}\t"
            f"withdrawn={'-' if left is None else left}"
        )


@recommender_app.command("rollback")
def rollback(models_dir: Path | None = MODELS_DIR) -> None:
    """Stop using the version routines use now: its files are kept (RETIRED in `list`), the
    version before it (or the content score alone) takes over."""
    from metskin.adapters.ml.holder import RECHECK_SECONDS
    from metskin.adapters.ml.recommender_files import retire_newest

    folder = _models_dir(models_dir)
    rolled = retire_newest(folder)
    if rolled is None:
        console.print(f"[red]{NO_MODEL}: no learned ranker is in use in {folder}.")
        raise typer.Exit(1)
    retired, serving = rolled
    now = f"v{serving} is SERVING" if serving else "routines use the content score alone"
    typer.echo(f"v{retired} is RETIRED; {now}")
    console.print(
        f"Routines follow within {RECHECK_SECONDS:.0f} s (each process re-reads {folder})."
    )


def _from_database(meta: Mapping[str, Any]) -> bool:
    return bool(meta.get("metrics", {}).get("source") == FROM_DATABASE)


def _measured(metrics: Mapping[str, Any], ranker: str) -> str:
    found = (metrics.get("validation") or {}).get(ranker)
    return "/".join(f"{found[m]:.4f}" for m in MEASURES) if found else "-"


def _consenting() -> set[str]:
    from metskin.bootstrap import bootstrap
    from metskin.domain.ports import read

    container = bootstrap()
    try:
        return set(read(container.new_uow, lambda uow: uow.consents.consenting()))
    finally:
        container.close()
