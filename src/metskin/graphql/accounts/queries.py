"""Account queries: the logged-in user, and all accounts for admins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.errors import Unauthenticated
from metskin.graphql.accounts.types import Role, User
from metskin.graphql.analysis.queries import prefetch_analyses
from metskin.graphql.context import run_sync_checking
from metskin.graphql.pagination import Connection, by_created, paginate
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_field


@strawberry.type
class AccountQueries:
    @guarded_field(IsAuthenticated, "The logged-in user.")
    async def me(self, info: Info) -> User:
        viewer = info.context.require_viewer()
        user = await _viewer_read(info, viewer.user_id)
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
            by_created("users"),
            lambda page: accounts.list_users(page.after, page.limit, role),
            User.from_domain,
        )


async def _viewer_read(info: Info, user_id: str) -> DomainUser | None:
    """The viewer, and in the same worker-thread hop and unit of work the `analyses` page `me`
    asks for and the session check the request owes (one hop and one transaction for
    `me { analyses }`); the user loader keeps them for the rest."""
    loader = info.context.user_loader
    prefetch = prefetch_analyses(info, user_id)
    if prefetch is None or loader.cache_map.get(user_id) is not None:
        return await loader.load(user_id)
    user = await run_sync_checking(prefetch)
    if user is not None and loader.cache_map.get(user_id) is None:
        loader.prime(user_id, user)
    return user
