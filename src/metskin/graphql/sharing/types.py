"""GraphQL types for sharing: shares (consent), the access log, and a dermatologist's patients."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from metskin.domain.audit.model import AccessEntry as DomainAccessEntry
from metskin.domain.audit.model import AccessPart as DomainPart
from metskin.domain.audit.model import Resource as DomainResource
from metskin.domain.sharing.model import Share as DomainShare
from metskin.domain.sharing.model import ShareScope as DomainScope
from metskin.domain.sharing.service import PatientEntry
from metskin.domain.sharing.service import UrgentReferral as DomainUrgentReferral
from metskin.graphql.directory.types import Dermatologist, dermatologist_of
from metskin.graphql.mapping import copy_fields
from metskin.graphql.referrals.types import Referral, Urgency

ShareScope = strawberry.enum(DomainScope, name="ShareScope")
AccessResource = strawberry.enum(DomainResource, name="AccessResource")
AccessPart = strawberry.enum(
    DomainPart, name="AccessPart", description="Which part of an analysis a read fetched."
)


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
    part: AccessPart | None = strawberry.field(  # type: ignore[valid-type]
        description="Of an analysis: what was fetched (the result, the photo, its thumbnail, "
        "the overlay, a comparison picture). Null for other reads, and reads logged before "
        "this was recorded."
    )
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
    shares_until: datetime | None = strawberry.field(
        description="When the patient's active shares with you end (the latest); null when "
        "they share nothing with you now (they booked you)."
    )

    @classmethod
    def from_domain(cls, entry: PatientEntry) -> Patient:
        return copy_fields(cls, entry.user, entry.user.profile, shares_until=entry.shares_until)


@strawberry.type(
    description="A referral taken to you to see first. `referral` only while the patient "
    "shares its analysis with you (reading it is audited); without, the fact of it."
)
class UrgentReferral:
    id: strawberry.ID
    patient_id: strawberry.ID
    urgency: Urgency  # type: ignore[valid-type]
    updated_at: datetime
    referral: Referral | None

    @strawberry.field(description="The patient's display name (as on a dashboard event).")
    async def patient_name(self, info: Info) -> str | None:
        user = await info.context.user_loader.load(str(self.patient_id))
        return user.profile.display_name if user else None

    @classmethod
    def from_domain(cls, item: DomainUrgentReferral, info: Info) -> UrgentReferral:
        record = item.record
        referral = Referral.from_domain(record, info.context.translator) if record else None
        return copy_fields(cls, item, referral=referral)
