"""The Dramatiq broker, set before any actor is declared.

Redis when `METSKIN_REDIS_URL` is set; otherwise a StubBroker that an in-process worker drains.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, Retries, TimeLimit

from metskin.settings import Settings

DEFAULT_TIME_LIMIT_MS = 5 * 60 * 1000
DEFAULT_MAX_AGE_MS = 24 * 3600 * 1000


def make_broker(settings: Settings) -> dramatiq.Broker:
    broker: dramatiq.Broker
    if settings.uses_redis:
        broker = RedisBroker(
            url=settings.redis_url,
            namespace="metskin-jobs",
            heartbeat_timeout=settings.queue_heartbeat_timeout_ms,
            maintenance_chance=settings.queue_maintenance_chance,
        )
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    _tune_middleware(broker)
    dramatiq.set_broker(broker)
    return broker


def _tune_middleware(broker: dramatiq.Broker) -> None:
    for middleware in broker.middleware:
        if isinstance(middleware, Retries):
            middleware.max_retries = 5
            middleware.min_backoff = 1_000
            middleware.max_backoff = 60_000
        elif isinstance(middleware, TimeLimit):
            middleware.time_limit = DEFAULT_TIME_LIMIT_MS
        elif isinstance(middleware, AgeLimit):
            middleware.max_age = DEFAULT_MAX_AGE_MS
