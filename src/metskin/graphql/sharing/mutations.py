"""Sharing mutations: share analyses with a dermatologist, or revoke a share."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsPatient, guarded_mutation
from metskin.graphql.sharing.types import Share


@strawberry.type
class SharingMutations:
    @guarded_mutation(
        IsPatient,
        "Share one analysis (or all, without analysisId) until "
        "expiresAt (default 90 days) or until revoked.",
    )
    async def share_analysis(
        self,
        info: Info,
        dermatologist_id: strawberry.ID,
        analysis_id: strawberry.ID | None = None,
        expires_at: datetime | None = None,
    ) -> Share:
        share = await run_sync(
            info.context.container.sharing.share,
            viewer_id_of(info),
            str(dermatologist_id),
            str(analysis_id) if analysis_id else None,
            expires_at,
        )
        return Share.from_domain(share, info.context.container.clock())

    @guarded_mutation(IsPatient)
    async def revoke_share(self, info: Info, share_id: strawberry.ID) -> Share:
        share = await run_sync(
            info.context.container.sharing.revoke, viewer_id_of(info), str(share_id)
        )
        return Share.from_domain(share, info.context.container.clock())
