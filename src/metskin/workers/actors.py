"""Actors: thin, idempotent, retried on transient errors only. They take ids, never objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import dramatiq

from metskin.domain.errors import DomainError

if TYPE_CHECKING:
    from metskin.bootstrap import Container

# Bad input is final: a DomainError is never retried.
PERMANENT_ERRORS = (DomainError,)
GAVE_UP_REASON = "The analysis could not be completed after several tries. Start it again later."


ActorSpec = tuple[Callable[..., None], dict[str, Any]]  # function, Dramatiq options


def declare_actors(broker: dramatiq.Broker, container: Container) -> dict[str, dramatiq.Actor]:
    """Declares every component's actors on `broker` (ids in, idempotent, retried)."""
    from metskin.workers.care_actors import care_actors

    specs = core_actors(container) + care_actors(container)
    actors: dict[str, dramatiq.Actor] = {}
    for fn, options in specs:
        decorate = dramatiq.actor(
            broker=broker, actor_name=fn.__name__, throws=PERMANENT_ERRORS, **options
        )
        actors[fn.__name__] = decorate(fn)
    return actors


def core_actors(container: Container) -> list[ActorSpec]:
    settings = container.settings

    def send_welcome_email(user_id: str) -> None:
        container.notifications.send_welcome_email(user_id)

    def analyse_media(analysis_id: str) -> None:
        container.analyses.run(analysis_id)

    def analysis_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        analysis_id = message.get("kwargs", {}).get("analysis_id")
        if analysis_id:
            container.analyses.mark_failed(analysis_id, "ANALYSIS_FAILED", GAVE_UP_REASON)

    analysis_options = {
        "time_limit": settings.analysis_time_limit_s * 1000,
        "max_retries": 4,
        "on_retry_exhausted": "analysis_gave_up",
    }
    return [
        (send_welcome_email, {}),
        (analyse_media, analysis_options),
        (analysis_gave_up, {}),
    ]
