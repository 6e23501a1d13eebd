"""Data rights mutations: export my data, delete my account, an administrator's erasure."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_mutation
from metskin.graphql.privacy.types import AccountErasure, DataExport


@strawberry.type
class PrivacyMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Start an export of all your data (or get the one being built). Only ever your own.",
    )
    async def export_my_data(self, info: Info) -> DataExport:
        privacy = info.context.container.privacy
        export = await run_sync(privacy.request_export, viewer_id_of(info))
        return DataExport.from_domain(export, info.context.container.clock())

    @guarded_mutation(
        IsAuthenticated,
        "Erase your account for good: future appointments are cancelled (both sides are "
        "told), shares revoked, every row and file of yours deleted; the access log keeps a "
        "pseudonym. Confirm with your password.",
    )
    async def delete_my_account(self, info: Info, password: str) -> AccountErasure:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.delete_my_account, viewer_id_of(info), password)
        return AccountErasure.from_domain(erasure)

    @guarded_mutation(IsAdmin, "Erase someone's account on their request (administrators).")
    async def erase_account(self, info: Info, user_id: strawberry.ID) -> AccountErasure:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.erase_account, viewer_id_of(info), str(user_id))
        return AccountErasure.from_domain(erasure)
