"""The job queue port on Dramatiq."""

from __future__ import annotations

import dramatiq
import redis

from metskin.adapters.redis_away import RedisAway
from metskin.domain.errors import QueueUnavailable
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Job

UNREACHABLE = _("The job queue cannot be reached; try again soon.")


class DramatiqJobQueue:
    def __init__(self, broker: dramatiq.Broker, away: RedisAway | None = None) -> None:
        """`away`: the Redis broker's server, refused at once while it is not answering."""
        self._broker = broker
        self._away = away or RedisAway()

    def enqueue(self, job: Job) -> None:
        actor = self._broker.get_actor(job.actor)
        if self._away.now():
            raise QueueUnavailable(UNREACHABLE)
        try:
            actor.send_with_options(kwargs=job.kwargs)
        except (redis.RedisError, dramatiq.errors.ConnectionError) as error:
            self._away.failed(error)
            raise QueueUnavailable(UNREACHABLE) from error

    def available(self) -> bool:
        """A Redis broker answers a ping; the in-process broker is always there."""
        client = getattr(self._broker, "client", None)
        if client is None:
            return True
        return bool(self._away.ask(client.ping, False))
