"""The Dramatiq broker, set before any actor is declared.

Redis when `METSKIN_REDIS_URL` is set; otherwise a StubBroker that an in-process worker drains.
"""

from __future__ import annotations

import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AgeLimit, Retries, TimeLimit
from dramatiq.middleware.time_limit import _CtypesTimeoutManager

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
            if isinstance(middleware.manager, _CtypesTimeoutManager):
                middleware.manager = Deadlines(middleware.manager)
        elif isinstance(middleware, AgeLimit):
            middleware.max_age = DEFAULT_MAX_AGE_MS


class Deadlines(_CtypesTimeoutManager):
    """TimeLimit's watcher of the actors' deadlines, which Dramatiq runs for the life of the
    process, one thread per broker: a process that makes and closes containers (the tests: 205
    over the end-to-end tests alone) kept a thread for every one, each waking every second.
    This one ends when its broker is closed (`close_broker`)."""

    def __init__(self, replaced: _CtypesTimeoutManager) -> None:
        super().__init__(replaced.interval * 1000, logger=replaced.logger)
        self.ended = threading.Event()

    def run(self) -> None:
        while not self.ended.wait(self.interval):
            try:
                self._handle_deadlines()
            except Exception:  # as Dramatiq's: the watcher never dies of one error
                self.logger.exception("Unhandled error while running the time limit handler.")


def start_worker(broker: dramatiq.Broker, threads: int) -> dramatiq.Worker:
    """A worker on `broker`, started, the process's boot signalled first (once per broker).
    Dramatiq's own command line signals it; `metskin worker` and the embedded worker run
    Dramatiq from code, and the Redis worker did not signal it: TimeLimit starts its watcher
    on it, so no actor's time limit was ever enforced there (a stuck analysis kept its thread)."""
    if not any(watcher.is_alive() for watcher in deadline_watchers(broker)):
        broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    return worker


def deadline_watchers(broker: dramatiq.Broker) -> list[Deadlines]:
    """The broker's deadline watchers (one, from `make_broker`)."""
    managers = (getattr(middleware, "manager", None) for middleware in broker.middleware)
    return [manager for manager in managers if isinstance(manager, Deadlines)]


def close_broker(broker: dramatiq.Broker) -> None:
    """Close `broker` and end its deadline watcher's thread."""
    for watcher in deadline_watchers(broker):
        watcher.ended.set()
    broker.close()
