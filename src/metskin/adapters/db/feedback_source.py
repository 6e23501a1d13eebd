"""Training data from the database: every rating, and each rater's needs and profile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.ports import Clock
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.ports import RecommendationsUowFactory
from metskin.domain.recommendations.service import care_profile, needs_from_result

RECENT_ANALYSES = 5


class SqlFeedbackSource:
    def __init__(self, uow_factory: RecommendationsUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def iter_feedback(self) -> Iterable[Feedback]:
        with self._uow_factory() as uow:
            yield from uow.feedback.iter_all()

    def user_contexts(self) -> Mapping[str, UserContext]:
        with self._uow_factory() as uow:
            user_ids = sorted({item.user_id for item in uow.feedback.iter_all()})
            users = uow.users.list_by_ids(user_ids)
            contexts = {}
            for user in users:
                recent = uow.analyses.list_for_owner(user.id, None, RECENT_ANALYSES)
                done = [a.id for a in recent if a.status is AnalysisStatus.DONE]
                results = uow.analyses.get_results(done)
                latest = next((results[a][0] for a in done if a in results
                               and results[a][0].get("ok")), {})  # {}: self-report only
                needs = needs_from_result(ResultReadout.from_stored(latest), user.profile)
                contexts[user.id] = UserContext(needs, care_profile(user.profile, self._clock()))
        return contexts
