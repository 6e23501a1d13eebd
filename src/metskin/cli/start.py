"""The container a command runs on: logging as the settings ask, weak secrets refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from metskin.bootstrap import Container

console = Console(stderr=True)


def start_container(
    host: str | None = None, port: int | None = None, *, logs: bool = True
) -> Container:
    """Logging as the settings ask (unless `logs` is False: a one-off command that prints its
    own lines), then the container; refuses weak secrets with a clear message (and exit code 2)
    outside development. `host` and `port` override the settings."""
    from metskin.bootstrap import bootstrap
    from metskin.logging import configure_logging
    from metskin.settings import InsecureSettings, get_settings

    try:
        settings = get_settings()
        overrides = {"host": host, "port": port}
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v})
        if logs:
            configure_logging(json_lines=settings.json_logs)
        return bootstrap(settings)
    except InsecureSettings as error:
        console.print(f"[red]{error}")
        raise typer.Exit(2) from error
