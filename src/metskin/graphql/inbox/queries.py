"""Inbox queries: your notifications, newest first, and how many are unread (the badge)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.inbox.types import Notification
from metskin.graphql.pagination import Connection, CursorCodec, paginate
from metskin.graphql.permissions import IsAuthenticated, guarded_field


@strawberry.type
class InboxQueries:
    @guarded_field(IsAuthenticated, "Your notifications, newest first.")
    async def notifications(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Notification]:
        inbox, viewer_id = info.context.container.inbox, viewer_id_of(info)
        return await paginate(
            info,
            first,
            after,
            CursorCodec(lambda item: str(item.id), int),
            lambda page: inbox.newest(viewer_id, page.after, page.limit),
            Notification.from_domain,
        )

    @guarded_field(IsAuthenticated, "How many of your notifications are unread.")
    async def unread_notifications(self, info: Info) -> int:
        return await run_sync(info.context.container.inbox.unread_count, viewer_id_of(info))
