"""Rollback brings back the version the live one's promotion replaced, never one a rollback
retired: v1, promote v2, roll back (v1 live), promote v3, roll back -> v1, then the engine."""

from __future__ import annotations

from typing import Any

from metskin.domain.skinmodel.evaluation import Graded, error_table
from metskin.domain.skinmodel.model import ModelState
from metskin.domain.skinmodel.ports import TrainedCandidate
from metskin.domain.skinmodel.service import SkinModelService
from tests.fakes.infra import FakeClock
from tests.fakes.skinmodel import FakeSkinModelUnitOfWork


def acne_table(error: float) -> dict[str, Any]:
    """Eight held-out faces (Monk 3 and 4) whose acne grade is off by `error`."""
    faces = [(f"f{i}", 3 + i % 2) for i in range(8)]
    return error_table(Graded(s, t, {"ACNE": 2}, {"ACNE": 2 + error}) for s, t in faces)


def trained(acne: float, live_version: int | None, live_acne: float | None) -> TrainedCandidate:
    """A candidate that passes the gate against the live version named (error `live_acne`)."""
    live = acne_table(live_acne) if live_acne is not None else None
    metrics = {
        "candidate": acne_table(acne),
        "engine": acne_table(1.0),
        "live": live,
        "live_version": live_version,
    }
    return TrainedCandidate(f"w{acne}.pt", "a" * 64, "test", metrics, "card")


def live_after_each_step(registry: SkinModelService, tick: Any) -> list[str | None]:
    """Promote v1, v2, roll back, promote v3, roll back, roll back: the live name after each."""
    seen: list[str | None] = []

    def promote(acne: float, live_version: int | None, live_acne: float | None) -> None:
        tick()
        registry.promote(registry.register(trained(acne, live_version, live_acne)).version)
        seen.append(registry.current()[0].name)  # type: ignore[union-attr]

    def roll_back() -> None:
        tick()
        back = registry.rollback()
        seen.append(back.name if back else None)

    promote(0.5, None, None)
    promote(0.4, 1, 0.5)
    roll_back()  # v2 found bad
    promote(0.3, 1, 0.5)
    roll_back()
    roll_back()
    return seen


EXPECTED = ["skin-cnn-v1", "skin-cnn-v2", "skin-cnn-v1", "skin-cnn-v3", "skin-cnn-v1", None]


def test_rollback_returns_to_the_version_replaced_never_to_one_rolled_back() -> None:
    clock = FakeClock()
    registry = SkinModelService(FakeSkinModelUnitOfWork(), clock)
    assert live_after_each_step(registry, lambda: clock.advance(minutes=1)) == EXPECTED
    assert [v.state for v in registry.versions()] == [ModelState.RETIRED] * 3


def test_rollback_is_the_same_when_the_clock_stands_still() -> None:
    registry = SkinModelService(FakeSkinModelUnitOfWork(), FakeClock())
    assert live_after_each_step(registry, lambda: None) == EXPECTED
