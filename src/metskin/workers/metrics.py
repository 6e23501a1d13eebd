"""A Dramatiq middleware that times every job into the container's metrics."""

from __future__ import annotations

import threading
import time
from typing import Any

import dramatiq

from metskin.adapters.metrics import Metrics
from metskin.domain.analysis.service import ANALYSE_MEDIA


class JobMetrics(dramatiq.Middleware):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        with self._lock:
            self._started[message.message_id] = time.perf_counter()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: Any,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        with self._lock:
            started = self._started.pop(message.message_id, None)
        if started is not None:
            actor = message.actor_name
            seconds = time.perf_counter() - started
            self.metrics.job(actor, seconds, exception is None, actor == ANALYSE_MEDIA)

    after_skip_message = after_process_message
