"""Fixtures the services' unit tests share: the fake clock and the fake outside world."""

from __future__ import annotations

import pytest

from tests.fakes.infra import FakeClock, FakeEngine, FakeMailRenderer, FakeNotifier, FakeStorage


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> FakeClock:
    """A fake clock at the test module's `NOW`, when it names one."""
    return FakeClock(getattr(request.module, "NOW", None))


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def renderer() -> FakeMailRenderer:
    return FakeMailRenderer()


@pytest.fixture
def storage() -> FakeStorage:
    return FakeStorage()


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()
