"""GraphQL types of API keys: a key as lists show it, and the key once, at creation."""

from __future__ import annotations

from datetime import datetime

import strawberry

from metskin.domain.apikeys.model import ApiKey as DomainApiKey
from metskin.domain.apikeys.model import Scope
from metskin.graphql.mapping import copy_fields

ApiKeyScope = strawberry.enum(
    Scope,
    name="ApiKeyScope",
    description="What an API key reaches. CATALOG_READ: products and product. DIRECTORY_READ: "
    "dermatologists, dermatologist and availableSlots. ANALYSES_OWN_USERS: uploadMedia, "
    "uploadByKey, startAnalysis and analysis(id), for analyses of the key owner's account only.",
)


@strawberry.type(
    description="An integrator's key. Send it as `X-API-Key: <key>` or `Authorization: ApiKey "
    "<key>`; it acts as its owner's account (never with admin or dermatologist powers) on the "
    "fields its scopes cover. Only its prefix is shown after creation."
)
class ApiKey:
    id: strawberry.ID
    owner_id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The key's first characters, to tell keys apart.")
    scopes: list[ApiKeyScope]  # type: ignore[valid-type]
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(
        description="When the key was last used (recorded at most once a minute)."
    )
    revoked_at: datetime | None
    active: bool

    @classmethod
    def from_domain(cls, key: DomainApiKey) -> ApiKey:
        return copy_fields(cls, key, scopes=sorted(key.scopes), active=key.active)


@strawberry.type(description="A new key: `key` is shown this once and never stored.")
class NewApiKey:
    api_key: ApiKey
    key: str
