"""Periodic scans in every worker process (`metskin worker` and the embedded worker): a thread
per scan, started and stopped with the worker through a Dramatiq middleware. A scan must be
safe to run in many processes at once (each claims its rows in the database)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import dramatiq

log = logging.getLogger(__name__)


class PeriodicScan(dramatiq.Middleware):
    """Runs `scan` every `interval` seconds while a worker runs; `name` names its thread."""

    def __init__(self, name: str, scan: Callable[[], int], interval: float) -> None:
        self._name = name
        self._scan = scan
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._scan()
            except Exception:  # the next pass tries again; never let the thread die
                log.exception("periodic scan failed", extra={"scan": self._name})
            self._stop.wait(self._interval)
