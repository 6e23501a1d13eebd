"""Check-in mutations: change the cadence."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.checkins.types import CheckInSchedule
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class CheckInMutations:
    @guarded_mutation(
        IsAuthenticated,
        "How many weeks between check-in photos (1 to 12); the next date moves with it. "
        "Outside that range: VALIDATION_FAILED on `weeks`.",
    )
    async def set_check_in_cadence(self, info: Info, weeks: int) -> CheckInSchedule:
        service = info.context.container.check_ins
        found = await run_sync(service.set_cadence, viewer_id_of(info), weeks)
        return CheckInSchedule.from_domain(found)
