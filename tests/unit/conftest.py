"""Fixtures the services' unit tests share: the fake clock and the fake outside world."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests.fakes.infra import FakeClock, FakeEngine, FakeMailRenderer, FakeNotifier, FakeStorage

T = TypeVar("T")


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> FakeClock:
    """A fake clock at the test module's `NOW`, when it names one."""
    return FakeClock(getattr(request.module, "NOW", None))


def _fresh(fake: Callable[[], T], name: str) -> Any:
    """A fixture that gives each test a new `fake()`."""

    def make() -> T:
        return fake()

    return pytest.fixture(make, name=name)


notifier = _fresh(FakeNotifier, "notifier")
renderer = _fresh(FakeMailRenderer, "renderer")
storage = _fresh(FakeStorage, "storage")
engine = _fresh(FakeEngine, "engine")
