"""Check-in queries: your schedule."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.checkins.types import CheckInSchedule
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_field


@strawberry.type
class CheckInQueries:
    @guarded_field(IsAuthenticated, "Your check-in cadence and the next check-in date.")
    async def check_in(self, info: Info) -> CheckInSchedule:
        service = info.context.container.check_ins
        return CheckInSchedule.from_domain(await run_sync(service.schedule, viewer_id_of(info)))
