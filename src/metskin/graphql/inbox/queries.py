"""Inbox queries: your notifications, newest first, and how many are unread (the badge)."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.types import Info

from metskin.domain.inbox.model import Notification as DomainNotification
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.cursors import CursorCodec
from metskin.graphql.inbox.types import Notification
from metskin.graphql.pagination import Connection, PageRequest, paginate
from metskin.graphql.permissions import IsAuthenticated, guarded_field

# Notifications page by their id, which grows with each one.
BY_NUMBER: CursorCodec[DomainNotification, int] = CursorCodec(
    "notifications", lambda item: str(item.id), int
)


@strawberry.type
class InboxQueries:
    @guarded_field(IsAuthenticated, "Your notifications, newest first.")
    async def notifications(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Notification]:
        newest = partial(info.context.container.inbox.newest, viewer_id_of(info))

        def fetch(page: PageRequest[int]) -> list[DomainNotification]:
            return newest(page.after, page.limit)

        return await paginate(info, first, after, BY_NUMBER, fetch, Notification.from_domain)

    @guarded_field(IsAuthenticated, "How many of your notifications are unread.")
    async def unread_notifications(self, info: Info) -> int:
        return await run_sync(info.context.container.inbox.unread_count, viewer_id_of(info))
