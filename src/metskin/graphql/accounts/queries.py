"""Account queries: the logged-in user, and all accounts for admins."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.accounts.model import UserSearch
from metskin.domain.errors import Unauthenticated
from metskin.domain.i18n.marks import _
from metskin.domain.ports import CreatedKey
from metskin.graphql.accounts.types import Role, User
from metskin.graphql.analysis.queries import prefetch_analyses
from metskin.graphql.context import run_sync_checking
from metskin.graphql.cursors import CursorCodec, by_created, by_name
from metskin.graphql.pagination import Connection, paginate
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_field


@strawberry.enum(description="How `users` is ordered.")
class UserOrder(Enum):
    CREATED = "CREATED"
    NAME = "NAME"


# Each order its own list name: a cursor of one order given to the other is
# CURSOR_FILTERS_CHANGED, as one of other filters is.
OLDEST_FIRST: CursorCodec[DomainUser, CreatedKey] = by_created("users")
BY_CREATED = replace(OLDEST_FIRST, orders=frozenset({"usersByName"}))
SORT_NAME: CursorCodec[DomainUser, tuple[str, str]] = by_name(
    "usersByName", lambda u: (u.sort_name, u.id)
)
BY_NAME = replace(SORT_NAME, orders=frozenset({"users"}))


@strawberry.type
class AccountQueries:
    @guarded_field(IsAuthenticated, "The logged-in user.")
    async def me(self, info: Info) -> User:
        viewer = info.context.require_viewer()
        user = await _viewer_read(info, viewer.user_id)
        if user is None:
            raise Unauthenticated(_("This account no longer exists."))
        return User.from_domain(user)

    @guarded_field(
        IsAdmin,
        "All accounts, oldest first or by name (`orderBy`); with `search`, those whose name "
        "or email address holds it, without case or accents.",
    )
    async def users(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        role: Role | None = None,  # type: ignore[valid-type]
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words the name or the email address holds (at most 100 "
                'characters; "elo" finds Élodie).'
            ),
        ] = None,
        order_by: Annotated[
            UserOrder,
            strawberry.argument(
                description="CREATED: oldest first; NAME: by the name shown (the address "
                "without one), without case or accents. A cursor continues the order it came "
                "from (another order's is CURSOR_FILTERS_CHANGED on `after`)."
            ),
        ] = UserOrder.CREATED,
    ) -> Connection[User]:
        accounts = info.context.container.accounts
        shape = (role, UserSearch.of(search))  # the search as it matches: no case, no accents
        if order_by is UserOrder.NAME:
            return await paginate(
                info,
                first,
                after,
                BY_NAME,
                lambda page: accounts.users_by_name(page.after, page.limit, role, search),
                User.from_domain,
                shape=shape,
            )
        return await paginate(
            info,
            first,
            after,
            BY_CREATED,
            lambda page: accounts.list_users(page.after, page.limit, role, search),
            User.from_domain,
            shape=shape,
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
