"""Jobs are counted and timed into the metrics, failures too."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.stub import StubBroker

from metskin.adapters.metrics import Metrics
from metskin.workers.metrics import JobMetrics


def test_jobs_are_counted_by_actor_and_outcome() -> None:
    broker = StubBroker()
    broker.emit_after("process_boot")
    metrics = Metrics()
    broker.add_middleware(JobMetrics(metrics))

    @dramatiq.actor(broker=broker, actor_name="tick", max_retries=0)
    def tick(fail: bool) -> None:
        if fail:
            raise ValueError("bad")

    worker = dramatiq.Worker(broker, worker_timeout=100)
    worker.start()
    try:
        tick.send(False)
        tick.send(False)
        tick.send(True)
        broker.join("default", fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    text = metrics.render().decode()
    assert 'metskin_jobs_total{actor="tick",outcome="ok"} 2.0' in text
    assert 'metskin_jobs_total{actor="tick",outcome="failed"} 1.0' in text
    assert 'metskin_job_seconds_count{actor="tick"} 3.0' in text
