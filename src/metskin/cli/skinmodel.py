"""The learned skin model from the command line (issue 15).

    metskin train-skin-model --dataset DIR      train, evaluate, register a CANDIDATE
    metskin evaluate-skin-model --dataset DIR --version N
    metskin evaluate-engine --dataset DIR        the engine against the labels, per Monk tone
    metskin skin-model list | gate N | shadow N | promote N | rollback

Training reads an exported dataset folder (`metskin dataset export`, or the bootstrap one of
bench/skin_model_bootstrap.py); weights, config and card go to the models folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from metskin.cli.dataset import exported, needs_faces, read_dataset, still_consented
from metskin.domain.errors import DomainError

if TYPE_CHECKING:
    from metskin.bootstrap import Container
    from metskin.domain.skinmodel.model import SkinModelVersion
    from metskin.domain.skinmodel.service import SkinModelService

console = Console(stderr=True)
skin_app = typer.Typer(help="The learned skin model's registry: list, gate, shadow, promote.")


def _container() -> Container:
    from metskin.bootstrap import bootstrap

    return bootstrap()


@contextmanager
def _command() -> Iterator[Container]:
    """A fresh container; a domain error (a version not found, one in the wrong state,
    refused by the gate, a model file that cannot be loaded) ends the command with its code
    and exit code 1."""
    container = _container()
    try:
        yield container
    except DomainError as error:
        console.print(f"[red]{error.code}: {error.message}")
        raise typer.Exit(1) from None
    finally:
        container.close()


@contextmanager
def _registry() -> Iterator[SkinModelService]:
    with _command() as container:
        yield container.skin_models


def train_skin_model(
    dataset: Path = typer.Option(..., exists=True, file_okay=False, help="A dataset folder."),
    epochs: int = typer.Option(12, min=1, help="Passes over the training patches."),
    seed: int = typer.Option(0, help="Seed of the initialisation and the batch order."),
    models_dir: Path | None = typer.Option(None, help="Where weights go (default: settings)."),
) -> None:
    """Train on the train split, evaluate on the held-out split, register a CANDIDATE."""
    from metskin.adapters.ml.skin_retrain import code_version
    from metskin.adapters.ml.skin_training import HELD_OUT, CnnTrainer
    from metskin.domain.skinmodel.card import COMPANY_DATA

    data, manifest = read_dataset(dataset)
    needs_faces(dataset, data, "train", HELD_OUT)
    with _command() as container:
        still_consented(container.new_uow, dataset, data, manifest)
        folder = models_dir or container.settings.models_dir
        sources = tuple(manifest.get("sources") or (COMPANY_DATA,))
        trainer = CnnTrainer(folder, code_version(), sources, epochs=epochs, seed=seed)
        live, _ = container.skin_models.current()
        number = container.skin_models.next_version()
        version = container.skin_models.register(trainer.train(data, number, live), number)
    metrics = version.metrics
    console.print(f"registered {version.name} (CANDIDATE) from {version.dataset_hash[:16]}")
    typer.echo(json.dumps(_summary(metrics), sort_keys=True))


def evaluate_skin_model(
    dataset: Path = typer.Option(..., exists=True, file_okay=False, help="A dataset folder."),
    version: int = typer.Option(..., help="The registered version to evaluate."),
    split: str = typer.Option("test", help="The held-out split."),
    models_dir: Path | None = typer.Option(None, help="Where weights are (default: settings)."),
) -> None:
    """Errors per concern and per Monk tone of a version, the engine and the live model."""
    from metskin.adapters.ml.skin_cnn import load
    from metskin.adapters.ml.skin_training import evaluate
    from metskin.domain.labels.dataset import version_of

    data, manifest = read_dataset(dataset)
    needs_faces(dataset, data, "train", split)
    with _command() as container:
        service = container.skin_models
        found = service.version(version)
        folder = models_dir or container.settings.models_dir
        live, _ = service.current()
        shown = (load(folder, live.weights), live.uses, live.version) if live else None
        candidate = load(folder, found.weights)
        still_consented(container.new_uow, dataset, data, manifest)
        metrics = evaluate(candidate, data, shown, split)
    content_hash = data.content_hash()
    if content_hash != found.dataset_hash:  # its registered figures are of another dataset
        console.print(
            f"{found.name} was trained on {version_of(found.dataset_hash)}; these figures are "
            f"of {version_of(content_hash)}, so they are not the ones registered with it "
            "(`skin-model gate` judges those)."
        )
    typer.echo(json.dumps(_summary(metrics), sort_keys=True))


def evaluate_engine(
    dataset: Path = typer.Option(..., exists=True, file_okay=False, help="A dataset folder."),
    split: str | None = typer.Option(None, help="One split only (default: every split)."),
) -> None:
    """How the engine's scores and Monk tone agree with a dataset's labels, per Monk tone:
    Spearman and AUC per concern, Monk steps off (`domain/skinmodel/agreement.py`)."""
    from metskin.domain.skinmodel.agreement import engine_agreement

    data, manifest = read_dataset(dataset)
    if split is not None:
        needs_faces(dataset, data, split)
    if exported(manifest):  # an import holds no account's data: no store to ask
        with _command() as container:
            still_consented(container.new_uow, dataset, data, manifest)
    report = engine_agreement(data.records, split)
    typer.echo(json.dumps({"sources": manifest.get("sources"), **report}, sort_keys=True))


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        "candidate": metrics["candidate"]["per_concern"],
        "engine": metrics["engine"]["per_concern"],
        "live": (metrics.get("live") or {}).get("per_concern"),
        "per_tone": {
            "candidate": metrics["candidate"]["per_tone"],
            "engine": metrics["engine"]["per_tone"],
        },
        "tone_faces": metrics["candidate"]["tone_counts"],
        "beats_engine_on": metrics["beats_engine_on"],
        "heat_map": metrics.get("heat_map"),
        "epoch_seconds": metrics.get("training", {}).get("epoch_seconds"),
    }


@skin_app.command("list")
def list_versions() -> None:
    """Every version with its state, dataset hash, what it scores when live, and how many
    people it learnt from have left since (`withdrawn=N`: such a version is neither promoted,
    put in shadow nor rolled back to)."""
    from metskin.domain.skinmodel.model import ModelState

    owed = []
    with _registry() as service:
        versions = service.versions()
        if not versions:
            console.print("No skin model registered: the engine scores every analysis.")
        for v in versions:
            left = service.left_since(v)
            if left and v.state in (ModelState.LIVE, ModelState.SHADOW):
                people = f"{left} {'person' if left == 1 else 'people'}"
                owed.append(f"{v.name} ({v.state.value}) learnt from the data of {people}")
            beats = ",".join(v.metrics.get("beats_engine_on", []))
            typer.echo(
                f"{v.name}\t{v.state.value}\t{v.dataset_hash[:16]}\t{v.code_version}\t"
                f"uses={','.join(v.uses) or '-'}\tbeats={beats}\twithdrawn={left}"
            )
    if owed:
        console.print(
            f"A retrain is owed: {'; '.join(owed)} who have since withdrawn their learning "
            "consent (or whose account was erased). The retrain job trains a candidate without "
            "them; check it with `skin-model gate N`, then promote it or roll back."
        )


@skin_app.command("gate")
def gate(version: int) -> None:
    """What the promotion gate says of a version now."""
    with _registry() as service:
        decision = service.gate(version)
    typer.echo(json.dumps(decision.as_json()))


def _change(action: str, version: int | None = None) -> None:
    with _command() as container:
        service = container.skin_models
        changed: SkinModelVersion | None
        if version is not None:  # never live or in shadow with weights nobody can load
            from metskin.adapters.ml.skin_cnn import load

            load(container.settings.models_dir, service.version(version).weights)
        if action == "shadow" and version is not None:
            changed = service.start_shadow(version)
        elif action == "promote" and version is not None:
            changed = service.promote(version)
        else:
            live, _ = service.current()
            changed = service.rollback()
            if changed is None and live is not None:
                _not_brought_back(service, live)
        folder = container.settings.models_dir
    typer.echo(f"{changed.name} is {changed.state.value}" if changed else "the engine scores all")
    from metskin.adapters.ml.skin_models import RECHECK_SECONDS

    console.print(
        f"Analyses follow within {RECHECK_SECONDS:.0f} s: each server and worker reads the "
        f"registry at most that often, and a model's weights from its own models folder "
        f"({folder} here)."
    )


def _not_brought_back(service: SkinModelService, rolled_back: SkinModelVersion) -> None:
    """Say why a rollback left the engine scoring rather than the version it replaced."""
    replaced = service.version(rolled_back.replaces) if rolled_back.replaces else None
    if replaced is not None and (left := service.left_since(replaced)):
        console.print(
            f"{replaced.name}, which {rolled_back.name} replaced, is not brought back: it "
            f"learnt from the data of {left} {'person' if left == 1 else 'people'} who since "
            "withdrew their learning consent (or whose account was erased)."
        )


@skin_app.command("shadow")
def shadow(version: int) -> None:
    """Let a candidate score every new analysis beside the live model, unseen."""
    _change("shadow", version)


@skin_app.command("promote")
def promote(version: int) -> None:
    """Make a version live, only if it passes the gate."""
    _change("promote", version)


@skin_app.command("rollback")
def rollback() -> None:
    """Retire the live version; the one its promotion replaced (or the engine) takes over."""
    _change("rollback")


def register(app: typer.Typer) -> None:
    app.command("train-skin-model")(train_skin_model)
    app.command("evaluate-skin-model")(evaluate_skin_model)
    app.command("evaluate-engine")(evaluate_engine)
    app.add_typer(skin_app, name="skin-model")
