"""Actors: thin, idempotent, retried on transient errors only. They take ids, never objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dramatiq

from metskin.domain.errors import DomainError

if TYPE_CHECKING:
    from metskin.bootstrap import Container

# Bad input is final: a DomainError is never retried.
PERMANENT_ERRORS = (DomainError,)
GAVE_UP_REASON = "The analysis could not be completed after several tries. Start it again later."


def declare_actors(broker: dramatiq.Broker, container: Container) -> dict[str, dramatiq.Actor]:
    settings = container.settings

    def send_welcome_email(user_id: str) -> None:
        container.notifications.send_welcome_email(user_id)

    def analyse_media(analysis_id: str) -> None:
        container.analyses.run(analysis_id)

    def analysis_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        analysis_id = message.get("kwargs", {}).get("analysis_id")
        if analysis_id:
            container.analyses.mark_failed(analysis_id, "ANALYSIS_FAILED", GAVE_UP_REASON)

    options: dict[str, dict[str, Any]] = {
        "analyse_media": {
            "time_limit": settings.analysis_time_limit_s * 1000,
            "max_retries": 4,
            "on_retry_exhausted": "analysis_gave_up",
        },
    }
    actors: dict[str, dramatiq.Actor] = {}
    for fn in (send_welcome_email, analyse_media, analysis_gave_up):
        decorate = dramatiq.actor(
            broker=broker,
            actor_name=fn.__name__,
            throws=PERMANENT_ERRORS,
            **options.get(fn.__name__, {}),
        )
        actors[fn.__name__] = decorate(fn)
    return actors
