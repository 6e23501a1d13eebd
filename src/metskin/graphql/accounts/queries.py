"""Account queries: the logged-in user, and all accounts for admins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.errors import Unauthenticated
from metskin.graphql.accounts.types import Role, User
from metskin.graphql.pagination import Connection, by_created, paginate
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_field


@strawberry.type
class AccountQueries:
    @guarded_field(IsAuthenticated, "The logged-in user.")
    async def me(self, info: Info) -> User:
        viewer = info.context.require_viewer()
        user = await info.context.user_loader.load(viewer.user_id)
        if user is None:
            raise Unauthenticated("This account no longer exists.")
        return User.from_domain(user)

    @guarded_field(IsAdmin, "All accounts, oldest first.")
    async def users(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        role: Role | None = None,  # type: ignore[valid-type]
    ) -> Connection[User]:
        accounts = info.context.container.accounts
        return await paginate(
            info,
            first,
            after,
            by_created(),
            lambda page: accounts.list_users(page.after, page.limit, role),
            User.from_domain,
        )
