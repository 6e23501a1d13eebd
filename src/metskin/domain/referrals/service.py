"""Referral use cases: triage an analysis against the person's history, store the referral."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.errors import Conflict, Forbidden, NotFound
from metskin.domain.i18n.marks import _
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.ports import CreatedKey, read
from metskin.domain.progress.comparability import another_person
from metskin.domain.referrals.errors import ReferralNotFound
from metskin.domain.referrals.model import Answers, ReferralRecord, TriageOutcome
from metskin.domain.referrals.snapshots import snapshot_from_result
from metskin.domain.referrals.triage import triage

if TYPE_CHECKING:
    from metskin.domain.ports import Clock
    from metskin.domain.referrals.ports import ReferralsUnitOfWork, ReferralsUowFactory

HISTORY_LIMIT = 30  # earlier analyses the evolution rules look at
REWORKED_AT_MOST = 200  # referrals worked again after a photo's deletion


class ReferralService:
    def __init__(self, uow_factory: ReferralsUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def for_analysis(self, patient_id: str, analysis_id: str) -> ReferralRecord | None:
        """The analysis' referral, triaged from the analysis and history the first time.

        None means no rule fired: no referral is suggested.
        """
        with self._uow_factory() as uow:
            analysis = self._own_done_analysis(uow, patient_id, analysis_id)
            stored = uow.referrals.get_for_analysis(analysis_id)
            if stored is not None:
                return stored
            record = self._triaged(uow, analysis, None, None)
            if record is None:
                return None
            self._tell_unless_repeated(uow, record)
            uow.referrals.add(record)
            try:
                uow.commit()
            except Conflict:  # a parallel request stored it first
                return self._stored(analysis_id)
            return record

    def submit_answers(
        self, patient_id: str, analysis_id: str, answers: Answers
    ) -> ReferralRecord | None:
        """Triage again with the questionnaire; the stored referral takes the new outcome."""
        with self._uow_factory() as uow:
            analysis = self._own_done_analysis(uow, patient_id, analysis_id)
            stored = uow.referrals.get_for_analysis(analysis_id)
            record = self._triaged(uow, analysis, answers, stored)
            if record is None:
                return None
            self._tell_unless_repeated(uow, record)
            if stored is None:
                uow.referrals.add(record)
            else:
                uow.referrals.save(record)
            uow.commit()
            return record

    def after_photo_deleted(self, patient_id: str, since: datetime | None) -> list[str]:
        """Work again the person's referrals whose history could have held a photo just deleted
        (their analyses made after it was uploaded, `since`; None: every one): each triaged
        anew from the analysis, the history left and the answers given. One still supported
        keeps its id, booking and answers with the evidence of what is left ("across your last
        2 analyses", none of the deleted photo's values); one that nothing supports any more
        is withdrawn (deleted: a booking made from it keeps its time) and the person told.
        Returns the ids of the referrals withdrawn."""
        now = self._clock()
        withdrawn: list[str] = []
        with self._uow_factory() as uow:
            for record in self._made_since(uow, patient_id, since):
                analysis = uow.analyses.get(record.analysis_id)
                if analysis is None or (since is not None and analysis.created_at < since):
                    continue
                outcome = self._outcome(uow, analysis, record.answers)
                if outcome is None or outcome.referral is None:
                    uow.referrals.delete(record.id)
                    tell(uow, entries.referral_withdrawn(record), now)
                    withdrawn.append(record.id)
                elif outcome.referral != record.referral:
                    record.referral, record.updated_at = outcome.referral, now
                    uow.referrals.save(record)
            uow.commit()
        return withdrawn

    def _made_since(
        self, uow: ReferralsUnitOfWork, patient_id: str, since: datetime | None
    ) -> list[ReferralRecord]:
        """The person's referrals made at or after `since`, newest first (a referral is made
        after its analysis, so those of analyses made since are among them)."""
        found: list[ReferralRecord] = []
        before: CreatedKey | None = None
        while len(found) < REWORKED_AT_MOST:
            page = uow.referrals.list_for_patient(patient_id, before, 50)
            found += [r for r in page if since is None or r.created_at >= since]
            if len(page) < 50 or (since is not None and page[-1].created_at < since):
                break
            before = (page[-1].created_at, page[-1].id)
        return found[:REWORKED_AT_MOST]

    def mine(self, patient_id: str, before: CreatedKey | None, limit: int) -> list[ReferralRecord]:
        return read(
            self._uow_factory, lambda uow: uow.referrals.list_for_patient(patient_id, before, limit)
        )

    def get_for_viewer(self, viewer_id: str, role: Role, referral_id: str) -> ReferralRecord:
        with self._uow_factory() as uow:
            record = uow.referrals.get(referral_id)
        if record is None:
            raise ReferralNotFound(_("No such referral."), field="referralId")
        if record.patient_id != viewer_id and role is not Role.ADMIN:
            raise Forbidden(_("This referral belongs to someone else."))
        return record

    def get_many(self, referral_ids: list[str]) -> list[ReferralRecord]:
        return read(self._uow_factory, lambda uow: uow.referrals.get_many(referral_ids))

    def _tell_unless_repeated(self, uow: ReferralsUnitOfWork, record: ReferralRecord) -> None:
        """Tell the person of a referral (once per urgency), unless their latest other one
        already said it and its advice still runs: the same flag on every check-in photo,
        or after they booked, is not news (it stays on the analysis and in their list)."""
        newest = uow.referrals.list_for_patient(record.patient_id, None, 2)
        latest = next((r for r in newest if r.id != record.id), None)
        if latest is None or not record.repeats(latest):
            tell(uow, entries.referral_raised(record), self._clock())

    def _stored(self, analysis_id: str) -> ReferralRecord | None:
        return read(self._uow_factory, lambda uow: uow.referrals.get_for_analysis(analysis_id))

    def _own_done_analysis(
        self, uow: ReferralsUnitOfWork, patient_id: str, analysis_id: str
    ) -> Analysis:
        analysis = uow.analyses.get(analysis_id)
        if analysis is None or analysis.owner_id != patient_id:
            raise NotFound(_("No such analysis in your history."), field="analysisId")
        if analysis.status is not AnalysisStatus.DONE:
            raise AnalysisNotReady(_("The analysis has not finished yet."), field="analysisId")
        return analysis

    def _triaged(
        self,
        uow: ReferralsUnitOfWork,
        analysis: Analysis,
        answers: Answers | None,
        stored: ReferralRecord | None,
    ) -> ReferralRecord | None:
        outcome = self._outcome(uow, analysis, answers)
        if outcome is None:
            raise AnalysisNotReady(_("The analysis has no result."), field="analysisId")
        if outcome.referral is None:
            return stored
        now = self._clock()
        if stored is not None:
            stored.referral, stored.answers, stored.updated_at = outcome.referral, answers, now
            return stored
        return ReferralRecord(
            str(uuid.uuid4()), analysis.owner_id, analysis.id, outcome.referral, now, now, answers
        )

    def _outcome(
        self, uow: ReferralsUnitOfWork, analysis: Analysis, answers: Answers | None
    ) -> TriageOutcome | None:
        """Triage of the analysis against the person's history as it is now; None when the
        analysis has no result."""
        earlier = [
            a
            for a in uow.analyses.list_for_owner(
                analysis.owner_id, (analysis.created_at, analysis.id), HISTORY_LIMIT
            )
            if a.status is AnalysisStatus.DONE
        ]
        results = uow.analyses.get_results([analysis.id, *(a.id for a in earlier)])
        if analysis.id not in results:
            return None
        readout = ResultReadout.from_stored(results[analysis.id][0])
        current = snapshot_from_result(analysis.created_at, readout)
        # Photos that may be of someone else (a partner on the same phone) are no history of
        # this face: progress calls no change between them, so no trend or spot is read there.
        readouts = [
            (a, ResultReadout.from_stored(results[a.id][0])) for a in earlier if a.id in results
        ]
        history = [
            snapshot_from_result(a.created_at, before)
            for a, before in readouts
            if not another_person(before, readout)
        ]
        return triage(current, history, answers)
