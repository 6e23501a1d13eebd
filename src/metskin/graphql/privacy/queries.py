"""Data rights queries: my exports, newest first."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_field
from metskin.graphql.privacy.types import DataExport


@strawberry.type
class PrivacyQueries:
    @guarded_field(IsAuthenticated, "Your data exports, newest first.")
    async def my_data_exports(self, info: Info) -> list[DataExport]:
        exports = await run_sync(info.context.container.privacy.exports_of, viewer_id_of(info))
        now = info.context.container.clock()
        return [DataExport.from_domain(export, now) for export in exports]
