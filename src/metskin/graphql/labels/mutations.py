"""Label mutations: annotate (a dermatologist, under a share), correct (the owner), and the
consent for learning."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import as_viewer, run_sync, viewer_id_of
from metskin.graphql.labels.types import (
    AnalysisLabel,
    AnnotationInput,
    CorrectionInput,
    LearningConsent,
)
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class LabelMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Label an analysis shared with you (dermatologists): grades, lesions, skin type, Monk "
        "tone. Each call is kept; the latest is what counts.",
    )
    async def annotate_analysis(
        self, info: Info, analysis_id: strawberry.ID, input: AnnotationInput
    ) -> AnalysisLabel:
        data = input.to_domain()
        label = await as_viewer(
            info, info.context.container.labels.annotate, str(analysis_id), data
        )
        return AnalysisLabel.from_domain(label)

    @guarded_mutation(IsAuthenticated, "Confirm or correct the result of your own analysis.")
    async def correct_result(
        self, info: Info, analysis_id: strawberry.ID, input: CorrectionInput
    ) -> AnalysisLabel:
        labels, viewer = info.context.container.labels, viewer_id_of(info)
        label = await run_sync(labels.correct, viewer, str(analysis_id), input.to_domain())
        return AnalysisLabel.from_domain(label)

    @guarded_mutation(
        IsAuthenticated,
        "Let your analyses and product ratings train models, or stop it (future datasets and "
        "models leave you out).",
    )
    async def set_learning_consent(self, info: Info, given: bool) -> LearningConsent:
        consent = await run_sync(
            info.context.container.labels.set_consent, viewer_id_of(info), given
        )
        return LearningConsent.from_domain(consent)
