"""Check-in mutations: change the cadence."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.checkins.types import CheckInSchedule, schedule_of
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class CheckInMutations:
    @guarded_mutation(
        IsAuthenticated,
        "How many weeks between check-in photos (1 to 12); the next date moves with it. "
        "Outside that range: VALIDATION_FAILED on `weeks`.",
    )
    async def set_check_in_cadence(self, info: Info, weeks: int) -> CheckInSchedule:
        return await schedule_of(info, info.context.container.check_ins.set_cadence, weeks)
