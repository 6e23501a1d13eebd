"""Ports of the privacy component: where a person's rows are gathered and erased, the exports,
the erasure records, the consent records, the links to the other components, and its unit of
work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import ConsentRecords, UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
    from metskin.domain.inbox.ports import InboxRepository
    from metskin.domain.privacy.model import (
        DataExport,
        ErasedRows,
        Erasure,
        LeftPatient,
        PersonalData,
        Photo,
        StoredFile,
        StoredVideo,
    )


class PersonalDataStore(Protocol):
    """Every table that holds something of a person, read or erased in one place."""

    def gather(self, user_id: str) -> PersonalData:
        """Every row about the person (profile, analyses with results and shadow model
        scores, media, routines, ratings, referrals, appointments, shares, notifications, the
        access log of reads of their data)."""
        ...

    def upcoming_appointments(self, user_id: str, now: datetime) -> list[str]:
        """Booked appointments starting after `now`, as patient or as dermatologist."""
        ...

    def active_shares(self, user_id: str, now: datetime) -> list[str]:
        """The person's shares (as patient) that a dermatologist can still use."""
        ...

    def patients_of(self, doctor_id: str, now: datetime) -> list[LeftPatient]:
        """The dermatologist's patients with a booked appointment starting after `now` or a
        share in force, each with those appointments and shares (what their leaving ends)."""
        ...

    def erase(self, user_id: str, pseudonym: str) -> tuple[int, tuple[StoredFile, ...]]:
        """Delete every row of the person; audit entries and other people's dashboard events
        and notifications stay with `pseudonym` in place of their id. Returns how many rows
        were deleted, and the files their uploads' rows named when deleted (as `erase_photo`
        for each upload)."""
        ...

    def photo(
        self, now: datetime, *, media_id: str | None = None, analysis_id: str | None = None
    ) -> Photo | None:
        """The upload `media_id`, or the one `analysis_id` was made from, with what was made
        from it; None when there is no such upload or analysis."""
        ...

    def erase_photo(self, media_id: str) -> ErasedRows:
        """Delete the upload and every row made from it: its analyses with their results,
        shadow model scores, labels, routines, referrals (an appointment booked from one
        keeps its time, without the referral), shares of one of them, and the owner's
        notifications that point at them. The access log keeps its entries (an audit: who
        read which id, when; no content). Returns how many rows were deleted, the files they
        named and the analyses, as they were when deleted (a running analysis may have stored
        its overlay since `photo`, a `startAnalysis` may have added one).
        The same rows go for each upload in `erase`."""
        ...


class DataExportRepository(Protocol):
    def add(self, export: DataExport) -> None: ...
    def get(self, export_id: str) -> DataExport | None: ...
    def save(self, export: DataExport) -> None: ...
    def list_for_user(self, user_id: str) -> list[DataExport]:
        """Newest first."""
        ...


class ErasureLog(Protocol):
    def add(self, erasure: Erasure) -> None: ...


class CareLinks(Protocol):
    """What closing an account asks of the care components, through their own paths (so the
    messages and dashboard events are the usual ones)."""

    def cancel_appointment(self, party_id: str, appointment_id: str, reason: str) -> int:
        """Cancel however near the start; returns the appointment's message sequence."""
        ...

    def send_cancellation(self, appointment_id: str, sequence: int) -> None:
        """Send the patient's cancellation message now, while both parties still exist."""
        ...

    def revoke_share(self, patient_id: str, share_id: str) -> None: ...


class StoredVideos(Protocol):
    """The uploads stored as MP4, QuickTime or WebM (the formats whose metadata is blanked),
    for the one-off pass over those stored before their metadata was (`video_scrub.py`)."""

    def page_after(self, media_id: str | None, limit: int) -> list[StoredVideo]:
        """By id, strictly after `media_id`."""
        ...

    def lock(self, media_id: str) -> StoredVideo | None:
        """The upload, its row locked to the commit (a deletion waits, or has deleted it)."""
        ...

    def rewritten(self, media_id: str, sha256: str, key_id: str) -> None:
        """Its object was stored again: the new bytes' digest and the key that encrypted them."""
        ...


class VideoScrubUnitOfWork(UnitOfWork, Protocol):
    stored_videos: StoredVideos


VideoScrubUowFactory = Callable[[], VideoScrubUnitOfWork]


class PrivacyUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    consent_records: ConsentRecords
    refresh_tokens: RefreshTokenRepository
    personal_data: PersonalDataStore
    data_exports: DataExportRepository
    erasures: ErasureLog
    inbox: InboxRepository  # a dermatologist's patients are told that they left


PrivacyUowFactory = Callable[[], PrivacyUnitOfWork]
