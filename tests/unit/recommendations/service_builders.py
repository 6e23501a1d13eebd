"""The recommendation service on the fakes, for the service's tests (fixtures in conftest.py):
two people, a usable result (a1: wrinkles and acne), a dry one (a2), an unusable one, a
running and a failed analysis; a small catalog with a retinol and a niacinamide serum."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from metskin.domain.analysis.ports import AnalysisAccess
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.recommendations.rules import load_safety_rules
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.analysis import FakeAnalysisRepository, FakeAnalysisUnitOfWork
from tests.fakes.infra import FakeClock, FakeEngine, FakeEventBus, FakeStorage
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.builders import T0, analysis, result, user
from tests.unit.recommendations.recommendation_builders import INGREDIENTS, basics, product

NOW = T0 + timedelta(days=10)
WRINKLES = result(wrinkles=70.0, acne=55.0)
PRODUCTS = [
    *basics(),
    product(
        "retinol-serum",
        "serum",
        [("Retinol", 0.3)],
        when="PM",
        concerns=["wrinkles", "acne"],
        price="20.00",
    ),
    product(
        "niacinamide-serum",
        "serum",
        [("Niacinamide", 5.0)],
        concerns=["acne", "pigmentation"],
        price="18.00",
    ),
]


def chosen(routine: dict[str, Any]) -> set[str]:
    return {step["product_id"] for step in routine["am"] + routine["pm"]}


def people_and_analyses() -> FakeRecommendationsUnitOfWork:
    uow = FakeRecommendationsUnitOfWork(analyses=FakeAnalysisRepository())
    with uow:
        uow.users.add(user("p1", birth_year=1990))
        uow.users.add(user("p2"))
        uow.analyses.add(analysis("a1", "p1", days=1))
        uow.analyses.add_result("a1", WRINKLES, None)
        uow.analyses.add(analysis("a2", "p1", days=2))
        uow.analyses.add_result("a2", result(dryness=60.0), None)
        uow.analyses.add(analysis("bad", "p1", days=3))
        uow.analyses.add_result("bad", result(ok=False), None)
        uow.analyses.add(analysis("running", "p1", days=4, status=AnalysisStatus.RUNNING))
        uow.analyses.add(analysis("failed", "p1", days=0, status=AnalysisStatus.FAILED))
        uow.commit()
    return uow


def recommendations(
    uow: FakeRecommendationsUnitOfWork,
    clock: FakeClock,
    access: AnalysisAccess | None = None,
    **options: Any,
) -> RecommendationService:
    """The service on the fakes, reading analyses from `uow`'s store (`access`: who else may
    read them, the owner only by default); the catalog not loaded."""
    analyses = AnalysisService(
        FakeAnalysisUnitOfWork(analyses=uow.analyses, users=uow.users),
        FakeStorage(),
        FakeEngine(),
        FakeEventBus(),
        clock,
        access=access,
    )
    return RecommendationService(uow, analyses, load_safety_rules(), clock, **options)


def loaded_service(uow: FakeRecommendationsUnitOfWork, clock: FakeClock) -> RecommendationService:
    service = recommendations(uow, clock)
    assert service.load_catalog(INGREDIENTS, PRODUCTS) == len(PRODUCTS)
    return service


def set_profile(uow: FakeRecommendationsUnitOfWork, user_id: str, **changes: Any) -> None:
    with uow:
        person = uow.users.get(user_id)
        assert person is not None
        for name, value in changes.items():
            setattr(person.profile, name, value)
        uow.users.save(person)
        uow.commit()
