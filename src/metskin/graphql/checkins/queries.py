"""Check-in queries: your schedule."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.checkins.types import CheckInSchedule, schedule_of
from metskin.graphql.permissions import IsAuthenticated, guarded_field


@strawberry.type
class CheckInQueries:
    @guarded_field(IsAuthenticated, "Your check-in cadence and the next check-in date.")
    async def check_in(self, info: Info) -> CheckInSchedule:
        return await schedule_of(info, info.context.container.check_ins.schedule)
