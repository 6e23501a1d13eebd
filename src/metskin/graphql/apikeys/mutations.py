"""API key mutations: create one (its key is returned once), revoke one."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.apikeys.types import ApiKey, ApiKeyScope, NewApiKey
from metskin.graphql.context import as_viewer, run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class ApiKeyMutations:
    @guarded_mutation(
        IsAuthenticated, "A new API key of yours; copy `key` now, it is never shown again."
    )
    async def create_api_key(
        self,
        info: Info,
        name: str,
        scopes: list[ApiKeyScope],  # type: ignore[valid-type]
    ) -> NewApiKey:
        create = info.context.container.api_keys.create
        key, raw = await run_sync(create, viewer_id_of(info), name, scopes)
        return NewApiKey(api_key=ApiKey.from_domain(key), key=raw)

    @guarded_mutation(IsAuthenticated, "End one of your keys at once (admins: anyone's).")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKey:
        revoke = info.context.container.api_keys.revoke
        return ApiKey.from_domain(await as_viewer(info, revoke, str(id)))
