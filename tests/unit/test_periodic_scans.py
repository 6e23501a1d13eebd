"""The periodic scans of a worker: a thread per scan, each pass repeated, a failing pass does
not end its scan, and shutdown stops them all."""

from __future__ import annotations

import threading
from typing import Any

from metskin.workers.scanning import PeriodicScans, Scan


class Counting:
    def __init__(self, fail: bool = False) -> None:
        self.passes = 0
        self.fail = fail
        self.third = threading.Event()

    def __call__(self) -> int:
        self.passes += 1
        if self.passes >= 3:
            self.third.set()
        if self.fail:
            raise RuntimeError("the database is down")
        return 0


def test_each_scan_runs_in_its_own_thread_until_the_worker_stops() -> None:
    steady, failing = Counting(), Counting(fail=True)
    scans = PeriodicScans([Scan("steady", steady, 0.01), Scan("failing", failing, 0.01)])
    broker: Any = None
    scans.after_worker_boot(broker, broker)
    names = {thread.name for thread in threading.enumerate()}
    assert {"steady", "failing"} <= names
    assert steady.third.wait(10) and failing.third.wait(10)  # a failing pass tries again
    scans.before_worker_shutdown(broker, broker)
    stopped = (steady.passes, failing.passes)
    names = {thread.name for thread in threading.enumerate()}
    assert not {"steady", "failing"} & names
    assert (steady.passes, failing.passes) == stopped
