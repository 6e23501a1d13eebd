"""The recommendation service on the fakes (service_builders.py), for every test here."""

from __future__ import annotations

import pytest

from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.service_builders import loaded_service, people_and_analyses


@pytest.fixture
def uow() -> FakeRecommendationsUnitOfWork:
    return people_and_analyses()


@pytest.fixture
def service(uow: FakeRecommendationsUnitOfWork, clock: FakeClock) -> RecommendationService:
    return loaded_service(uow, clock)
