"""The `metskin` command line."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from metskin.cli import analyze, dataset, privacy, recommender, skinmodel
from metskin.cli.start import start_container

if TYPE_CHECKING:
    from starlette.applications import Starlette


app = typer.Typer(help="MetSkin: skin analysis and care platform.", no_args_is_help=True)
console = Console(stderr=True)
REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = REPO_ROOT / "schema.graphql"


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default from settings)."),
    workers: int = typer.Option(
        1, min=1, help="Server processes (more than 1 needs METSKIN_REDIS_URL)."
    ),
) -> None:
    """Serve the GraphQL API (and the embedded worker when no Redis is configured)."""
    import uvicorn

    from metskin.forwarded import say_trusted_proxies, trusted_proxies
    from metskin.graphql.app import create_app

    # The address given here is also the one links in messages use when no public URL is set.
    container = start_container(host=host, port=port)
    settings = container.settings
    if workers > 1:
        container.close()  # each process builds its own (worker_app), on the same address
        os.environ.update(METSKIN_HOST=settings.host, METSKIN_PORT=str(settings.port))
        if not settings.uses_redis:
            console.print(
                "[red]--workers above 1 needs METSKIN_REDIS_URL: without Redis each process "
                "would have its own job queue, events and rate limits, and a subscription in "
                "one process would miss what another one publishes."
            )
            raise typer.Exit(2)
    trusted = trusted_proxies()  # given to uvicorn as read here: what is said is what it uses
    say_trusted_proxies(trusted)
    uvicorn.run(
        create_app(container, freeze_heap=True) if workers == 1 else "metskin.cli:worker_app",
        factory=workers > 1,
        workers=workers,
        host=settings.host,
        port=settings.port,
        forwarded_allow_ips=trusted,
        log_level="info",
        log_config=None,  # uvicorn logs through our handler (JSON when asked)
        ws="websockets-sansio",
    )


def worker_app() -> Starlette:
    """The app of one server process of `serve --workers N`: each builds its own container."""
    from metskin.graphql.app import create_app

    return create_app(start_container(), freeze_heap=True)


@app.command()
def worker() -> None:
    """Run a Dramatiq worker that takes jobs from Redis."""
    from metskin.bootstrap import settle_heap
    from metskin.workers.broker import start_worker

    container = start_container()
    if not container.settings.uses_redis:
        console.print("[red]Set METSKIN_REDIS_URL: without Redis, `metskin serve` runs jobs.")
        raise typer.Exit(2)
    if port := container.settings.worker_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(port, addr=container.settings.host, registry=container.metrics.registry)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    running = start_worker(container.broker, container.settings.worker_threads)
    settle_heap()  # as `metskin serve` does after its start-up
    console.print(f"worker: {container.settings.worker_threads} threads, waiting for jobs")
    stop.wait()
    running.stop()
    container.close()


@app.command()
def migrate(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Bring the database schema up to date."""
    from metskin.adapters.db.migrations import upgrade
    from metskin.settings import get_settings

    upgrade(get_settings().effective_database_url, revision)
    console.print(f"database at {revision}")


@app.command()
def seed(
    story: bool = typer.Option(
        False,
        "--story",
        help="Also give the demo patient six weeks of use: two photos measured, one shared "
        "with the demo dermatologist, a consultation booked (`make run` asks for it).",
    ),
) -> None:
    """Load demo data: demo accounts, the product catalog, demo dermatologists."""
    from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PATIENT, seed_all

    container = start_container()
    try:
        for line in seed_all(container):
            console.print(line)
    finally:
        container.close()
    if story:
        from metskin.cli.story import seed_story
        from metskin.settings import get_settings

        for line in seed_story(get_settings(), DEMO_PATIENT, DEMO_DERMATOLOGIST):
            console.print(line)


@app.command("export-schema")
def export_schema(
    output: Path = typer.Option(SCHEMA_PATH, help="Where to write the SDL."),
) -> None:
    """Write the GraphQL schema SDL (committed as schema.graphql)."""
    from metskin.graphql.schema import schema_sdl

    output.write_text(schema_sdl())
    console.print(f"wrote {output}")


@app.command()
def messages() -> None:
    """Bring the fr and de catalogs (metskin/locale/*/LC_MESSAGES/messages.po) up to date with
    the texts the sources mark; new ones wait, untranslated, for a translator."""
    from metskin.adapters.i18n.extract import update_catalogs

    for language, missing in update_catalogs().items():
        console.print(f"{language}: {missing} untranslated")


analyze.register(app)
recommender.register(app)
dataset.register(app)
skinmodel.register(app)
privacy.register(app)


def main() -> None:
    app()
