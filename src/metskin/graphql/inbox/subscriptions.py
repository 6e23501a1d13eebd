"""The patient's live inbox: each new notification once, across API processes."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from metskin.domain.inbox.model import inbox_channel
from metskin.graphql.inbox.types import Notification
from metskin.graphql.permissions import IsAuthenticated, guarded_subscription
from metskin.graphql.streams import log_stream, still_allowed


@strawberry.type
class InboxSubscriptions:
    @guarded_subscription(
        IsAuthenticated,
        "Your notifications as they come: the latest first, or all after `afterId`.",
    )
    async def patient_events(
        self, info: Info, after_id: int | None = None
    ) -> AsyncGenerator[Notification, None]:
        viewer_id = info.context.require_viewer().user_id
        container = info.context.container
        stream = log_stream(
            container.events,
            inbox_channel(viewer_id),
            container.settings.subscription_recheck_seconds,
            lambda cursor, batch: container.inbox.after(viewer_id, cursor, batch),
            lambda: container.inbox.last(viewer_id),
            after_id,
            allowed=still_allowed(info.context),
            holder=viewer_id,
            slots=container.stream_slots,
        )
        async for item in stream:
            yield Notification.from_domain(item)
