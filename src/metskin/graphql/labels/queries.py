"""Label queries: the labels of an analysis, and your consent for learning."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import as_viewer, run_sync, viewer_id_of
from metskin.graphql.labels.types import AnalysisLabel, LearningConsent
from metskin.graphql.permissions import IsAuthenticated, guarded_field


@strawberry.type
class LabelQueries:
    @guarded_field(
        IsAuthenticated,
        "Every label write on an analysis, oldest first: for its owner, an admin, or a "
        "dermatologist while it is shared with them (audited).",
    )
    async def analysis_labels(self, info: Info, analysis_id: strawberry.ID) -> list[AnalysisLabel]:
        found = await as_viewer(info, info.context.container.labels.labels, str(analysis_id))
        return [AnalysisLabel.from_domain(label) for label in found]

    @guarded_field(IsAuthenticated, "Whether your analyses and product ratings may train models.")
    async def learning_consent(self, info: Info) -> LearningConsent:
        consent = await run_sync(info.context.container.labels.consent, viewer_id_of(info))
        return LearningConsent.from_domain(consent)
