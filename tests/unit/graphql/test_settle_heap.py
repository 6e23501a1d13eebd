"""`settle_heap`: what `metskin serve` runs after each process's start-up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from metskin.graphql.app import settle_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting everything


def test_what_lives_after_start_up_is_left_out_of_collections(unfrozen: None) -> None:
    started = [{"alive": i} for i in range(1000)]  # tracked containers alive at start-up
    assert gc.get_freeze_count() == 0
    settle_heap()
    assert gc.get_freeze_count() >= len(started)
    assert not any(started[0] is seen for seen in gc.get_objects())  # no generation walks it
    cycle: list[object] = []
    cycle.append(cycle)  # garbage made later is still collected
    del cycle
    assert gc.collect() >= 1
