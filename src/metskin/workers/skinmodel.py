"""Skin model actor: after a label write, retrain when enough new labels have arrived.

The job proposes a CANDIDATE and never promotes it (promotion goes through the gate, by an
admin). It is idempotent: too few new labels, or a dataset some version was already trained
on, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from metskin.domain.labels.service import LABEL_WRITTEN
from metskin.workers.actors import ActorSpec


def skin_model_actors(retrain_if_due: Callable[[], object]) -> list[ActorSpec]:
    def label_written(label_id: str) -> None:
        retrain_if_due()

    return [ActorSpec(LABEL_WRITTEN, label_written, {"max_retries": 2, "time_limit": 3_600_000})]
