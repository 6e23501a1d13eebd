"""GraphQL types of check-ins."""

from __future__ import annotations

from datetime import datetime

import strawberry

from metskin.domain.checkins.model import MAX_WEEKS, MIN_WEEKS, CheckIn


@strawberry.type(
    description="How often you are reminded to take a check-in photo, counted from your "
    "newest routine."
)
class CheckInSchedule:
    cadence_weeks: int = strawberry.field(
        description=f"Weeks between check-ins, {MIN_WEEKS} to {MAX_WEEKS} (4 until you set it)."
    )
    next_check_in: datetime | None = strawberry.field(
        description="When the next check-in photo is due: your newest routine plus the "
        "cadence (null before your first routine). Past when it is overdue."
    )
    routine_made_at: datetime | None = strawberry.field(
        description="When your newest routine was made, the count's start."
    )
    reminded: bool = strawberry.field(
        description="Whether you were already reminded of this due date."
    )

    @classmethod
    def from_domain(cls, item: CheckIn) -> CheckInSchedule:
        return cls(
            cadence_weeks=item.cadence_weeks,
            next_check_in=item.due_at,
            routine_made_at=item.anchor_at,
            reminded=item.told(),
        )
