"""GraphQL types of data rights: an export (with its signed download link), an erasure, a
deleted photo, and the consent to photo analysis."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from metskin.domain.privacy.consent_text import ConsentText as DomainConsentText
from metskin.domain.privacy.model import DataExport as DomainExport
from metskin.domain.privacy.model import Erasure as DomainErasure
from metskin.domain.privacy.model import ExportStatus as DomainExportStatus
from metskin.domain.privacy.model import PhotoConsent as DomainPhotoConsent
from metskin.domain.privacy.model import PhotoErasure
from metskin.graphql.mapping import copy_fields

DataExportStatus = strawberry.enum(DomainExportStatus, name="DataExportStatus")


@strawberry.type(
    description="A zip of everything stored about you (JSON files, your photos and videos, "
    "overlays, a README). Built in the background: poll `myDataExports` until READY."
)
class DataExport:
    id: strawberry.ID
    status: DataExportStatus  # type: ignore[valid-type]
    requested_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = strawberry.field(
        description="After this the zip is deleted; start a new export."
    )
    size_bytes: int | None
    failure_reason: str | None
    user_id: strawberry.Private[str]
    downloadable: strawberry.Private[bool]

    @strawberry.field(
        description="A signed link to the zip, valid for a few minutes; null unless READY."
    )
    def download_url(self, info: Info) -> str | None:
        if not self.downloadable:
            return None
        container = info.context.container
        return str(container.export_links.url(str(self.id), self.user_id, container.clock()))

    @classmethod
    def from_domain(cls, export: DomainExport, now: datetime) -> DataExport:
        return copy_fields(cls, export, downloadable=export.downloadable(now))


@strawberry.type(description="An erased account: what was cancelled, revoked and deleted.")
class AccountErasure:
    erased_at: datetime
    appointments_cancelled: int
    shares_revoked: int
    rows_deleted: int
    files_deleted: int

    @classmethod
    def from_domain(cls, erasure: DomainErasure) -> AccountErasure:
        return copy_fields(cls, erasure)


@strawberry.type(
    description="A photo or video of yours deleted with every result made from it: its "
    "analyses, overlays, routines, referrals, labels and the shares of those analyses."
)
class PhotoDeletion:
    media_id: strawberry.ID
    analysis_ids: list[strawberry.ID] = strawberry.field(
        description="Every analysis of the photo (one, unless it was analysed again)."
    )
    shares_revoked: int
    rows_deleted: int
    files_deleted: int

    @classmethod
    def from_domain(cls, erasure: PhotoErasure) -> PhotoDeletion:
        ids = [strawberry.ID(one) for one in erasure.analysis_ids]
        return copy_fields(cls, erasure, media_id=strawberry.ID(erasure.media_id), analysis_ids=ids)


@strawberry.type(
    description="Your consent to the analysis of your face photos (health data). Without a "
    "current one, uploadMedia and startAnalysis answer CONSENT_REQUIRED. The web app's "
    "`/#/consent` page explains what it covers."
)
class PhotoConsent:
    given: bool = strawberry.field(description="Given now (false: never given, or withdrawn).")
    at: datetime | None = strawberry.field(description="When it was last given or withdrawn.")
    version: str | None = strawberry.field(
        description="The version of the consent text it was given to (or withdrawn under)."
    )
    current_version: str = strawberry.field(
        description="The version of the consent text shown today: give it with this one."
    )
    needs_asking: bool = strawberry.field(
        description="True when the person must be asked (never given, withdrawn, or given to "
        "an older text): uploads are refused until they agree."
    )

    @classmethod
    def from_domain(cls, consent: DomainPhotoConsent) -> PhotoConsent:
        return copy_fields(cls, consent, needs_asking=consent.needs_asking)


@strawberry.type
class ConsentSection:
    heading: str
    body: str


@strawberry.type(
    description="The text a person agrees to when consenting to the analysis of their "
    "photos, in one language: show it as it is, and give the consent with its `version`."
)
class PhotoConsentText:
    version: str = strawberry.field(description="Pass it to givePhotoConsent(version).")
    locale: str = strawberry.field(description="The language of the text (BCP 47).")
    title: str
    agreement: str = strawberry.field(description="The sentence next to the box to tick.")
    sections: list[ConsentSection]
    withdrawing: str = strawberry.field(
        description="What withdrawing does (also a section's end): show it where the consent "
        "is withdrawn."
    )
    note: str
    markdown: str = strawberry.field(description="All of it as one Markdown document.")

    @classmethod
    def from_domain(cls, text: DomainConsentText) -> PhotoConsentText:
        sections = [ConsentSection(heading=s.heading, body=s.body) for s in text.sections]
        return copy_fields(cls, text, sections=sections, markdown=text.markdown)
