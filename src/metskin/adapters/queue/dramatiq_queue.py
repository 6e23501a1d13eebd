"""The job queue port on Dramatiq."""

from __future__ import annotations

import dramatiq

from metskin.domain.messages import Job


class DramatiqJobQueue:
    def __init__(self, broker: dramatiq.Broker) -> None:
        self._broker = broker

    def enqueue(self, job: Job) -> None:
        actor = self._broker.get_actor(job.actor)
        actor.send_with_options(kwargs=job.kwargs)
