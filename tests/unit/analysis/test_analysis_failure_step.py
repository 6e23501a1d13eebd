"""The pipeline's step after a failure (`AnalysisService.add_step_after_failure`): what its
RECOMMENDING stage saved (the routine) is taken back whichever way the run ends FAILED after it,
once, by the call that failed it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.privacy.model import ConsentPurpose, ConsentRecord
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.unit.analysis.test_analysis_service import (  # noqa: F401
    analyses,
    events,
    media_service,
    queued,
    uow,
)


def failing_after_recommending(analyses: AnalysisService) -> list[str]:  # noqa: F811
    """A step after RECOMMENDING that fails (storage away, say): the run is retried."""
    failed: list[str] = []

    def later_step(analysis: Analysis, result: dict[str, Any]) -> None:
        raise ConnectionError("storage away")

    analyses.add_step_after_measuring(later_step)
    analyses.add_step_after_failure(lambda analysis: failed.append(analysis.id))
    return failed


def test_a_run_failed_for_good_runs_the_step_once(
    queued: Analysis,  # noqa: F811
    analyses: AnalysisService,  # noqa: F811
) -> None:
    """Before, nothing ran: the routine saved at RECOMMENDING stayed the one followed."""
    failed = failing_after_recommending(analyses)
    with pytest.raises(ConnectionError):
        analyses.run(queued.id)
    assert failed == []  # retried: not failed yet
    assert analyses.mark_failed(queued.id, "ANALYSIS_FAILED", "gave up")  # retries spent
    assert failed == [queued.id]
    assert analyses.mark_failed(queued.id, "ANALYSIS_FAILED", "gave up")  # again: finished
    assert analyses.run(queued.id) is AnalysisStatus.FAILED and failed == [queued.id]


def test_a_consent_withdrawn_before_the_retry_runs_the_step(
    queued: Analysis,  # noqa: F811
    analyses: AnalysisService,  # noqa: F811
    uow: FakeAnalysisUnitOfWork,  # noqa: F811
) -> None:
    """The first attempt saved the routine; the retry finds the consent withdrawn."""
    failed = failing_after_recommending(analyses)
    with pytest.raises(ConnectionError):
        analyses.run(queued.id)
    at = datetime(2026, 6, 1, tzinfo=UTC)
    withdrawn = ConsentRecord("w1", "u1", ConsentPurpose.PHOTO_ANALYSIS, False, at, "")
    uow.consent_records.add(withdrawn)
    assert analyses.run(queued.id) is AnalysisStatus.FAILED
    assert failed == [queued.id]
