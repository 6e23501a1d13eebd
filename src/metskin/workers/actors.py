"""Actors: thin, idempotent, retried on transient errors only. They take ids, never objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dramatiq

from metskin.domain.errors import DomainError

if TYPE_CHECKING:
    from metskin.bootstrap import Container

# Bad input is final: a DomainError is never retried.
PERMANENT_ERRORS = (DomainError,)


def declare_actors(broker: dramatiq.Broker, container: Container) -> dict[str, dramatiq.Actor]:
    def send_welcome_email(user_id: str) -> None:
        container.notifications.send_welcome_email(user_id)

    functions = [send_welcome_email]
    actors: dict[str, dramatiq.Actor] = {}
    for fn in functions:
        decorate = dramatiq.actor(broker=broker, actor_name=fn.__name__, throws=PERMANENT_ERRORS)
        actors[fn.__name__] = decorate(fn)
    return actors
