"""The routine a person follows (the newest saved: first in myRoutines, the one check-ins count
from) is made from what they say now, also when they say it while the pipeline builds the
routine of a new photo, or before that photo's result is stored."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.messages import Job
from metskin.domain.recommendations.errors import StillMeasuring
from metskin.domain.recommendations.followed import hold_why
from metskin.domain.recommendations.jobs import (
    REFRESH_ROUTINE,
    WHY_PHOTO_DELETED,
    WHY_PROFILE,
    WHY_RATING,
)
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


def deleted(uow: FakeRecommendationsUnitOfWork, analysis_id: str) -> None:
    """`deleteAnalysis` on the fakes: the analysis and its routines go."""
    with uow:
        del uow.analyses.rows[analysis_id]
        for routine in [r for r in uow.routines.rows.values() if r.analysis_id == analysis_id]:
            del uow.routines.rows[routine.id]
        uow.commit()


def test_a_deleted_photo_s_routine_leaves_the_one_before_told_and_counted_from_now(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, when the routine of the photo before still fitted, nothing was told though the
    person now followed another photo's routine, and their check-in stayed counted from the
    routine of the photo they deleted."""
    older = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=1)
    newest = service.recommend("p1", Role.PATIENT, "a2")
    assert service.history("p1", None, 1) == [newest]
    clock.advance(days=10)
    deleted(uow, "a2")
    service.refresh_current("p1", WHY_PHOTO_DELETED)  # what the deletion asks for
    (now,) = service.history("p1", None, 5)
    assert (now.id, now.created_at) == (older.id, clock.now)  # theirs from now
    with uow:
        schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == clock.now
    (told, *_) = uow.inbox.newest("p1", None, 5)
    assert told.payload["why"] == WHY_PHOTO_DELETED and told.payload["analysis_id"] == "a1"
    service.refresh_current("p1", WHY_PHOTO_DELETED)  # again (the job): told once
    assert service.recommend("p1", Role.PATIENT, "a1") == now
    assert len(uow.inbox.newest("p1", None, 5)) == 2  # a1's routine, then the deletion


def test_no_check_in_is_due_once_the_photo_of_the_only_routine_is_deleted(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    """Before, the person who deleted their only photo was still asked for a check-in photo
    "in the same light and place as last time", counted from the routine they deleted."""
    service.recommend("p1", Role.PATIENT, "a2")
    deleted(uow, "a2")
    assert service.refresh_current("p1", WHY_PHOTO_DELETED) is None
    with uow:
        schedule = uow.check_ins.get("p1")
    assert schedule is not None and (schedule.anchor_at, schedule.due_at) == (None, None)


def test_a_change_made_after_the_job_s_retries_is_made_when_the_result_is_stored(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the job gave up after its retries (about 30 s): a result stored later left the
    routine saved from what the person said before until they opened it."""
    with uow:
        running = uow.analyses.get("running")
    assert running is not None
    service.for_analysis(running, WRINKLES)  # the pipeline's RECOMMENDING stage
    set_profile(uow, "p1", pregnant=True)  # its job met StillMeasuring until it gave up
    clock.advance(minutes=2)
    with uow:  # the result stored, much later
        uow.analyses.add_result("running", WRINKLES, None)
        uow.analyses.save(replace(running, status=AnalysisStatus.DONE))
        uow.commit()
    service.after_result_stored(running)  # the pipeline's last step
    (now,) = service.history("p1", None, 1)
    assert now.analysis_id == "running" and "retinol-serum" not in chosen(now.routine)
    service.after_result_stored(running)  # a second call changes nothing
    assert service.history("p1", None, 1) == [now]


def _measured(uow: FakeRecommendationsUnitOfWork, running: Analysis) -> None:
    with uow:  # the result stored
        uow.analyses.add_result(running.id, WRINKLES, None)
        uow.analyses.save(replace(running, status=AnalysisStatus.DONE))
        uow.commit()


def _counting(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> tuple[RecommendationService, list[str]]:
    """The service, with each build of a routine counted (the ranker is asked once a build)."""
    built: list[str] = []

    def ranker_for(user_id: str) -> tuple[Ranker | None, str]:
        built.append(user_id)
        return None, ""

    service = recommendations(uow, clock, ranker_for=ranker_for)
    service.load_catalog(INGREDIENTS, PRODUCTS)
    return service, built


def test_the_pipeline_builds_a_photo_s_routine_once_when_nothing_was_said_meanwhile(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """The result's step built the routine a second time to find it unchanged: about a third
    of the pipeline's work beyond the engine's (`bench/pipeline_threads.py`)."""
    service, built = _counting(uow, clock)
    with uow:
        running = uow.analyses.get("running")
    assert running is not None
    service.after_measuring(running, WRINKLES)  # RECOMMENDING
    (saved,) = service.history("p1", None, 1)
    _measured(uow, running)
    read: list[str] = []  # the routines read whole: their JSON, which a database decodes
    listed = uow.routines.list_for_user
    uow.routines.list_for_user = lambda *args: read.append(args[0]) or listed(*args)  # type: ignore[method-assign]
    service.after_result_stored(running)
    assert built == ["p1"]
    assert read == []  # only the followed routine's analysis was asked
    assert service.history("p1", None, 5)[0] == saved


def test_what_is_said_between_the_routine_and_the_result_still_rebuilds_it(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """A profile saved after RECOMMENDING (its job gave up, or has not run), or a change whose
    why is kept for the result: the result's step builds it again from what they say now."""
    service, built = _counting(uow, clock)
    with uow:
        running = uow.analyses.get("running")
    assert running is not None
    service.after_measuring(running, WRINKLES)
    set_profile(uow, "p1", pregnant=True)  # no job ran
    _measured(uow, running)
    service.after_result_stored(running)
    (now,) = service.history("p1", None, 1)
    assert "retinol-serum" not in chosen(now.routine) and built == ["p1", "p1"]

    service.after_measuring(running, WRINKLES)  # the photo analysed again
    with uow:
        hold_why(uow, "p1", WHY_RATING, clock())  # a why kept for the result
        uow.commit()
    service.after_result_stored(running)
    assert len(built) == 4
    with uow:
        assert uow.routines.held("p1") == []  # told, and let go
