"""The dermatologist's live dashboard: new bookings, changes, visits' outcomes, shares and
referrals."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.model import Role as DomainRole
from metskin.domain.appointments.dashboard import DashboardEvent as DomainEvent
from metskin.domain.appointments.dashboard import dashboard_channel
from metskin.domain.errors import Forbidden
from metskin.domain.i18n.marks import _
from metskin.graphql.appointments.types import DashboardEvent
from metskin.graphql.context import Context
from metskin.graphql.permissions import IsDermatologist, guarded_subscription
from metskin.graphql.streams import log_stream, still_allowed


def dashboard_updates(
    context: Context, doctor_id: str, after_id: int | None
) -> AsyncIterator[DomainEvent]:
    """The dermatologist's own log, live (the channel and the query are both theirs)."""
    service = context.container.appointments
    return log_stream(
        context.container.events,
        dashboard_channel(doctor_id),
        context.container.settings.subscription_recheck_seconds,
        lambda cursor, batch: service.dashboard_events(doctor_id, cursor, batch),
        lambda: service.last_dashboard_event(doctor_id),
        after_id,
        allowed=still_allowed(context),
        holder=doctor_id,
        slots=context.container.stream_slots,
    )


@strawberry.type
class DashboardSubscriptions:
    @guarded_subscription(
        IsDermatologist,
        "New bookings, changes, visits' outcomes, shares and referrals for you: "
        "the latest first, or all after `afterId`.",
    )
    async def dermatologist_events(
        self, info: Info, after_id: int | None = None
    ) -> AsyncGenerator[DashboardEvent, None]:
        viewer = info.context.require_viewer()
        if viewer.role is not DomainRole.DERMATOLOGIST:
            raise Forbidden(_("Only dermatologists have a dashboard."))
        async for event in dashboard_updates(info.context, viewer.user_id, after_id):
            yield DashboardEvent.from_domain(event)
