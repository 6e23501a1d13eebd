"""Sharing use cases: a patient shares analyses with a dermatologist and can revoke it; the
dermatologist reads only what is shared, and every read is written to the patient's access log
in the same unit of work as the check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis
from metskin.domain.appointments.dashboard import DashboardEventKind, wake_up
from metskin.domain.audit.model import AccessEntry, AccessPart, Resource
from metskin.domain.audit.service import audit_reads
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.errors import Forbidden, NotFound
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.ports import CreatedKey, read
from metskin.domain.referrals.model import ADVISED_WITHIN, ReferralRecord, Urgency
from metskin.domain.sharing.errors import ShareNotFound
from metskin.domain.sharing.model import (
    PatientEntry,
    Share,
    ShareScope,
    share_expiry,
)

URGENT_LIST_SIZE = 50

if TYPE_CHECKING:
    from metskin.domain.ports import Clock
    from metskin.domain.sharing.ports import SharingUnitOfWork, SharingUowFactory


@dataclass(frozen=True)
class UrgentReferral:
    """A referral to see first on the dashboard; `record` only under a share."""

    id: str
    patient_id: str
    urgency: Urgency
    updated_at: datetime
    record: ReferralRecord | None


class SharingService:
    def __init__(self, uow_factory: SharingUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    # --- the patient's side ----------------------------------------------------------------

    def share(
        self, patient_id: str, doctor_id: str, analysis_id: str | None, expires_at: datetime | None
    ) -> Share:
        """A new share, or the active one that already shares the same with the same
        dermatologist, kept until the later of its expiry and the one asked for (one share to
        revoke, and the dermatologist told once), also when two requests share the same at
        the same moment: the store keeps one active share, and the later request gets it."""
        now = self._clock()
        with self._uow_factory() as uow:
            if uow.dermatologists.get(doctor_id) is None:
                raise DermatologistNotFound(_("No such dermatologist."), field="dermatologistId")
            if analysis_id is not None:
                analysis = uow.analyses.get(analysis_id)
                if analysis is None or analysis.owner_id != patient_id:
                    raise NotFound(_("No such analysis in your history."), field="analysisId")
            expiry = share_expiry(now, expires_at)
            existing = next(
                (
                    s
                    for s in uow.shares.active_between(patient_id, doctor_id, now)
                    if s.analysis_id == analysis_id
                ),
                None,
            )
            if existing is None:
                share = Share(
                    str(uuid.uuid4()),
                    patient_id,
                    doctor_id,
                    ShareScope.ALL if analysis_id is None else ShareScope.ANALYSIS,
                    analysis_id,
                    now,
                    expiry,
                )
                existing = uow.shares.add_unless_active(share)
                if existing.id == share.id:
                    tell_dashboard(uow, DashboardEventKind.SHARED, share, now)
                    uow.commit()
                    return share
            if expiry > existing.expires_at:
                existing = uow.shares.extend(existing.id, expiry)
                uow.commit()
            return existing

    def revoke(self, patient_id: str, share_id: str) -> Share:
        now = self._clock()
        with self._uow_factory() as uow:
            share = uow.shares.get(share_id)
            if share is None or share.patient_id != patient_id:
                raise ShareNotFound(_("No such share of yours."), field="shareId")
            if share.revoked_at is None:
                share.revoke(now)
                uow.shares.save(share)
                tell_dashboard(uow, DashboardEventKind.SHARE_REVOKED, share, now)
                uow.commit()
        return share

    def shares_of(self, patient_id: str) -> list[Share]:
        return read(self._uow_factory, lambda uow: uow.shares.list_for_patient(patient_id))

    def access_log(
        self,
        patient_id: str,
        before: tuple[datetime, int] | None,
        limit: int,
        viewer: tuple[str, Role] | None = None,
    ) -> list[AccessEntry]:
        """Every read of the patient's data, newest first. `viewer` (id, role): the caller, who
        reads their own log, or (an administrator, auditing) anyone's."""
        if viewer is not None and viewer[0] != patient_id and viewer[1] is not Role.ADMIN:
            raise Forbidden(_("You can only read your own access log."))
        return read(
            self._uow_factory,
            lambda uow: uow.access_log.list_for_patient(patient_id, before, limit),
        )

    # --- the dermatologist's side ----------------------------------------------------------

    def shared_analyses(
        self,
        doctor_id: str,
        patient_id: str | None,
        before: CreatedKey | None,
        first: int,
    ) -> list[Analysis]:
        """Finished analyses shared with the dermatologist, newest first (first + 1 rows: the
        extra one only tells whether a next page exists). The returned page is audited, and
        its patients are told, as for a read of one analysis (a page carries the results)."""
        now = self._clock()
        with self._uow_factory() as uow:
            rows = uow.shares.shared_analyses(doctor_id, now, patient_id, before, first + 1)
            reads = [(a.owner_id, Resource.ANALYSIS, a.id) for a in rows[:first]]
            audit_reads(uow.access_log, doctor_id, reads, now, AccessPart.RESULT)
            for analysis in rows[:first]:
                tell(uow, entries.share_viewed(analysis.owner_id, doctor_id, analysis.id), now)
            uow.commit()
        return rows

    def patients(
        self,
        doctor_id: str,
        after: tuple[str, str] | None,
        first: int,
        only: str | None = None,
    ) -> list[PatientEntry]:
        """Patients with an upcoming booking with this dermatologist or an active share with
        them, by name (`patient_order`; first + 1, after the key `after`; one query of the
        store, paged there): once the share is revoked or expired and the bookings are over
        or cancelled, the patient is gone from the list. Only the returned page is audited.
        `only`: that patient alone (their page), or nobody when they are not on the list."""
        now = self._clock()
        with self._uow_factory() as uow:
            entries = uow.shares.patients(doctor_id, now, after, first + 1, only)
            reads = [(e.user.id, Resource.PROFILE, e.user.id) for e in entries[:first]]
            audit_reads(uow.access_log, doctor_id, reads, now)
            uow.commit()
        return entries

    def referrals_for(
        self, viewer_id: str, role: Role, referral_ids: list[str]
    ) -> list[ReferralRecord]:
        """Referrals the viewer may read: their own, or (audited) those taken to a
        dermatologist while an active share covers the referral's analysis (so a revoked or
        expired share takes the referral away, also when read through an appointment)."""
        now = self._clock()
        with self._uow_factory() as uow:
            records = uow.referrals.get_many(referral_ids)
            shares = (
                uow.shares.active_for_doctor(viewer_id, now) if role is Role.DERMATOLOGIST else []
            )
            allowed = [
                r
                for r in records
                if r.patient_id == viewer_id
                or role is Role.ADMIN
                or (
                    r.doctor_id == viewer_id
                    and any(
                        s.patient_id == r.patient_id and s.covers(r.analysis_id, now)
                        for s in shares
                    )
                )
            ]
            read_by_doctor = [
                r for r in allowed if r.patient_id != viewer_id and role is Role.DERMATOLOGIST
            ]
            if read_by_doctor:
                audit_reads(
                    uow.access_log,
                    viewer_id,
                    [(r.patient_id, Resource.REFERRAL, r.id) for r in read_by_doctor],
                    now,
                )
                uow.commit()
        return allowed

    def urgent_referrals(self, doctor_id: str) -> list[UrgentReferral]:
        """Referrals taken to the dermatologist whose advice still runs (URGENT: see within 7
        days of it, SOON: within 4 weeks; ROUTINE ones are not listed), the most urgent
        first, then the latest. The referral itself only under an active share that covers
        its analysis (an audited read); without one, the fact of it (as the REFERRAL event
        on the dashboard says)."""
        now = self._clock()
        with self._uow_factory() as uow:
            since = now - ADVISED_WITHIN[Urgency.SOON]
            records = [
                r
                for r in uow.referrals.taken_to(doctor_id, since, URGENT_LIST_SIZE)
                if now - r.updated_at <= ADVISED_WITHIN[r.referral.urgency]
            ]
            shares = uow.shares.active_for_doctor(doctor_id, now) if records else []
            shown = [
                UrgentReferral(
                    r.id,
                    r.patient_id,
                    r.referral.urgency,
                    r.updated_at,
                    r
                    if any(
                        s.patient_id == r.patient_id and s.covers(r.analysis_id, now)
                        for s in shares
                    )
                    else None,
                )
                for r in records
            ]
            reads = [(u.patient_id, Resource.REFERRAL, u.id) for u in shown if u.record]
            if reads:
                audit_reads(uow.access_log, doctor_id, reads, now)
                uow.commit()
        shown.sort(key=lambda u: u.urgency.rank, reverse=True)  # stable: the latest first
        return shown

    def access_until(
        self, viewer_id: str, viewer_role: Role, owner_id: str, analysis_id: str
    ) -> datetime | None:
        """For a dermatologist: when the active shares that let them read the analysis end (the
        latest); None for anyone else, or once none does. Not a read of the patient's data:
        it is asked with the analysis, read (and audited) already."""
        if viewer_role is not Role.DERMATOLOGIST:
            return None
        now = self._clock()
        with self._uow_factory() as uow:
            shares = uow.shares.active_between(owner_id, viewer_id, now)
        return max((s.expires_at for s in shares if s.covers(analysis_id, now)), default=None)

    def allows_analysis(
        self,
        viewer_id: str,
        viewer_role: Role,
        analysis: Analysis,
        *,
        audit: bool = True,
        part: AccessPart = AccessPart.RESULT,
    ) -> bool:
        """The access check of `AnalysisService`: an active share; an allowed read is audited
        (committed before the analysis is returned), saying which `part` was fetched, unless
        `audit` is False (a live stream opened under an audited read, checking that the share
        still holds)."""
        if viewer_role is not Role.DERMATOLOGIST:
            return False
        now = self._clock()
        with self._uow_factory() as uow:
            shares = uow.shares.active_between(analysis.owner_id, viewer_id, now)
            if not any(share.covers(analysis.id, now) for share in shares):
                return False
            if not audit:
                return True
            audit_reads(
                uow.access_log,
                viewer_id,
                [(analysis.owner_id, Resource.ANALYSIS, analysis.id)],
                now,
                part,
            )
            tell(uow, entries.share_viewed(analysis.owner_id, viewer_id, analysis.id), now)
            uow.commit()
        return True


def tell_dashboard(
    uow: SharingUnitOfWork, kind: DashboardEventKind, share: Share, at: datetime
) -> None:
    """A share given, revoked or run out, on the dermatologist's dashboard (and its stream)."""
    uow.dashboard_events.append(
        share.doctor_id,
        kind.value,
        {
            "share_id": share.id,
            "patient_id": share.patient_id,
            "analysis_id": share.analysis_id,
            "scope": share.scope.value,
        },
        at,
    )
    uow.defer(wake_up(share.doctor_id))
