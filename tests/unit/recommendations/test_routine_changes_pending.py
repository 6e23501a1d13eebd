"""Changes said while the photo of the routine followed is measured: kept beside the routine
(not in what was built), told together once the routine is rebuilt, forgotten once told or no
longer needed. And a routine saved by a run already marked FAILED is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.recommendations.errors import RetakeNeeded
from metskin.domain.recommendations.jobs import WHY_PROFILE, WHY_RATING
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.service_builders import WRINKLES, chosen, set_profile
from tests.unit.recommendations.test_routine_after_failure import (
    anchor,
    failed,
    running,
    stored,
    told,
)


def payload_keys(service: RecommendationService) -> set[str]:
    return {key for saved in service.history("p1", None, 10) for key in saved.routine}


def test_a_change_said_while_measured_is_kept_beside_the_routine_and_forgotten_once_unused(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the why was written into the routine's payload (`why_pending`), stayed there
    when the rebuild found nothing to change, and so showed in the data export."""
    service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    measured = running(uow)
    service.after_measuring(measured, WRINKLES)
    (followed, *_) = service.history("p1", None, 1)
    unused = next(
        p for p in ("niacinamide-serum", "retinol-serum") if p not in chosen(followed.routine)
    )
    said = told(uow)
    service.rate("p1", unused, 1, None)  # turns down a product not in it: StillMeasuring
    assert "why_pending" not in payload_keys(service)
    assert uow.routines.held("p1") == [WHY_RATING]
    stored(uow, measured)
    service.after_result_stored(measured)  # the same products: nothing to tell
    assert told(uow) == said and uow.routines.held("p1") == []
    assert "why_pending" not in payload_keys(service)


def test_two_changes_said_while_one_photo_is_measured_are_told_together(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the second change's why replaced the first's: "after your rating" for a
    routine that also changed because the person said they were pregnant."""
    service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    measured = running(uow)
    service.after_measuring(measured, WRINKLES)
    set_profile(uow, "p1", pregnant=True)
    service.refresh("p1", WHY_PROFILE)  # the profile's request: StillMeasuring
    clock.advance(minutes=1)
    (followed, *_) = service.history("p1", None, 1)
    rated = sorted(chosen(followed.routine) - {"retinol-serum"})[0]
    service.rate("p1", rated, 1, None)  # then a rating, still measured
    said = len(told(uow))
    stored(uow, measured)
    service.after_result_stored(measured)
    (change, *_) = told(uow)
    assert len(told(uow)) == said + 1
    assert (change["why"], change["whys"]) == (WHY_PROFILE, [WHY_PROFILE, WHY_RATING])
    assert "pm:retinol-serum" in change["removed"]
    service.refresh_current("p1", WHY_PROFILE)  # the jobs' retries: nothing more
    service.refresh_current("p1", WHY_RATING)
    assert len(told(uow)) == said + 1 and uow.routines.held("p1") == []


def test_one_change_said_while_measured_is_told_with_its_why_alone(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    measured = running(uow)
    service.after_measuring(measured, WRINKLES)
    set_profile(uow, "p1", pregnant=True)
    service.refresh("p1", WHY_PROFILE)
    service.refresh("p1", WHY_PROFILE)  # said twice: one why
    stored(uow, measured)
    service.refresh_current("p1", WHY_PROFILE)  # the job's retry comes first this time
    (change, *_) = told(uow)
    assert change["why"] == WHY_PROFILE and "whys" not in change
    service.after_result_stored(measured)
    assert uow.routines.held("p1") == []


def test_a_routine_saved_by_a_run_already_marked_failed_is_refused(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """A delivery still running when another marked the analysis FAILED (a lost lease, a
    retry) reached RECOMMENDING after the failure's step dropped the routines: before, its
    routine became the one followed, the check-in counted from it."""
    before = service.recommend("p1", Role.PATIENT, "a1")
    counted = anchor(uow)
    clock.advance(days=20)
    measured = running(uow)  # what the late delivery read when it began
    service.after_failure(failed(uow, measured))  # marked FAILED; its step: nothing to drop
    with pytest.raises(RetakeNeeded):
        service.after_measuring(replace(measured), WRINKLES)
    assert service.history("p1", None, 5) == [before] and anchor(uow) == counted
