"""Actors: thin, idempotent, retried on transient errors only. They take ids, never objects.

Each component lists its actors in `workers/<component>.py` as `ActorSpec`s; `bootstrap()`
declares them all on the broker with `declare_actors`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import dramatiq

from metskin.domain.errors import DomainError

# Bad input is final: a DomainError is never retried.
PERMANENT_ERRORS = (DomainError,)


@dataclass(frozen=True)
class ActorSpec:
    """An actor to declare: its name (the one jobs are queued under), function and options."""

    name: str
    fn: Callable[..., None]
    options: dict[str, Any] = field(default_factory=dict)


def declare_actors(
    broker: dramatiq.Broker, specs: Iterable[ActorSpec]
) -> dict[str, dramatiq.Actor]:
    """Declares the actors on `broker` (ids in, idempotent, retried)."""
    actors: dict[str, dramatiq.Actor] = {}
    for spec in specs:
        decorate = dramatiq.actor(
            broker=broker, actor_name=spec.name, throws=PERMANENT_ERRORS, **spec.options
        )
        actors[spec.name] = decorate(spec.fn)
    return actors
