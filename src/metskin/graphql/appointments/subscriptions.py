"""The dermatologist's live dashboard: new bookings, changes, shares and referrals."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.model import Role as DomainRole
from metskin.domain.appointments.dashboard import DashboardEvent as DomainEvent
from metskin.domain.appointments.dashboard import dashboard_channel
from metskin.domain.errors import Forbidden
from metskin.graphql.appointments.types import DashboardEvent
from metskin.graphql.context import Context, run_sync
from metskin.graphql.permissions import IsDermatologist, guarded_subscription
from metskin.graphql.streams import live_stream

EVENT_BATCH = 100


def dashboard_updates(
    context: Context, doctor_id: str, after_id: int | None
) -> AsyncIterator[DomainEvent]:
    """The latest event first (or everything after `after_id`), then new ones as they come.

    Pub/sub only wakes the stream; events are read from the log, and a periodic re-read
    covers a lost message. The channel and the query are both the dermatologist's own.
    """
    service = context.container.appointments
    cursor = after_id

    async def new_events() -> AsyncGenerator[DomainEvent, None]:
        nonlocal cursor
        while True:
            batch = await run_sync(service.dashboard_events, doctor_id, cursor, EVENT_BATCH)
            for event in batch:
                cursor = event.id
                yield event
            if len(batch) < EVENT_BATCH:
                return

    async def latest() -> AsyncGenerator[DomainEvent, None]:
        nonlocal cursor
        if cursor is None:
            last = await run_sync(service.last_dashboard_event, doctor_id)
            cursor = last.id if last else 0
            if last is not None:
                yield last
        async for event in new_events():
            yield event

    return live_stream(
        context.container.events,
        dashboard_channel(doctor_id),
        context.container.settings.subscription_recheck_seconds,
        latest,
        lambda _woken: new_events(),
    )


@strawberry.type
class DashboardSubscriptions:
    @guarded_subscription(
        IsDermatologist,
        "New bookings, changes, shares and referrals for you: "
        "the latest first, or all after `afterId`.",
    )
    async def dermatologist_events(
        self, info: Info, after_id: int | None = None
    ) -> AsyncGenerator[DashboardEvent, None]:
        viewer = info.context.require_viewer()
        if viewer.role is not DomainRole.DERMATOLOGIST:
            raise Forbidden("Only dermatologists have a dashboard.")
        async for event in dashboard_updates(info.context, viewer.user_id, after_id):
            yield DashboardEvent.from_domain(event)
