"""Progress queries: two analyses compared, and a period's progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.graphql.context import as_viewer, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_field
from metskin.graphql.progress.types import AnalysisComparison, Progress


@strawberry.type
class ProgressQueries:
    @guarded_field(
        IsAuthenticated,
        "Two analyses of the same person, per region, with the noise band and how comparable "
        "the photos are. Yours, or shared with you (the read is logged).",
    )
    async def compare_analyses(
        self, info: Info, a: strawberry.ID, b: strawberry.ID
    ) -> AnalysisComparison:
        compare = info.context.container.progress.compare
        found = await as_viewer(info, compare, str(a), str(b))
        return AnalysisComparison.from_domain(found, info.context.translator)

    @guarded_field(
        IsAuthenticated,
        "Your finished analyses in [from, to] (or a patient's shared with you): trends per "
        "concern and the first against the last.",
    )
    async def progress(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        patient_id: strawberry.ID | None = None,
    ) -> Progress:
        owner = str(patient_id) if patient_id else viewer_id_of(info)
        report = info.context.container.progress.progress
        found = await as_viewer(info, report, owner, from_, to)
        return Progress.from_domain(found, info.context.translator)
