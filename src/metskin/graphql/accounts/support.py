"""Support's reset link: an administrator sends an account's owner a password reset link."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAdmin, guarded_mutation


@strawberry.type
class SupportMutations:
    @guarded_mutation(
        IsAdmin,
        "Administrators: email the account's owner the normal password reset link, for a "
        "person who cannot get back in by themselves (a reset asked for by the person goes "
        "only to a confirmed address). It works also while the address is unconfirmed: "
        "before sending it, check by your support's own means (a call, their practice) that "
        "the person asking is the account's owner and that the account's address is theirs, "
        "since whoever reads that mailbox can choose the password. Using the link confirms "
        "the address; it is refused once the account has another address. Each sending is in "
        "the editors' log. ACCOUNT_NOT_FOUND for an unknown or closed account; RATE_LIMITED.",
    )
    async def send_password_reset_link(self, info: Info, user_id: strawberry.ID) -> bool:
        support = info.context.container.support_resets
        await run_sync(support.send_reset_link, viewer_id_of(info), str(user_id))
        return True
