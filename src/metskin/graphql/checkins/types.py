"""GraphQL types of check-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from metskin.domain.checkins.model import MAX_WEEKS, MIN_WEEKS, CheckIn
from metskin.domain.checkins.model import ReminderState as DomainReminderState
from metskin.graphql.context import run_sync, viewer_id_of

CheckInReminder = strawberry.enum(
    DomainReminderState,
    name="CheckInReminder",
    description="Where the reminder of the next check-in stands: NONE (nothing due yet), "
    "SCHEDULED (the date is ahead), DUE (due: it goes within minutes), HELD (due in your "
    "evening or night: it waits for your morning, `reminderAt`), SENT (you were reminded).",
)


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
        description="When the routine you follow started, the count's start: its analysis, "
        "or its products when they changed (not a new wording, price or article link)."
    )
    reminded: bool = strawberry.field(
        description="Whether you were already reminded of this due date (false while the "
        "reminder is held for your morning: see `reminder`)."
    )
    reminder: CheckInReminder = strawberry.field(  # type: ignore[valid-type]
        description="Where the reminder of this due date stands."
    )
    reminder_at: datetime | None = strawberry.field(
        description="While the reminder is HELD: when it goes (09:00 where you are)."
    )


async def schedule_of(info: Info, use_case: Callable[..., CheckIn], *args: Any) -> CheckInSchedule:
    """Run a check-in use case for the viewer and map its schedule."""
    found = await run_sync(use_case, viewer_id_of(info), *args)
    reminder, reminder_at = found.reminder(info.context.container.clock())
    return CheckInSchedule(
        cadence_weeks=found.cadence_weeks,
        next_check_in=found.due_at,
        routine_made_at=found.anchor_at,
        reminded=found.told(),
        reminder=reminder,
        reminder_at=reminder_at,
    )
