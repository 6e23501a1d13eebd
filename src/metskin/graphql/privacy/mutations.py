"""Data rights mutations: export my data, delete my account, an administrator's erasure, delete
one photo and its results, give or withdraw the consent to photo analysis."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsAdmin, IsAuthenticated, guarded_mutation
from metskin.graphql.privacy.types import (
    AccountErasure,
    DataExport,
    PhotoConsent,
    PhotoDeletion,
)


@strawberry.type
class PrivacyMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Start an export of all your data (or get the one being built). Only ever your own. "
        "It replaces your earlier exports (their links stop working); 5 a day (RATE_LIMITED).",
    )
    async def export_my_data(self, info: Info) -> DataExport:
        privacy = info.context.container.privacy
        export = await run_sync(privacy.request_export, viewer_id_of(info))
        return DataExport.from_domain(export, info.context.container.clock())

    @guarded_mutation(
        IsAuthenticated,
        "Erase your account for good: future appointments are cancelled (both sides are "
        "told), shares revoked, every row and file of yours deleted; the access log keeps a "
        "pseudonym. Confirm with your password.",
    )
    async def delete_my_account(self, info: Info, password: str) -> AccountErasure:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.delete_my_account, viewer_id_of(info), password)
        return AccountErasure.from_domain(erasure)

    @guarded_mutation(IsAdmin, "Erase someone's account on their request (administrators).")
    async def erase_account(self, info: Info, user_id: strawberry.ID) -> AccountErasure:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.erase_account, viewer_id_of(info), str(user_id))
        return AccountErasure.from_domain(erasure)

    @guarded_mutation(
        IsAuthenticated,
        "Delete one of your analyses with the photo or video it was made from and every "
        "result of that photo: overlays, a video's frames, routines, referrals, labels; "
        "shares of that analysis are revoked, links to its files stop working. One still "
        "running is stopped. The access log keeps who read it and when. Only your own: any "
        "other id is ANALYSIS_NOT_FOUND.",
    )
    async def delete_analysis(self, info: Info, id: strawberry.ID) -> PhotoDeletion:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.delete_analysis, viewer_id_of(info), str(id))
        return PhotoDeletion.from_domain(erasure)

    @guarded_mutation(
        IsAuthenticated,
        "Delete one of your uploads (also one never analysed) as deleteAnalysis does. Only "
        "your own: any other id is MEDIA_NOT_FOUND.",
    )
    async def delete_media(self, info: Info, id: strawberry.ID) -> PhotoDeletion:
        privacy = info.context.container.privacy
        erasure = await run_sync(privacy.delete_media, viewer_id_of(info), str(id))
        return PhotoDeletion.from_domain(erasure)

    @guarded_mutation(
        IsAuthenticated,
        "Agree to the analysis of your face photos (health data): measured for your skin "
        "results only, seen by you and the dermatologists you share with. `version` is the "
        "version of the text you were shown (CONSENT_TEXT_OUTDATED when it is not the current "
        "one). Kept in your consent history.",
    )
    async def give_photo_consent(self, info: Info, version: str | None = None) -> PhotoConsent:
        consents = info.context.container.photo_consent
        consent = await run_sync(consents.give, viewer_id_of(info), version)
        return PhotoConsent.from_domain(consent)

    @guarded_mutation(
        IsAuthenticated,
        "Withdraw your consent to photo analysis: no new upload or analysis, and one still "
        "queued is not run. Your results stay yours to see, export or delete; your shares with "
        "dermatologists stay until you revoke them. Kept in your consent history.",
    )
    async def withdraw_photo_consent(self, info: Info) -> PhotoConsent:
        consents = info.context.container.photo_consent
        consent = await run_sync(consents.withdraw, viewer_id_of(info))
        return PhotoConsent.from_domain(consent)
