"""The composition root: settings → adapters → services. API, worker and tests all call it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import dramatiq
from sqlalchemy import Engine

from metskin.adapters.db.engine import make_engine
from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.adapters.events.memory import InMemoryEventBus
from metskin.adapters.events.redis_bus import RedisEventBus
from metskin.adapters.notify.outbox import FileOutbox
from metskin.adapters.notify.templates import JinjaMailRenderer
from metskin.adapters.queue.dramatiq_queue import DramatiqJobQueue
from metskin.adapters.security.passwords import Argon2Hasher
from metskin.adapters.security.tokens import JwtAccessTokens
from metskin.domain.accounts.service import AccountService
from metskin.domain.clock import utc_now
from metskin.domain.messages import Event, Job
from metskin.domain.notifications import NotificationService
from metskin.domain.ports import Clock, EventBus, JobQueue, Notifier, UnitOfWork
from metskin.settings import Settings, get_settings
from metskin.workers.actors import declare_actors
from metskin.workers.broker import make_broker

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    engine: Engine
    broker: dramatiq.Broker
    events: EventBus
    notifier: Notifier
    clock: Clock
    jobs: JobQueue = field(init=False)
    accounts: AccountService = field(init=False)
    notifications: NotificationService = field(init=False)
    _worker: dramatiq.Worker | None = field(default=None, init=False)

    def new_uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.engine, self.dispatch)

    def dispatch(self, messages: list[Job | Event]) -> None:
        """Release jobs and events that a committed unit of work buffered."""
        for message in messages:
            if isinstance(message, Job):
                self.jobs.enqueue(message)
            else:
                self.events.publish(message)

    def start_embedded_worker(self) -> None:
        if self._worker is None:
            self._worker = dramatiq.Worker(
                self.broker, worker_threads=self.settings.worker_threads, worker_timeout=100
            )
            self._worker.start()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        self.broker.close()
        self.engine.dispose()
        if isinstance(self.events, RedisEventBus):
            self.events.close()


def bootstrap(
    settings: Settings | None = None,
    *,
    notifier: Notifier | None = None,
    clock: Clock = utc_now,
) -> Container:
    settings = settings or get_settings()
    events: EventBus = (
        RedisEventBus(settings.redis_url) if settings.uses_redis else InMemoryEventBus()
    )
    container = Container(
        settings=settings,
        engine=make_engine(settings.effective_database_url),
        broker=make_broker(settings),
        events=events,
        notifier=notifier or FileOutbox(settings.outbox_dir),
        clock=clock,
    )
    container.jobs = DramatiqJobQueue(container.broker)
    container.accounts = AccountService(
        container.new_uow,
        Argon2Hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib),
        JwtAccessTokens(
            settings.secret_key.get_secret_value(),
            timedelta(minutes=settings.access_token_minutes),
        ),
        clock,
        timedelta(days=settings.refresh_token_days),
    )
    container.notifications = NotificationService(
        container.new_uow, container.notifier, JinjaMailRenderer(), clock
    )
    declare_actors(container.broker, container)
    return container
