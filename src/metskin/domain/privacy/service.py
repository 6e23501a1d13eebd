"""Data rights use cases: export everything stored about a person, and erase an account.

An export is a job: the request stores a PENDING export and defers `build_data_export`; the
actor gathers the rows and files, zips them and puts the zip in the media storage (encrypted
there like every object); the person downloads it through a short-lived signed link.

An erasure runs in steps that can each be run again: it closes the account (nobody logs in or
refreshes from then on), cancels the person's future appointments and revokes their shares
through those components' own paths (so the other side gets the usual message or dashboard
event), deletes their files from storage, then deletes their rows in one transaction, where
audit entries stay under a keyed pseudonym.

Deleting one photo (or video) and its results (`delete_analysis`, `delete_media`) takes the
same steps for that upload only: the shares that cover one of its analyses only are revoked,
its files deleted, then its rows (`PersonalDataStore.erase_photo`, which the account's erasure
runs for each of the person's uploads too).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from metskin.domain.accounts.errors import InvalidCredentials
from metskin.domain.accounts.model import Role
from metskin.domain.accounts.passwords import confirm_password
from metskin.domain.analysis.errors import AnalysisNotFound, MediaNotFound
from metskin.domain.analysis.ports import ObjectMissing
from metskin.domain.errors import DomainError, Forbidden
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.messages import Job
from metskin.domain.ports import read
from metskin.domain.privacy.archive import build_archive
from metskin.domain.privacy.errors import AccountNotFound, ExportNotFound, ExportUnavailable
from metskin.domain.privacy.model import (
    DataExport,
    Erasure,
    ExportStatus,
    LeftPatient,
    Photo,
    PhotoErasure,
    pseudonym,
)
from metskin.domain.recommendations.jobs import WHY_PHOTO_DELETED

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import LoginAttempts, PasswordHasher
    from metskin.domain.analysis.ports import MediaStorage
    from metskin.domain.ports import Clock
    from metskin.domain.privacy.ports import CareLinks, PrivacyUnitOfWork, PrivacyUowFactory

log = logging.getLogger(__name__)
BUILD_DATA_EXPORT = "build_data_export"  # the actor (workers/privacy.py)
# Why an erasure cancelled the appointment, in the patient's message (translated when sent).
PATIENT_CLOSED = _("You closed your account.")
DERMATOLOGIST_CLOSED = _(
    "Your dermatologist closed their account, so the appointment cannot take place."
)
# A PENDING export older than this lost its job (the in-process queue forgets on restart).
STALE_PENDING = timedelta(hours=1)


@dataclass(frozen=True)
class PrivacySettings:
    pseudonym_key: bytes
    export_retention: timedelta = timedelta(hours=72)


@dataclass(eq=False)
class PrivacyService:
    uow_factory: PrivacyUowFactory
    storage: MediaStorage
    hasher: PasswordHasher
    care: CareLinks
    clock: Clock
    settings: PrivacySettings
    # the bytes of a stored file made on first use (a plain JPEG's thumbnail), else None
    unmade_file: Callable[[str], bytes | None] = lambda _name: None
    login_attempts: LoginAttempts | None = None  # the login backoff, for the password asked
    # Builds the routine the person follows again, saying why
    # (`RecommendationService.refresh_current`): a photo deleted may leave them the routine of
    # the one before, saved before what they said since (a pregnancy, a rating).
    rebuild_routine: Callable[[str, str], object] | None = None
    # Works again the person's referrals that a deleted photo's results may have supported
    # (`ReferralService.after_photo_deleted`: the person, the photo's upload time).
    rework_referrals: Callable[[str, datetime | None], object] | None = None
    # Forgets an erased account in what models learnt from it and keep on file (the learned
    # recommender's saved versions: `adapters/ml/ranker_forget.py`).
    forget_learned: Callable[[str], object] | None = None

    # --- export ----------------------------------------------------------------------------

    def request_export(self, user_id: str) -> DataExport:
        """Start an export (or return the one being built). It replaces the person's earlier
        ones: their zips are deleted (each request had kept another full copy of every photo
        and video for `export_retention_hours`)."""
        now = self.clock()
        with self.uow_factory() as uow:
            if uow.users.get(user_id) is None:
                raise AccountNotFound(_("No such account."))
            exports = uow.data_exports.list_for_user(user_id)
            for export in exports:
                if (
                    export.status is ExportStatus.PENDING
                    and now - export.requested_at < STALE_PENDING
                ):
                    return export
            export = DataExport(str(uuid.uuid4()), user_id, ExportStatus.PENDING, now)
            uow.data_exports.add(export)
            outdated = [e for e in exports if e.status is not ExportStatus.EXPIRED]
            for old in outdated:
                old.status = ExportStatus.EXPIRED if old.storage_name else ExportStatus.FAILED
                uow.data_exports.save(old)
            uow.defer(Job(BUILD_DATA_EXPORT, {"export_id": export.id}))
            uow.commit()
        self._delete_files(old.storage_name for old in outdated)
        return export

    def build_export(self, export_id: str) -> ExportStatus | None:
        """The actor's work: gather, zip, store, mark READY. Idempotent."""
        export = read(self.uow_factory, lambda uow: uow.data_exports.get(export_id))
        if export is None or export.status is not ExportStatus.PENDING:
            return export.status if export else None
        data = read(self.uow_factory, lambda uow: uow.personal_data.gather(export.user_id))
        files: dict[str, bytes] = {}
        for stored in data.files:
            try:
                files[stored.name] = self.storage.get(stored.name)
            except ObjectMissing:
                made = self.unmade_file(stored.name)
                if made is not None:  # a plain JPEG's thumbnail, made on its first decode
                    files[stored.name] = made
                else:
                    log.warning("export: a stored file is missing", extra={"export_id": export_id})
        now = self.clock()
        archive = build_archive(data, files, now)
        name = f"exports/{export.user_id}/{export.id}.zip"
        self.storage.put(name, archive, "application/zip")
        with self.uow_factory() as uow:
            current = uow.data_exports.get(export_id)
            if current is None or current.status is not ExportStatus.PENDING:
                self.storage.delete(name)  # the account was erased (or the export ended) meanwhile
                return current.status if current else None
            current.status, current.storage_name, current.size_bytes = (
                ExportStatus.READY,
                name,
                len(archive),
            )
            current.finished_at, current.expires_at = now, now + self.settings.export_retention
            uow.data_exports.save(current)
            uow.commit()
        return ExportStatus.READY

    def mark_export_failed(self, export_id: str, reason: str) -> None:
        with self.uow_factory() as uow:
            export = uow.data_exports.get(export_id)
            if export is not None and export.status is ExportStatus.PENDING:
                export.status, export.failure_reason = ExportStatus.FAILED, reason[:300]
                export.finished_at = self.clock()
                uow.data_exports.save(export)
                uow.commit()

    def exports_of(self, user_id: str) -> list[DataExport]:
        return read(self.uow_factory, lambda uow: uow.data_exports.list_for_user(user_id))

    def export_of(self, user_id: str, export_id: str) -> DataExport:
        """The person's own export; anyone else's is not found (whatever their role)."""
        export = read(self.uow_factory, lambda uow: uow.data_exports.get(export_id))
        if export is None or export.user_id != user_id:
            raise ExportNotFound(_("No such export of yours."), field="id")
        return export

    def download(self, user_id: str, export_id: str) -> tuple[DataExport, bytes]:
        export = self.export_of(user_id, export_id)
        if not export.downloadable(self.clock()) or export.storage_name is None:
            raise ExportUnavailable(_("This export is not ready or has expired; start a new one."))
        try:
            return export, self.storage.get(export.storage_name)
        except ObjectMissing as error:
            raise ExportUnavailable(_("This export is no longer available.")) from error

    # --- erasure ---------------------------------------------------------------------------

    def delete_my_account(self, user_id: str, password: str) -> Erasure:
        user = read(self.uow_factory, lambda uow: uow.users.get(user_id))
        if user is None:
            raise AccountNotFound(_("No such account."))
        refused = InvalidCredentials(_("The password is not correct."), field="password")
        confirm_password(self.hasher, self.login_attempts, user, password, refused)
        return self._erase(user_id, "self")

    def erase_account(self, admin_id: str, user_id: str) -> Erasure:
        """An administrator erases an account on the person's request."""
        if admin_id == user_id:
            raise Forbidden(_("Close your own account with deleteMyAccount."), field="userId")
        return self._erase(user_id, "admin:" + self.pseudonym(admin_id))

    def pseudonym(self, user_id: str) -> str:
        return pseudonym(self.settings.pseudonym_key, user_id)

    def _erase(self, user_id: str, requested_by: str) -> Erasure:
        now = self.clock()
        with self.uow_factory() as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise AccountNotFound(_("No such account."), field="userId")
            user.is_active = False  # no login or refresh from here on, even if a step fails
            uow.users.save(user)
            # and no request with a token issued before: the session check reads the sessions
            uow.refresh_tokens.revoke_user(user_id, now)
            appointments = uow.personal_data.upcoming_appointments(user_id, now)
            shares = uow.personal_data.active_shares(user_id, now)
            exports = uow.data_exports.list_for_user(user_id)
            patients = (
                uow.personal_data.patients_of(user_id, now)
                if user.role is Role.DERMATOLOGIST
                else []
            )
            uow.commit()
        reason = DERMATOLOGIST_CLOSED if user.role is Role.DERMATOLOGIST else PATIENT_CLOSED
        ended = {a for a in appointments if self._cancel(user_id, a, reason)}
        cancelled = len(ended)
        for share_id in shares:
            self.care.revoke_share(user_id, share_id)
        data = read(self.uow_factory, lambda uow: uow.personal_data.gather(user_id))
        names = {f.name for f in data.files} | {e.storage_name for e in exports if e.storage_name}
        self._delete_files(names)
        alias = self.pseudonym(user_id)
        with self.uow_factory() as uow:
            rows, named = uow.personal_data.erase(user_id, alias)
            late = {stored.name for stored in named} - names  # an overlay stored meanwhile
            names |= late
            erasure = Erasure(alias, requested_by, now, cancelled, len(shares), rows, len(names))
            uow.erasures.add(erasure)
            for patient in patients:
                _tell_left(uow, patient, alias, user.profile.display_name, ended, now)
            uow.commit()
        self._delete_files(late)
        if self.forget_learned is not None:
            self.forget_learned(user_id)
        log.info("account erased", extra={"pseudonym": alias, "rows": rows, "files": len(names)})
        return erasure

    # --- one photo and its results ----------------------------------------------------------

    def delete_analysis(self, user_id: str, analysis_id: str) -> PhotoErasure:
        """Delete the photo (or video) an analysis of the person's was made from, with every
        result made from it. A running analysis is deleted too: its worker finds it gone and
        keeps nothing. Someone else's analysis, or none, is ANALYSIS_NOT_FOUND (whatever the
        viewer's role: nobody learns that it exists)."""
        now = self.clock()
        photo = read(
            self.uow_factory, lambda uow: uow.personal_data.photo(now, analysis_id=analysis_id)
        )
        if photo is None or photo.owner_id != user_id:
            raise AnalysisNotFound(_("No such analysis in your history."), field="id")
        return self._erase_photo(photo)

    def delete_media(self, user_id: str, media_id: str) -> PhotoErasure:
        """The same for an upload, also one that was never analysed."""
        now = self.clock()
        photo = read(self.uow_factory, lambda uow: uow.personal_data.photo(now, media_id=media_id))
        if photo is None or photo.owner_id != user_id:
            raise MediaNotFound(_("No such media in your uploads."), field="id")
        return self._erase_photo(photo)

    def _erase_photo(self, photo: Photo) -> PhotoErasure:
        revoked = sum(self._revoke(photo.owner_id, share_id) for share_id in photo.shares)
        names = [stored.name for stored in photo.files]
        self._delete_files(names)
        with self.uow_factory() as uow:
            erased = uow.personal_data.erase_photo(photo.media_id)
            uow.commit()
        # Once more: a thumbnail a read made from the photo between the two steps, and the
        # overlay of an analysis that finished meanwhile.
        names += [stored.name for stored in erased.files]
        self._delete_files(names)
        log.info(
            "photo deleted",
            extra={"media_id": photo.media_id, "rows": erased.rows, "files": len(set(names))},
        )
        if erased.analysis_ids:
            self._rebuild_routine(photo.owner_id)
            self._rework_referrals(photo)
        # the analyses the rows step deleted (before: those `photo` read, without one a start
        # committed in between, which went with the upload all the same)
        return PhotoErasure(
            photo.media_id, erased.analysis_ids, revoked, erased.rows, len(set(names))
        )

    def _rebuild_routine(self, user_id: str) -> None:
        """The routine the person follows now, built again from what they say now: when the
        deleted photo's routine was the one they followed, the routine of the photo before
        comes back as it was saved, maybe with a product their pregnancy or rating has taken
        out since. It is theirs from the deletion on: told once (as `PHOTO_DELETED`), with the
        products that changed or none, and their check-in counted from now (no check-in is due
        when no routine is left)."""
        if self.rebuild_routine is None:
            return
        try:
            self.rebuild_routine(user_id, WHY_PHOTO_DELETED)
        except Exception:  # the photo is gone; their next read of the routine rebuilds it
            log.warning("routine not rebuilt after a photo's deletion", exc_info=True)

    def _rework_referrals(self, photo: Photo) -> None:
        """A referral that rested on the photo (a worsening across it and later ones) is
        worked out again from what is left, or withdrawn: none of the deleted photo's values
        stays in its evidence."""
        if self.rework_referrals is None:
            return
        try:
            self.rework_referrals(photo.owner_id, photo.taken_at)
        except Exception:  # the photo is gone; a referral's page still reads as it was
            log.warning("referrals not worked again after a photo's deletion", exc_info=True)

    def _revoke(self, patient_id: str, share_id: str) -> bool:
        try:
            self.care.revoke_share(patient_id, share_id)
        except DomainError:  # revoked meanwhile
            return False
        return True

    def _cancel(self, user_id: str, appointment_id: str, reason: str) -> bool:
        try:
            sequence = self.care.cancel_appointment(user_id, appointment_id, reason)
        except DomainError:  # cancelled or started meanwhile
            return False
        try:
            self.care.send_cancellation(appointment_id, sequence)
        except Exception:  # an unreachable provider must not keep the account open
            log.exception("erasure: a cancellation notice could not be sent")
        return True

    def _delete_files(self, names: Iterable[str | None]) -> None:
        for name in sorted({name for name in names if name}):
            self.storage.delete(name)


def _tell_left(
    uow: PrivacyUnitOfWork,
    patient: LeftPatient,
    alias: str,
    name: str,
    cancelled: set[str],
    now: datetime,
) -> None:
    """Tell a patient of an erased dermatologist, in the erasure's own transaction, what their
    leaving ended: the bookings cancelled (not one cancelled or begun meanwhile) and the shares
    (deleted with the dermatologist: the Sharing page has nothing left to show of them)."""
    appointments = [
        {"appointment_id": appointment_id, "start": start.isoformat()}
        for appointment_id, start in patient.appointments
        if appointment_id in cancelled
    ]
    shares = [
        {"share_id": share_id, "analysis_id": analysis_id}
        for share_id, analysis_id in patient.shares
    ]
    if not appointments and not shares:
        return
    person = uow.users.get(patient.patient_id)
    if person is None:  # erased meanwhile
        return
    entry = entries.dermatologist_left(
        patient.patient_id,
        alias,
        name,
        appointments,
        shares,
        DERMATOLOGIST_CLOSED if appointments else "",
        person.profile.time_zone,
    )
    tell(uow, entry, now)
