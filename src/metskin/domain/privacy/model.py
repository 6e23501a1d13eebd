"""Data rights: an export of everything stored about a person, and the record of an erasure."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

PSEUDONYM_PREFIX = "anon-"
# The version of the photo-analysis consent text people are shown (sign-up, the upload page,
# the profile, the explanation page `/consent`). Change it with the text: everyone is then
# asked again before their next upload.
PHOTO_CONSENT_VERSION = "2026-12-06"
# The version of the profile's box "Text me appointment messages and check-in reminders".
SMS_CONSENT_VERSION = "2026-12-08"


def pseudonym(key: bytes, user_id: str) -> str:
    """The keyed hash that replaces an erased person's id where a record must stay (the access
    log): stable for one key, so an auditor holding the key can link it to an id they already
    know, and 36 characters long, as every id column is."""
    digest = hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[: 36 - len(PSEUDONYM_PREFIX)]


def erased_dermatologist(action: str) -> str:
    """The editors' log entry on an erased dermatologist's listing, with no name (`action`:
    created, updated or deleted); the entry's target holds the pseudonym."""
    return f"{action} an erased dermatologist"


def erased_account(action: str) -> str:
    """The editors' log entry on an erased account (`action`: "reset link sent"), with no
    address; the entry's target holds the pseudonym."""
    return f"{action} to an erased account"


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


@dataclass
class DataExport:
    """One export a person asked for: built by a job, kept in the media storage for a while."""

    id: str
    user_id: str
    status: ExportStatus
    requested_at: datetime
    finished_at: datetime | None = None
    expires_at: datetime | None = None
    storage_name: str | None = None
    size_bytes: int | None = None
    failure_reason: str | None = None

    def downloadable(self, now: datetime) -> bool:
        return (
            self.status is ExportStatus.READY
            and self.storage_name is not None
            and self.expires_at is not None
            and self.expires_at > now
        )


@dataclass(frozen=True)
class StoredVideo:
    """An MP4, QuickTime or WebM upload's object in the media storage."""

    media_id: str
    name: str
    content_type: str


@dataclass(frozen=True)
class StoredFile:
    """An object of the person's in the media storage (an upload, a thumbnail, an overlay)."""

    name: str
    content_type: str

    @property
    def archive_path(self) -> str:
        return f"files/{self.name}"


@dataclass(frozen=True)
class PersonalData:
    """Everything stored about one person, section by section, as the tables hold it (secrets
    such as password hashes left out), and the stored files those rows name."""

    user_id: str
    sections: dict[str, Any]
    files: tuple[StoredFile, ...]


@dataclass(frozen=True)
class Photo:
    """One upload and everything made from it, as deleting it needs them (a read model): its
    analyses (a photo analysed again has several), the files in storage (the original, its
    thumbnail, each analysis's overlay and a video's measured frame), and the active shares
    that cover one of those analyses only (a share of ALL analyses stays)."""

    media_id: str
    owner_id: str
    analysis_ids: tuple[str, ...]
    files: tuple[StoredFile, ...]
    shares: tuple[str, ...]
    # when it was uploaded: its analyses came after, and the referrals whose history may hold
    # them after those (None: not known, every referral of the person's is worked again)
    taken_at: datetime | None = None


@dataclass(frozen=True)
class ErasedRows:
    """What the rows step of deleting uploads did: how many rows it deleted, the files those
    rows named and the analyses it deleted (read under its lock: one started since `Photo` was
    read is among them)."""

    rows: int
    files: tuple[StoredFile, ...]
    analysis_ids: tuple[str, ...]


@dataclass(frozen=True)
class LeftPatient:
    """A patient of a dermatologist whose account is being erased, and what they had with
    them: the appointments booked ahead, (id, start), and the shares still in force, (id, the
    analysis shared or None for all of them)."""

    patient_id: str
    appointments: tuple[tuple[str, datetime], ...] = ()
    shares: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class PhotoErasure:
    """What deleting one photo (or video) and its results did."""

    media_id: str
    analysis_ids: tuple[str, ...]
    shares_revoked: int
    rows_deleted: int
    files_deleted: int


@dataclass(frozen=True)
class Erasure:
    """What an erasure did; kept (under the pseudonym only) as the proof that it happened."""

    pseudonym: str
    requested_by: str  # "self", or "admin:" and the admin's pseudonym
    erased_at: datetime
    appointments_cancelled: int
    shares_revoked: int
    rows_deleted: int
    files_deleted: int


class ConsentPurpose(StrEnum):
    PHOTO_ANALYSIS = "PHOTO_ANALYSIS"  # the analysis of one's face photos and videos
    # appointment messages and check-in reminders by text message: the profile's box ticked or
    # unticked by the person (accounts/sms_consent.py; a STOP or START reply and a refused
    # number are the inbox's SMS_STOPPED and SMS_STARTED entries)
    SMS = "SMS"


@dataclass(frozen=True)
class ConsentRecord:
    """One give or withdrawal of a consent: who, for what, which way, when, to which text.
    Never changed: the records are the history an audit reads."""

    id: str
    user_id: str
    purpose: ConsentPurpose
    given: bool
    at: datetime
    text_version: str


@dataclass(frozen=True)
class PhotoConsent:
    """The photo-analysis consent now (a read model): the latest record, or none."""

    given: bool
    at: datetime | None  # when it was last given or withdrawn
    version: str | None  # the text version of the latest record
    current_version: str

    @property
    def current(self) -> bool:
        """Given, to the text shown today: uploads and analyses may go on."""
        return self.given and self.version == self.current_version

    @property
    def needs_asking(self) -> bool:
        return not self.current

    @classmethod
    def of(cls, latest: ConsentRecord | None, current_version: str) -> PhotoConsent:
        if latest is None:
            return cls(False, None, None, current_version)
        return cls(latest.given, latest.at, latest.text_version, current_version)
