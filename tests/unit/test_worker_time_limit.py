"""An actor that runs past its time limit is interrupted (an analysis fails at once, with its
own code), and closing the broker ends the thread that watches the limits (one per broker: a
process that makes many containers, as the tests do, kept them all)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import dramatiq

from metskin.domain.analysis.service import ANALYSE_MEDIA
from metskin.workers.actors import declare_actors
from metskin.workers.analysis import TIMED_OUT_REASON, analysis_actors
from metskin.workers.broker import (
    Deadlines,
    close_broker,
    deadline_watchers,
    make_broker,
    start_worker,
)
from tests.conftest import make_settings


def test_an_actor_past_its_time_limit_is_interrupted_and_closing_ends_the_watcher(
    tmp_path: Path,
) -> None:
    broker = make_broker(make_settings(tmp_path))
    ended: list[str] = []

    @dramatiq.actor(broker=broker, actor_name="stuck", max_retries=0, time_limit=300)
    def stuck() -> None:
        started = time.monotonic()
        try:
            while time.monotonic() - started < 10.0:  # pure Python: the interrupt lands
                sum(range(1000))
            ended.append("ran to the end")
        except dramatiq.middleware.TimeLimitExceeded:
            ended.append(f"interrupted after {time.monotonic() - started:.1f} s")
            raise

    watchers = deadline_watchers(broker)
    assert len(watchers) == 1
    worker = start_worker(broker, threads=1)
    try:
        stuck.send()
        broker.join("default", fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    assert len(ended) == 1 and ended[0].startswith("interrupted"), ended
    assert watchers[0].is_alive()
    close_broker(broker)
    watchers[0].join(timeout=5)
    assert not watchers[0].is_alive()
    assert not any(isinstance(t, Deadlines) for t in threading.enumerate())


class StuckAnalyses:
    """An analysis service whose run never ends (a file the engine is stuck on)."""

    def __init__(self) -> None:
        self.runs = 0
        self.failed: list[tuple[str, str, str]] = []

    def run(self, analysis_id: str) -> None:
        self.runs += 1
        while True:
            sum(range(1000))

    def mark_failed(self, analysis_id: str, code: str, reason: str) -> None:
        self.failed.append((analysis_id, code, reason))


def test_an_analysis_past_its_time_limit_fails_at_once_with_its_own_code(
    tmp_path: Path,
) -> None:
    """Not retried: a run that long is stuck on the file, and each retry would hold a worker
    as long again before the person is told."""
    broker = make_broker(make_settings(tmp_path))
    analyses = StuckAnalyses()
    actors = declare_actors(broker, analysis_actors(analyses, time_limit_s=1))  # type: ignore[arg-type]
    worker = start_worker(broker, threads=1)
    try:
        actors[ANALYSE_MEDIA].send(analysis_id="a1")
        broker.join("default", fail_fast=False)
        worker.join()
    finally:
        worker.stop()
        close_broker(broker)
    assert analyses.runs == 1
    assert analyses.failed == [("a1", "ANALYSIS_TIMED_OUT", TIMED_OUT_REASON)]
