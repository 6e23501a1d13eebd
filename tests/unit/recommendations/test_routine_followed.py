"""The routine a person follows (the newest saved: first in myRoutines, the one check-ins count
from) is made from what they say now, also when they say it while the pipeline builds the
routine of a new photo, or before that photo's result is stored."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.messages import Job
from metskin.domain.recommendations.errors import StillMeasuring
from metskin.domain.recommendations.jobs import REFRESH_ROUTINE, WHY_PROFILE, WHY_RATING
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.recommendation_builders import INGREDIENTS
from tests.unit.recommendations.service_builders import (
    PRODUCTS,
    WRINKLES,
    chosen,
    recommendations,
    set_profile,
)


def test_a_profile_saved_while_the_pipeline_builds_the_routine_is_what_it_is_made_from(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the pipeline saved the routine it had built from the profile it read first:
    the person who said they were pregnant meanwhile was left a routine with retinol (the
    profile's rebuild had run on the routine before, or found the analysis not finished)."""
    built: list[str] = []

    def ranker_for(user_id: str) -> tuple[Ranker | None, str]:
        if not built:  # between the pipeline's read of the profile and its save
            set_profile(uow, user_id, pregnant=True)
        built.append(user_id)
        return None, ""

    service = recommendations(uow, clock, ranker_for=ranker_for)
    service.load_catalog(INGREDIENTS, PRODUCTS)
    with uow:
        analysis = uow.analyses.get("a1")
    assert analysis is not None
    saved = service.for_analysis(analysis, WRINKLES)  # the pipeline's RECOMMENDING stage
    assert "retinol-serum" not in chosen(saved.routine) and len(built) == 2
    assert service.history("p1", None, 5) == [saved]


def test_a_change_while_the_routine_s_photo_is_measured_is_made_by_the_job(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    """The pipeline saves the routine before the result: a rebuild then could not read the
    result and did nothing, and the rating's (in its request) queued no job."""
    with uow:
        running = uow.analyses.get("running")
    assert running is not None
    service.for_analysis(running, WRINKLES)  # saved by the pipeline, result not stored yet
    set_profile(uow, "p1", pregnant=True)
    with pytest.raises(StillMeasuring):
        service.refresh_current("p1", WHY_PROFILE)  # the job: retried
    service.rate("p1", "niacinamide-serum", 1, "irritated")  # the request answers
    assert uow.jobs[-1] == Job(REFRESH_ROUTINE, {"user_id": "p1", "why": WHY_RATING})
    with uow:  # measured: its result stored
        uow.analyses.add_result("running", WRINKLES, None)
        uow.analyses.save(replace(running, status=AnalysisStatus.DONE))
        uow.commit()
    rebuilt = service.refresh_current("p1", WHY_RATING)  # the job's retry
    assert rebuilt is not None and rebuilt.analysis_id == "running"
    assert not {"retinol-serum", "niacinamide-serum"} & chosen(rebuilt.routine)
    (told, *_) = uow.inbox.newest("p1", None, 5)
    assert told.payload["why"] == WHY_RATING
