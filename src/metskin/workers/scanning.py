"""Periodic scans in every worker process (`metskin worker` and the embedded worker): a thread
per scan, started and stopped with the worker through one Dramatiq middleware. A scan must be
safe to run in many processes at once (each claims its rows in the database)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import dramatiq

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scan:
    name: str  # the thread's name, and the log's
    run: Callable[[], int]  # one pass; how many rows it took
    interval: float  # seconds between passes


class PeriodicScans(dramatiq.Middleware):
    """Runs each scan every `interval` seconds while a worker runs."""

    def __init__(self, scans: list[Scan]) -> None:
        self._scans = scans
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._run, args=(scan,), name=scan.name, daemon=True)
            for scan in self._scans
        ]
        for thread in self._threads:
            thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _run(self, scan: Scan) -> None:
        while not self._stop.is_set():
            try:
                scan.run()
            except Exception:  # the next pass tries again; never let the thread die
                log.exception("periodic scan failed", extra={"scan": scan.name})
            self._stop.wait(scan.interval)
