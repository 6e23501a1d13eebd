"""In-memory fakes of the privacy ports: a person's data, exports, erasures, consents, the care
links."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.errors import DomainError
from metskin.domain.privacy.model import (
    PHOTO_CONSENT_VERSION,
    ConsentPurpose,
    ConsentRecord,
    DataExport,
    ErasedRows,
    Erasure,
    LeftPatient,
    PersonalData,
    Photo,
    StoredFile,
    StoredVideo,
)
from metskin.domain.privacy.ports import (
    ConsentRecords,
    DataExportRepository,
    ErasureLog,
    PersonalDataStore,
    StoredVideos,
)
from tests.fakes.accounts import FakeRefreshTokenRepository, FakeUserRepository
from tests.fakes.inbox import FakeInboxUnitOfWork
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository, InMemoryTable


class FakeDataExportRepository(InMemoryTable[DataExport]):
    noun = "export"

    def list_for_user(self, user_id: str) -> list[DataExport]:
        mine = [e for e in self.rows.values() if e.user_id == user_id]
        return copy.deepcopy(sorted(mine, key=lambda e: (e.requested_at, e.id), reverse=True))


class FakeConsentRecords(InMemoryRepository):
    """The consent history; `give_to` stands for people who agreed to photo analysis (the
    usual person of a test that uploads)."""

    def __init__(self) -> None:
        self.records: list[ConsentRecord] = []

    def add(self, record: ConsentRecord) -> None:
        self.records.append(record)

    def latest(self, user_id: str, purpose: ConsentPurpose) -> ConsentRecord | None:
        mine = [r for r in self.records if r.user_id == user_id and r.purpose is purpose]
        return max(mine, key=lambda r: (r.at, r.id)) if mine else None

    def history(self, user_id: str) -> list[ConsentRecord]:
        return sorted((r for r in self.records if r.user_id == user_id), key=lambda r: (r.at, r.id))

    def give_to(self, *user_ids: str, version: str = PHOTO_CONSENT_VERSION) -> None:
        at = datetime(2026, 1, 1, tzinfo=UTC)
        for user_id in user_ids:
            purpose = ConsentPurpose.PHOTO_ANALYSIS
            self.add(ConsentRecord(str(uuid.uuid4()), user_id, purpose, True, at, version))


def give_photo_consent(uow: Any, *user_ids: str, version: str = PHOTO_CONSENT_VERSION) -> None:
    """The people agreed to photo analysis in `uow` (a fake whose `consent_records` is the
    fake's): the shared set-up of tests that upload or analyse."""
    records = cast(FakeConsentRecords, uow.consent_records)
    records.give_to(*user_ids, version=version)


class FakePersonalData(InMemoryRepository):
    """Sections and files per person; appointments as (id, start) and shares by id.

    `erase` drops the person's sections, appointments, shares, exports, consents and user row,
    and moves
    their access log entries (`access_log`, (patient, doctor) pairs) onto the pseudonym, as the
    SQL store does. The users and exports are links to the unit of work's repositories.
    """

    def __init__(
        self,
        users: FakeUserRepository | None = None,
        exports: FakeDataExportRepository | None = None,
        consents: FakeConsentRecords | None = None,
    ) -> None:
        self.users = users or FakeUserRepository()
        self.exports = exports or FakeDataExportRepository()
        self.consents = consents or FakeConsentRecords()
        self.sections: dict[str, dict[str, list[object]]] = {}
        self.files: dict[str, list[StoredFile]] = {}
        self.appointments: dict[str, list[tuple[str, datetime]]] = {}
        self.shares: dict[str, list[str]] = {}
        self.access_log: list[tuple[str, str]] = []
        self.photos: dict[str, Photo] = {}  # by media id
        self.made: dict[str, tuple[StoredFile, ...]] = {}  # files stored after `photo` read
        # a dermatologist's patients, as `patients_of` finds them (the test says who they are)
        self.patients: dict[str, list[LeftPatient]] = {}

    def add_photo(
        self,
        owner_id: str,
        media_id: str,
        analysis_ids: tuple[str, ...] = (),
        shares: tuple[str, ...] = (),
        *,
        video: bool = False,
        taken_at: datetime | None = None,
    ) -> Photo:
        """An upload of the person's with its analyses: its files (original, thumbnail, each
        analysis's overlay, a video's frames) and a row per analysis in the `analyses`
        section, each analysis's routine in `routines`; `shares` cover one analysis only."""
        folder = f"uploads/{media_id[:2]}/{media_id}"
        files = [
            StoredFile(f"{folder}/original.{'mp4' if video else 'jpg'}", "image/jpeg"),
            StoredFile(f"{folder}/thumbnail.jpg", "image/jpeg"),
        ]
        for analysis_id in analysis_ids:
            files.append(StoredFile(f"overlays/{analysis_id}/overlay.jpg", "image/jpeg"))
            if video:
                files.append(StoredFile(f"overlays/{analysis_id}/frame.jpg", "image/jpeg"))
        photo = Photo(media_id, owner_id, analysis_ids, tuple(files), shares, taken_at)
        self.photos[media_id] = photo
        self.files.setdefault(owner_id, []).extend(files)
        sections = self.sections.setdefault(owner_id, {})
        sections.setdefault("media", []).append({"id": media_id})
        for analysis_id in analysis_ids:
            sections.setdefault("analyses", []).append({"id": analysis_id, "media_id": media_id})
            sections.setdefault("routines", []).append({"analysis_id": analysis_id})
        self.shares.setdefault(owner_id, []).extend(shares)
        return photo

    def photo(
        self, now: datetime, *, media_id: str | None = None, analysis_id: str | None = None
    ) -> Photo | None:
        for photo in self.photos.values():
            if photo.media_id == media_id or analysis_id in photo.analysis_ids:
                return photo
        return None

    def erase_photo(self, media_id: str) -> ErasedRows:
        photo = self.photos.pop(media_id, None)  # as it is now: an analysis added since counts
        if photo is None:
            return ErasedRows(0, (), ())
        owner = photo.owner_id
        gone = {media_id, *photo.analysis_ids}
        self.files[owner] = [f for f in self.files.get(owner, []) if f not in photo.files]
        rows = 0
        for name, entries in self.sections.get(owner, {}).items():
            kept = [e for e in entries if not gone & set(map(str, vars_of(e).values()))]
            rows += len(entries) - len(kept)
            self.sections[owner][name] = kept
        shares = self.shares.get(owner, [])
        self.shares[owner] = [s for s in shares if s not in photo.shares]
        rows += len(shares) - len(self.shares[owner])
        return ErasedRows(rows, photo.files + self.made.pop(media_id, ()), photo.analysis_ids)

    def gather(self, user_id: str) -> PersonalData:
        sections = copy.deepcopy(self.sections.get(user_id, {}))
        sections["consents"] = [vars(r) for r in self.consents.history(user_id)]
        return PersonalData(user_id, dict(sections), tuple(self.files.get(user_id, [])))

    def upcoming_appointments(self, user_id: str, now: datetime) -> list[str]:
        return [i for i, start in self.appointments.get(user_id, []) if start > now]

    def active_shares(self, user_id: str, now: datetime) -> list[str]:
        return list(self.shares.get(user_id, []))

    def patients_of(self, doctor_id: str, now: datetime) -> list[LeftPatient]:
        return [
            replace(p, appointments=tuple((i, at) for i, at in p.appointments if at > now))
            for p in self.patients.get(doctor_id, [])
        ]

    def erase(self, user_id: str, pseudonym: str) -> tuple[int, tuple[StoredFile, ...]]:
        rows = sum(len(rows) for rows in self.sections.pop(user_id, {}).values())
        rows += len(self.appointments.pop(user_id, [])) + len(self.shares.pop(user_id, []))
        files = tuple(self.files.pop(user_id, []))
        for photo in [p for p in self.photos.values() if p.owner_id == user_id]:
            files += self.made.pop(photo.media_id, ())
            del self.photos[photo.media_id]
        for export in self.exports.list_for_user(user_id):
            rows += self.exports.rows.pop(export.id) is not None
        kept = [r for r in self.consents.records if r.user_id != user_id]
        rows += len(self.consents.records) - len(kept)
        self.consents.records = kept
        rows += self.users.rows.pop(user_id, None) is not None
        self.patients.pop(user_id, None)
        self.access_log = [
            tuple(pseudonym if who == user_id else who for who in entry)  # type: ignore[misc]
            for entry in self.access_log
        ]
        return rows, files


def vars_of(entry: object) -> dict[str, Any]:
    return entry if isinstance(entry, dict) else vars(entry)


class FakeErasureLog(InMemoryRepository):
    def __init__(self) -> None:
        self.erasures: list[Erasure] = []

    def add(self, erasure: Erasure) -> None:
        self.erasures.append(erasure)


@dataclass(eq=False)
class FakePrivacyUnitOfWork(FakeInboxUnitOfWork):
    """The person's data erases the users, exports and consents of this unit of work; the
    inbox tells a dermatologist's patients that they left."""

    users: UserRepository = field(default_factory=FakeUserRepository)
    refresh_tokens: RefreshTokenRepository = field(default_factory=FakeRefreshTokenRepository)
    data_exports: DataExportRepository = field(default_factory=FakeDataExportRepository)
    erasures: ErasureLog = field(default_factory=FakeErasureLog)
    consent_records: ConsentRecords = field(default_factory=FakeConsentRecords)
    personal_data: PersonalDataStore = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.personal_data = FakePersonalData(
            cast(FakeUserRepository, self.users),
            cast(FakeDataExportRepository, self.data_exports),
            cast(FakeConsentRecords, self.consent_records),
        )


class FakeCareLinks:
    """Records what erasure asked of the care components; can refuse a cancel or a send."""

    def __init__(self) -> None:
        self.cancelled: list[tuple[str, str, str]] = []
        self.sent: list[tuple[str, int]] = []
        self.revoked: list[tuple[str, str]] = []
        self.refuse_cancel: set[str] = set()
        self.failing_sends = False

    def cancel_appointment(self, party_id: str, appointment_id: str, reason: str) -> int:
        if appointment_id in self.refuse_cancel:
            raise DomainError("appointment is cancelled")
        self.cancelled.append((party_id, appointment_id, reason))
        return 1

    def send_cancellation(self, appointment_id: str, sequence: int) -> None:
        if self.failing_sends:
            raise OSError("provider unreachable")
        self.sent.append((appointment_id, sequence))

    def revoke_share(self, patient_id: str, share_id: str) -> None:
        self.revoked.append((patient_id, share_id))


class FakeStoredVideos(InMemoryRepository):
    """MP4, QuickTime and WebM uploads by id, with the digest and key id each was stored with."""

    def __init__(self) -> None:
        self.videos: dict[str, StoredVideo] = {}
        self.stored: dict[str, tuple[str, str]] = {}  # media id -> (sha256, key id)

    def page_after(self, media_id: str | None, limit: int) -> list[StoredVideo]:
        ids = sorted(key for key in self.videos if media_id is None or key > media_id)
        return [self.videos[key] for key in ids[:limit]]

    def lock(self, media_id: str) -> StoredVideo | None:
        return self.videos.get(media_id)

    def rewritten(self, media_id: str, sha256: str, key_id: str) -> None:
        self.stored[media_id] = (sha256, key_id)


@dataclass(eq=False)
class FakeVideoScrubUnitOfWork(FakeUnitOfWork):
    stored_videos: StoredVideos = field(default_factory=FakeStoredVideos)
