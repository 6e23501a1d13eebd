"""Label use cases: a dermatologist annotates an analysis shared with them, the owner confirms
or corrects their own result, and each person chooses whether their analyses may be learnt
from. Every write is a new label row (the history of writes); a dermatologist's read of the
labels is written to the patient's access log."""

from __future__ import annotations

import uuid
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotFound
from metskin.domain.analysis.records import Analysis, AnalysisStatus, Media, MediaKind
from metskin.domain.audit.model import Resource
from metskin.domain.audit.service import audit_reads
from metskin.domain.errors import NotFound
from metskin.domain.i18n.marks import _
from metskin.domain.labels.errors import LabelsForbidden, NotAnnotatable
from metskin.domain.labels.model import Label, LabelInput, LabelSource, LearningConsent
from metskin.domain.messages import Job
from metskin.domain.ports import read

if TYPE_CHECKING:
    from metskin.domain.labels.ports import LabelsUnitOfWork, LabelsUowFactory
    from metskin.domain.ports import Clock


class LabelService:
    def __init__(self, uow_factory: LabelsUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def annotate(self, doctor_id: str, role: Role, analysis_id: str, data: LabelInput) -> Label:
        """A dermatologist's grades, lesions, skin type and Monk tone, under an active share."""
        with self._uow_factory() as uow:
            analysis = self._analysis(uow, analysis_id)
            if role is not Role.DERMATOLOGIST or not self._shared(uow, doctor_id, analysis):
                raise LabelsForbidden(
                    _("Only a dermatologist it is shared with can annotate this.")
                )
            label = self._write(uow, analysis, doctor_id, LabelSource.DERMATOLOGIST, data)
            uow.commit()
        return label

    def correct(self, user_id: str, analysis_id: str, data: LabelInput) -> Label:
        """The owner confirms or corrects their result: verdicts per concern, skin type, note."""
        with self._uow_factory() as uow:
            analysis = self._analysis(uow, analysis_id)
            if analysis.owner_id != user_id:
                raise AnalysisNotFound(_("No such analysis in your history."), field="analysisId")
            if data.grades or data.lesions or data.monk_tone is not None:
                raise NotAnnotatable(
                    _(
                        "Grades, lesions and the Monk tone are a dermatologist's to write; say "
                        "whether you agree with a concern, or give your skin type."
                    )
                )
            label = self._write(uow, analysis, user_id, LabelSource.PATIENT, data)
            uow.commit()
        return label

    def labels(self, viewer_id: str, role: Role, analysis_id: str) -> list[Label]:
        """The label writes on the analysis, oldest first: every one for the owner and an
        admin; for a dermatologist while it is shared with them (an audited read), their own
        and the owner's corrections, not another dermatologist's (whose grades and notes
        would also tell whom else the patient shares with)."""
        with self._uow_factory() as uow:
            analysis = self._analysis(uow, analysis_id)
            if analysis.owner_id == viewer_id or role is Role.ADMIN:
                return uow.labels.for_analysis(analysis_id)
            if role is not Role.DERMATOLOGIST or not self._shared(uow, viewer_id, analysis):
                raise AnalysisNotFound(_("No such analysis."), field="analysisId")
            found = [
                label
                for label in uow.labels.for_analysis(analysis_id)
                if label.author_id == viewer_id or label.source is LabelSource.PATIENT
            ]
            reads = [(analysis.owner_id, Resource.LABELS, analysis.id)]
            audit_reads(uow.access_log, viewer_id, reads, self._clock())
            uow.commit()
        return found

    # --- consent for learning --------------------------------------------------------------

    def consent(self, user_id: str) -> LearningConsent:
        found = read(self._uow_factory, lambda uow: uow.consents.get(user_id))
        if found is None:
            raise NotFound(_("No such account."))
        return found

    def set_consent(self, user_id: str, given: bool) -> LearningConsent:
        """Give or revoke; the time is kept only when the choice changes. A revocation asks
        the retrain job to run: a model trained without the person is owed."""
        with self._uow_factory() as uow:
            current = uow.consents.get(user_id)
            if current is None:
                raise NotFound(_("No such account."))
            if current.given == given:
                return current
            changed = LearningConsent(user_id, given, self._clock())
            uow.consents.save(changed)
            if not given:
                uow.defer(Job(CONSENT_WITHDRAWN))  # no id: the job reads the consents
            uow.commit()
        return changed

    # --- helpers -----------------------------------------------------------------------------

    def _analysis(self, uow: LabelsUnitOfWork, analysis_id: str) -> Analysis:
        analysis = uow.analyses.get(analysis_id)
        if analysis is None:
            raise AnalysisNotFound(_("No such analysis."), field="analysisId")
        return analysis

    def _shared(self, uow: LabelsUnitOfWork, doctor_id: str, analysis: Analysis) -> bool:
        now = self._clock()
        shares = uow.shares.active_between(analysis.owner_id, doctor_id, now)
        return any(share.covers(analysis.id, now) for share in shares)

    def _write(
        self,
        uow: LabelsUnitOfWork,
        analysis: Analysis,
        author_id: str,
        source: LabelSource,
        data: LabelInput,
    ) -> Label:
        media = uow.media.get(analysis.media_id)
        if analysis.status is not AnalysisStatus.DONE or media is None:
            raise NotAnnotatable(_("Only a finished analysis can be labelled."))
        photo = _photo(media)
        data.check(photo.width, photo.height)
        data = replace(data, grades=dict(data.grades), note=data.note.strip())
        label = Label(
            id=str(uuid.uuid4()),
            analysis_id=analysis.id,
            subject_id=analysis.owner_id,
            author_id=author_id,
            source=source,
            created_at=self._clock(),
            **{f.name: getattr(data, f.name) for f in fields(LabelInput)},
        )
        uow.labels.add(label)
        uow.defer(Job(LABEL_WRITTEN, {"label_id": label.id}))  # retraining may be due
        return label


LABEL_WRITTEN = "label_written"
CONSENT_WITHDRAWN = "learning_consent_withdrawn"


def _photo(media: Media) -> Media:
    if media.kind is not MediaKind.PHOTO:
        raise NotAnnotatable(_("Only the analysis of a photo can be labelled."))
    return media
