"""Phone verification: text a code to the profile's number, and send it back to prove it."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.accounts.types import User
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class PhoneMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Text a 6-digit code to the profile's phone number (valid 10 to 20 minutes). Answers "
        "at once: true when the SMS is on its way (sent by a retried job; one per number and "
        "10 minutes); false when none is needed: the number is verified already, or its code "
        "went out in the last minutes. No code after a minute or two: ask again. No SMS goes "
        "to a number before it is verified.",
    )
    async def request_phone_code(self, info: Info) -> bool:
        viewer = info.context.require_viewer()
        return await run_sync(info.context.container.phones.request_code, viewer.user_id)

    @guarded_mutation(
        IsAuthenticated,
        "Prove the profile's phone number with the code texted to it (PHONE_CODE_INVALID; "
        "after 5 wrong codes, RATE_LIMITED for an hour).",
    )
    async def verify_phone(self, info: Info, code: str) -> User:
        viewer = info.context.require_viewer()
        user = await run_sync(info.context.container.phones.verify, viewer.user_id, code)
        return User.from_domain(user)
