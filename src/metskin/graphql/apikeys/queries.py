"""API key queries: your keys (an admin: anyone's)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.apikeys.types import ApiKey
from metskin.graphql.context import as_viewer
from metskin.graphql.permissions import IsAuthenticated, guarded_field


@strawberry.type
class ApiKeyQueries:
    @guarded_field(
        IsAuthenticated, "Your API keys, newest first (revoked ones too); admins: anyone's."
    )
    async def api_keys(self, info: Info, user_id: strawberry.ID | None = None) -> list[ApiKey]:
        keys = info.context.container.api_keys.keys_of
        found = await as_viewer(info, keys, str(user_id) if user_id else None)
        return [ApiKey.from_domain(key) for key in found]
