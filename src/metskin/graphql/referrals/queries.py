"""Referral queries: the outcome for one analysis, and your referrals."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.cursors import by_created
from metskin.graphql.pagination import Connection, paginate
from metskin.graphql.permissions import IsAuthenticated, guarded_field
from metskin.graphql.referrals.types import Referral, ReferralOutcome


@strawberry.type
class ReferralQueries:
    @guarded_field(
        IsAuthenticated,
        "Should this analysis lead to a dermatologist? Never a "
        "diagnosis; triaged with your earlier analyses.",
    )
    async def referral(self, info: Info, analysis_id: strawberry.ID) -> ReferralOutcome:
        record = await run_sync(
            info.context.container.referrals.for_analysis, viewer_id_of(info), str(analysis_id)
        )
        return ReferralOutcome.of(record, info.context.translator)

    @guarded_field(IsAuthenticated, "Newest first.")
    async def my_referrals(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> Connection[Referral]:
        referrals, viewer_id = info.context.container.referrals, viewer_id_of(info)
        return await paginate(
            info,
            first,
            after,
            by_created("myReferrals"),
            lambda page: referrals.mine(viewer_id, page.after, page.limit),
            lambda record: Referral.from_domain(record, info.context.translator),
        )
