"""Analysis queries: one analysis, and a person's analyses page by page."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.analysis.types import Analysis
from metskin.graphql.context import as_viewer
from metskin.graphql.pagination import Connection, by_created, paginate
from metskin.graphql.permissions import IsAuthenticated, guarded_field


async def analyses_of(
    info: Info, owner_id: str, first: int, after: str | None
) -> Connection[Analysis]:
    analyses = info.context.container.analyses
    return await paginate(
        info,
        first,
        after,
        by_created(),
        lambda page: analyses.history(owner_id, page.after, page.limit),
        lambda analysis: Analysis.from_domain(analysis, info.context.translator),
    )


@strawberry.type
class AnalysisQueries:
    @guarded_field(IsAuthenticated)
    async def analysis(self, info: Info, id: strawberry.ID) -> Analysis:
        get = info.context.container.analyses.get_for_viewer
        found = await as_viewer(info, get, str(id))
        return Analysis.from_domain(found, info.context.translator)
