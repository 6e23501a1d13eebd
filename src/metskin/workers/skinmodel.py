"""Skin model actors: after a label write or a withdrawn learning consent, retrain when enough
new labels have arrived or data the newest version learnt from has gone; after a withdrawal,
the learned recommender's saved versions also forget the raters who left
(`adapters/ml/ranker_forget.py`).

The job proposes a CANDIDATE and never promotes it (promotion goes through the gate, by an
admin). It is idempotent: nothing due, or a dataset some version was already trained on,
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from metskin.domain.labels.service import CONSENT_WITHDRAWN, LABEL_WRITTEN
from metskin.workers.actors import ActorSpec


def skin_model_actors(
    retrain_if_due: Callable[[], object], forget_withdrawn: Callable[[], object] = lambda: 0
) -> list[ActorSpec]:
    def label_written(label_id: str) -> None:
        retrain_if_due()

    def consent_withdrawn() -> None:
        forget_withdrawn()  # first: it is quick, and owed whatever the training does
        retrain_if_due()

    options = {"max_retries": 2, "time_limit": 3_600_000}
    return [
        ActorSpec(LABEL_WRITTEN, label_written, options),
        ActorSpec(CONSENT_WITHDRAWN, consent_withdrawn, options),
    ]
