"""The routine the pipeline saved at RECOMMENDING for a photo whose run then failed: the person's
care is left as it was before that photo. And a change said while a photo is measured is told
with its why, whether the pipeline's last step or the job's retry rebuilds the routine first."""

from __future__ import annotations

from dataclasses import replace

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.recommendations.jobs import WHY_ANALYSIS_FAILED, WHY_PROFILE
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.builders import result
from tests.unit.recommendations.service_builders import WRINKLES, chosen, set_profile


def running(uow: FakeRecommendationsUnitOfWork) -> Analysis:
    with uow:
        found = uow.analyses.get("running")
    assert found is not None
    return found


def failed(uow: FakeRecommendationsUnitOfWork, analysis: Analysis) -> Analysis:
    """The run ended FAILED after its RECOMMENDING stage (a later step, its retries spent)."""
    gone = replace(analysis, status=AnalysisStatus.FAILED, failure_code="ANALYSIS_FAILED")
    with uow:
        uow.analyses.save(gone)
        uow.commit()
    return gone


def stored(uow: FakeRecommendationsUnitOfWork, measured: Analysis) -> None:
    """The run's result stored: the analysis DONE."""
    with uow:
        uow.analyses.add_result(measured.id, WRINKLES, None)
        uow.analyses.save(replace(measured, status=AnalysisStatus.DONE))
        uow.commit()


def anchor(uow: FakeRecommendationsUnitOfWork) -> object:
    with uow:
        schedule = uow.check_ins.get("p1")
    return schedule.anchor_at if schedule else None


def told(uow: FakeRecommendationsUnitOfWork) -> list[dict[str, object]]:
    return [entry.payload for entry in uow.inbox.newest("p1", None, 20)]


def test_a_routine_whose_analysis_failed_leaves_the_one_before_and_the_count_as_they_were(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the failed photo's routine stayed the one followed (first in myRoutines), the
    check-in counted from it, while its result page said "take a new photo"."""
    before = service.recommend("p1", Role.PATIENT, "a1")
    counted, said = anchor(uow), told(uow)
    clock.advance(days=20)
    service.after_measuring(running(uow), WRINKLES)  # the same products: nothing told
    assert service.history("p1", None, 1)[0].analysis_id == "running"
    clock.advance(minutes=5)
    gone = failed(uow, running(uow))
    service.after_failure(gone)  # the pipeline's step once the run is marked FAILED
    assert service.history("p1", None, 5) == [before]
    assert anchor(uow) == counted and told(uow) == said
    service.after_failure(gone)  # again (a second delivery): nothing more
    assert service.history("p1", None, 5) == [before] and told(uow) == said


def test_a_change_announced_from_a_failed_analysis_is_taken_back_once(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the person told "your routine changed" at RECOMMENDING kept following that
    routine, built from a measurement that then failed."""
    before = service.recommend("p1", Role.PATIENT, "a1")
    counted = anchor(uow)
    clock.advance(days=20)
    service.after_measuring(running(uow), result(dryness=60.0))  # other products: told
    (announced, *_) = told(uow)
    assert announced["analysis_id"] == "running"
    clock.advance(minutes=5)
    gone = failed(uow, running(uow))
    service.after_failure(gone)
    (now, *_) = service.history("p1", None, 5)
    assert now.analysis_id == "a1" and chosen(now.routine) == chosen(before.routine)
    assert anchor(uow) == counted  # the check-in as before the failed photo
    (back, *_) = told(uow)
    assert back["why"] == WHY_ANALYSIS_FAILED and back["analysis_id"] == "a1"
    assert (back["added"], back["removed"]) == (announced["removed"], announced["added"])
    count = len(told(uow))
    service.after_failure(gone)
    service.refresh_current("p1", WHY_PROFILE)  # a later rebuild: nothing changed
    assert len(told(uow)) == count


def test_a_change_said_while_a_failed_photo_was_measured_is_made_on_the_routine_before(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """A pregnancy said while the photo was measured (its job met StillMeasuring) is made on
    the routine that comes back, told once with its why."""
    service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    service.after_measuring(running(uow), WRINKLES)
    set_profile(uow, "p1", pregnant=True)
    service.refresh("p1", WHY_PROFILE)  # the request: StillMeasuring, a job queued
    clock.advance(minutes=2)
    gone = failed(uow, running(uow))
    service.after_failure(gone)
    (now, *_) = service.history("p1", None, 5)
    assert now.analysis_id == "a1" and "retinol-serum" not in chosen(now.routine)
    (change, *_) = told(uow)
    assert change["why"] == WHY_PROFILE and change["analysis_id"] == "a1"
    assert "pm:retinol-serum" in change["removed"]
    count = len(told(uow))
    service.refresh_current("p1", WHY_PROFILE)  # the job's retry: told once
    assert len(told(uow)) == count


def test_a_change_said_while_the_photo_is_measured_is_told_with_its_why_at_the_result(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the pipeline's last step rebuilt the routine first, told without a why ("Your
    routine changed"), and the job's retry then found nothing to do."""
    service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    measured = running(uow)
    service.after_measuring(measured, WRINKLES)
    set_profile(uow, "p1", pregnant=True)
    service.refresh("p1", WHY_PROFILE)  # the request: StillMeasuring, a job queued
    clock.advance(minutes=2)
    stored(uow, measured)
    service.after_result_stored(measured)  # the pipeline's last step comes first
    (now, *_) = service.history("p1", None, 1)
    assert now.analysis_id == "running" and "retinol-serum" not in chosen(now.routine)
    (change, *_) = told(uow)
    assert change["why"] == WHY_PROFILE and "pm:retinol-serum" in change["removed"]
    count = len(told(uow))
    service.refresh_current("p1", WHY_PROFILE)  # the job's retry: nothing more
    assert len(told(uow)) == count


def test_the_first_photo_failing_after_its_routine_leaves_no_routine_and_no_check_in(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    service.after_measuring(running(uow), WRINKLES)
    service.after_failure(failed(uow, running(uow)))
    assert service.history("p1", None, 5) == [] and anchor(uow) is None and told(uow) == []


def test_a_rebuild_drops_the_routine_of_an_analysis_that_failed_when_its_step_did_not_run(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """The step after the failure is logged, not retried, when it fails: the person's next
    rebuild (a profile change, say) does it."""
    before = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=20)
    service.after_measuring(running(uow), WRINKLES)
    failed(uow, running(uow))  # the step did not run
    assert service.refresh_current("p1", WHY_PROFILE) == before
    assert service.history("p1", None, 5) == [before] and anchor(uow) == before.created_at
