"""Referral mutations: answer the questionnaire."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation
from metskin.graphql.referrals.types import ReferralOutcome, SymptomAnswers


@strawberry.type
class ReferralMutations:
    @guarded_mutation(IsAuthenticated, "Answer the questionnaire; the referral is triaged again.")
    async def submit_symptoms(
        self, info: Info, analysis_id: strawberry.ID, answers: SymptomAnswers
    ) -> ReferralOutcome:
        record = await run_sync(
            info.context.container.referrals.submit_answers,
            viewer_id_of(info),
            str(analysis_id),
            answers.to_domain(),
        )
        return ReferralOutcome.of(record, info.context.translator)
