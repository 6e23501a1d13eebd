"""`metskin worker` leaves what lives after its start-up out of the collector's walks, as
`metskin serve` does (`settle_heap`), and signals the process's boot (the time limits)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import dramatiq
import pytest
from typer.testing import CliRunner

import metskin.cli


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting everything


class FakeWorker:
    """Records the heap's frozen count when started and when stopped."""

    seen: list[tuple[str, int]] = []

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        self.started_with = [{"worker thread state": i} for i in range(500)]

    def start(self) -> None:
        FakeWorker.seen.append(("start", gc.get_freeze_count()))

    def stop(self) -> None:
        FakeWorker.seen.append(("stop", gc.get_freeze_count()))


class FakeBroker:
    """Records what the command signals to it."""

    middleware: list[object] = []

    def __init__(self) -> None:
        self.signals: list[str] = []

    def emit_after(self, signal: str) -> None:
        self.signals.append(signal)


class SetEvent(threading.Event):
    """The worker's stop signal, already given: the command returns at once."""

    def __init__(self) -> None:
        super().__init__()
        self.set()


def test_the_worker_freezes_its_heap_after_start_up(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = SimpleNamespace(
        settings=SimpleNamespace(uses_redis=True, worker_metrics_port=None, worker_threads=1),
        broker=FakeBroker(),
        close=lambda: None,
    )
    monkeypatch.setattr(metskin.cli, "start_container", lambda: container)
    monkeypatch.setattr(dramatiq, "Worker", FakeWorker)
    monkeypatch.setattr(metskin.cli.threading, "Event", SetEvent)
    FakeWorker.seen = []
    result = CliRunner().invoke(metskin.cli.app, ["worker"])
    assert result.exit_code == 0, result.output
    (_, at_start), (_, at_stop) = FakeWorker.seen
    assert at_start == 0  # nothing frozen before the worker has started
    assert at_stop >= 500  # its start-up state (and the container) frozen, once running
    assert container.broker.signals == ["process_boot"]  # the actors' time limits apply
