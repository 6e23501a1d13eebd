"""Inbox mutations: mark notifications read."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation

MAX_IDS = 100


@strawberry.type
class InboxMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Mark these notifications read (all of yours without `ids`); returns how many are "
        "still unread. Ids of other people's notifications change nothing.",
    )
    async def mark_notifications_read(self, info: Info, ids: list[int] | None = None) -> int:
        if ids is not None and not 1 <= len(ids) <= MAX_IDS:
            how_many = _("Give 1 to {most} ids, or none for all.")
            raise ValidationFailed.translatable(how_many, "ids", most=MAX_IDS)
        inbox, viewer_id = info.context.container.inbox, viewer_id_of(info)
        await run_sync(inbox.mark_read, viewer_id, ids)
        return await run_sync(inbox.unread_count, viewer_id)
