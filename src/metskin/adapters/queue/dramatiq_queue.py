"""The job queue port on Dramatiq."""

from __future__ import annotations

import dramatiq
import redis

from metskin.domain.errors import QueueUnavailable
from metskin.domain.messages import Job


class DramatiqJobQueue:
    def __init__(self, broker: dramatiq.Broker) -> None:
        self._broker = broker

    def enqueue(self, job: Job) -> None:
        actor = self._broker.get_actor(job.actor)
        try:
            actor.send_with_options(kwargs=job.kwargs)
        except (redis.RedisError, dramatiq.errors.ConnectionError) as error:
            raise QueueUnavailable("The job queue cannot be reached; try again soon.") from error

    def available(self) -> bool:
        """A Redis broker answers a ping; the in-process broker is always there."""
        client = getattr(self._broker, "client", None)
        if client is None:
            return True
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
