"""Data rights queries: my exports, newest first; the photo-analysis consent text."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.i18n.locales import check_locale
from metskin.domain.privacy.consent_text import photo_consent_text
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAuthenticated, guarded_field
from metskin.graphql.privacy.types import DataExport, PhotoConsentText


@strawberry.type
class PrivacyQueries:
    @guarded_field(IsAuthenticated, "Your data exports, newest first.")
    async def my_data_exports(self, info: Info) -> list[DataExport]:
        exports = await run_sync(info.context.container.privacy.exports_of, viewer_id_of(info))
        now = info.context.container.clock()
        return [DataExport.from_domain(export, now) for export in exports]

    @strawberry.field(
        description="The photo-analysis consent text of the current version, in `locale` "
        "(en, fr, de with or without a region), else the request's language. No login "
        "needed: shown before signing up. VALIDATION_FAILED for a locale that is not a BCP 47 "
        "tag."
    )
    async def photo_consent_text(self, info: Info, locale: str | None = None) -> PhotoConsentText:
        container = info.context.container
        tr = (
            container.translations.translator(check_locale(locale))
            if locale is not None
            else info.context.translator
        )
        version = container.photo_consent.version
        # In a worker thread: the request's language may be the signed-in profile's (a read).
        text = await run_sync(photo_consent_text, tr, version)
        return PhotoConsentText.from_domain(text)
