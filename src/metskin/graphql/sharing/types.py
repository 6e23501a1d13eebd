"""GraphQL types for sharing: shares (consent), the access log, and a dermatologist's patients."""

from __future__ import annotations

from datetime import datetime

import strawberry

from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.audit.model import AccessEntry as DomainAccessEntry
from metskin.domain.audit.model import Resource as DomainResource
from metskin.domain.sharing.model import Share as DomainShare
from metskin.domain.sharing.model import ShareScope as DomainScope
from metskin.graphql.directory.types import Dermatologist, dermatologist_of
from metskin.graphql.mapping import copy_fields

ShareScope = strawberry.enum(DomainScope, name="ShareScope")
AccessResource = strawberry.enum(DomainResource, name="AccessResource")


@strawberry.type(description="Consent to show analyses to one dermatologist until it ends.")
class Share:
    id: strawberry.ID
    scope: ShareScope  # type: ignore[valid-type]
    analysis_id: strawberry.ID | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool
    doctor_id: strawberry.Private[str]

    dermatologist: Dermatologist | None = strawberry.field(resolver=dermatologist_of)

    @classmethod
    def from_domain(cls, share: DomainShare, now: datetime) -> Share:
        return copy_fields(cls, share, active=share.is_active(now))


@strawberry.type(description="One read of your data by a dermatologist.")
class AccessLogEntry:
    resource: AccessResource  # type: ignore[valid-type]
    resource_id: strawberry.ID
    at: datetime
    doctor_id: strawberry.Private[str]

    dermatologist: Dermatologist | None = strawberry.field(resolver=dermatologist_of)

    @classmethod
    def from_domain(cls, entry: DomainAccessEntry) -> AccessLogEntry:
        return copy_fields(cls, entry)


@strawberry.type(description="A patient of the dermatologist (reading it is audited).")
class Patient:
    id: strawberry.ID
    display_name: str
    email: str
    birth_year: int | None
    sex: str
    time_zone: str

    @classmethod
    def from_domain(cls, user: DomainUser) -> Patient:
        return copy_fields(cls, user, user.profile)
