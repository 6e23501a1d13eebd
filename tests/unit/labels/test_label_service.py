"""Labels on the fakes: a dermatologist annotates only under an active share, the owner
corrects only their own result, values are checked with coded errors, reads are limited and a
dermatologist's read is audited; consent for learning is off until given."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotFound
from metskin.domain.analysis.records import AnalysisStatus, MediaKind
from metskin.domain.audit.model import Resource
from metskin.domain.labels.errors import (
    EmptyLabel,
    GradeOutOfRange,
    LabelsForbidden,
    NotAnnotatable,
    PointOutsideImage,
    UnknownLabelValue,
)
from metskin.domain.labels.model import (
    Concern,
    LabelInput,
    LabelSource,
    LearningConsent,
    Lesion,
    LesionType,
    Verdict,
)
from metskin.domain.labels.service import LabelService
from metskin.domain.sharing.model import Share, ShareScope
from tests.fakes.infra import FakeClock
from tests.fakes.labels import FakeLabelsUnitOfWork
from tests.unit.builders import T0, analysis, media

NOW = T0 + timedelta(days=30)
DOC = Role.DERMATOLOGIST
SIZE = (640, 480)


@pytest.fixture
def uow() -> FakeLabelsUnitOfWork:
    uow = FakeLabelsUnitOfWork()
    with uow:
        for person in ("p1", "p2", "doc-1", "doc-2"):
            uow.consents.add(LearningConsent(person))
        uow.analyses.add(analysis("a1", "p1", days=1))
        uow.analyses.add(analysis("a2", "p1", days=2, status=AnalysisStatus.RUNNING))
        uow.analyses.add(analysis("v1", "p1", days=3))
        uow.media.add(media("media-a1", "p1", SIZE))
        uow.media.add(media("media-a2", "p1", SIZE))
        uow.media.add(media("media-v1", "p1", SIZE, MediaKind.VIDEO))
        uow.shares.add(
            Share("s1", "p1", "doc-1", ShareScope.ALL, None, T0, NOW + timedelta(days=9))
        )
        uow.commit()
    return uow


@pytest.fixture
def labels(uow: FakeLabelsUnitOfWork, clock: FakeClock) -> LabelService:
    return LabelService(uow, clock)


FULL = LabelInput(
    grades={Concern.ACNE: 3, Concern.REDNESS: 1},
    lesions=(Lesion(LesionType.PAPULE, 100, 200), Lesion(LesionType.SCAR, 10, 10, 30, 20)),
    skin_type="oily",
    monk_tone=6,
)


def test_a_dermatologist_with_a_share_annotates_and_each_write_is_kept(
    labels: LabelService, clock: FakeClock
) -> None:
    first = labels.annotate("doc-1", DOC, "a1", FULL)
    clock.advance(minutes=5)
    second = labels.annotate("doc-1", DOC, "a1", LabelInput(grades={Concern.ACNE: 2}))
    found = labels.labels("p1", Role.PATIENT, "a1")
    assert [(x.id, x.grades) for x in found] == [
        (first.id, {Concern.ACNE: 3, Concern.REDNESS: 1}),
        (second.id, {Concern.ACNE: 2}),
    ]
    assert found[0].source is LabelSource.DERMATOLOGIST
    assert (found[0].subject_id, found[0].author_id, found[0].monk_tone) == ("p1", "doc-1", 6)
    assert found[0].lesions == FULL.lesions
    assert found[1].created_at == NOW + timedelta(minutes=5)


def test_no_share_no_role_or_a_revoked_share_cannot_annotate(
    labels: LabelService, uow: FakeLabelsUnitOfWork, clock: FakeClock
) -> None:
    with pytest.raises(LabelsForbidden):
        labels.annotate("doc-2", DOC, "a1", FULL)
    with pytest.raises(LabelsForbidden):
        labels.annotate("doc-1", Role.PATIENT, "a1", FULL)  # e.g. through an API key
    with pytest.raises(LabelsForbidden):
        labels.annotate("p1", Role.PATIENT, "a1", FULL)
    clock.advance(days=10)  # the share expired
    with pytest.raises(LabelsForbidden):
        labels.annotate("doc-1", DOC, "a1", FULL)
    assert uow.commits == 1  # only the fixture's


@pytest.mark.parametrize(
    ("data", "error", "field"),
    [
        (LabelInput(grades={Concern.ACNE: 5}), GradeOutOfRange, "grades.0.grade"),
        (
            LabelInput(grades={Concern.ACNE: 1, Concern.REDNESS: 4}),
            GradeOutOfRange,
            "grades.1.grade",  # the input's second grade
        ),
        (LabelInput(grades={Concern.PORES: -1}), GradeOutOfRange, "grades.0.grade"),
        (LabelInput(monk_tone=11), GradeOutOfRange, "monkTone"),
        (LabelInput(lesions=(Lesion(LesionType.PAPULE, 640, 1),)), PointOutsideImage, "lesions.0"),
        (
            LabelInput(
                lesions=(Lesion(LesionType.NODULE, 1, 1), Lesion(LesionType.SCAR, 600, 400, 50, 10))
            ),
            PointOutsideImage,
            "lesions.1",
        ),
        (LabelInput(lesions=(Lesion(LesionType.SCAR, -1, 3),)), PointOutsideImage, "lesions.0"),
        (
            LabelInput(
                verdicts=(Verdict(Concern.ACNE, True), Verdict(Concern.REDNESS, False, 640, 1))
            ),
            PointOutsideImage,
            "verdicts.1",
        ),
        (LabelInput(skin_type="greasy"), UnknownLabelValue, "skinType"),
        (LabelInput(note="x" * 501), UnknownLabelValue, "note"),
        (LabelInput(), EmptyLabel, None),
    ],
)
def test_bad_values_are_refused_with_their_code(
    labels: LabelService, data: LabelInput, error: type[Exception], field: str | None
) -> None:
    with pytest.raises(error) as raised:
        labels.annotate("doc-1", DOC, "a1", data)
    assert getattr(raised.value, "field", None) == field
    assert labels.labels("p1", Role.PATIENT, "a1") == []


def test_the_boundaries_are_accepted(labels: LabelService) -> None:
    edge = LabelInput(
        grades={Concern.ACNE: 4, Concern.WRINKLES: 4, Concern.DARK_CIRCLES: 3, Concern.PORES: 0},
        lesions=(Lesion(LesionType.COMEDONE, 639, 479), Lesion(LesionType.SCAR, 0, 0, 640, 480)),
        monk_tone=1,
    )
    assert labels.annotate("doc-1", DOC, "a1", edge).grades[Concern.WRINKLES] == 4


def test_only_finished_photo_analyses_are_labelled(labels: LabelService) -> None:
    with pytest.raises(NotAnnotatable):
        labels.annotate("doc-1", DOC, "a2", FULL)
    with pytest.raises(NotAnnotatable):
        labels.correct("p1", "v1", LabelInput(skin_type="dry"))
    with pytest.raises(AnalysisNotFound):
        labels.annotate("doc-1", DOC, "nope", FULL)


def test_the_owner_corrects_their_own_result_only(labels: LabelService) -> None:
    data = LabelInput(
        verdicts=(Verdict(Concern.ACNE, False, 320, 100), Verdict(Concern.REDNESS, True)),
        skin_type="dry",
        note=" my skin is dry ",
    )
    label = labels.correct("p1", "a1", data)
    assert (label.source, label.author_id, label.note) == (
        LabelSource.PATIENT,
        "p1",
        "my skin is dry",
    )
    assert label.verdicts[0] == Verdict(Concern.ACNE, False, 320, 100)
    with pytest.raises(AnalysisNotFound):
        labels.correct("p2", "a1", data)
    with pytest.raises(NotAnnotatable):
        labels.correct("p1", "a1", LabelInput(grades={Concern.ACNE: 0}))
    with pytest.raises(PointOutsideImage):
        labels.correct("p1", "a1", LabelInput(verdicts=(Verdict(Concern.ACNE, False, 1, 480),)))
    with pytest.raises(PointOutsideImage):
        labels.correct("p1", "a1", LabelInput(verdicts=(Verdict(Concern.ACNE, False, 1, None),)))


def test_who_reads_labels_and_the_dermatologists_read_is_audited(
    labels: LabelService, uow: FakeLabelsUnitOfWork, clock: FakeClock
) -> None:
    labels.annotate("doc-1", DOC, "a1", FULL)
    assert len(labels.labels("p1", Role.PATIENT, "a1")) == 1
    assert len(labels.labels("admin", Role.ADMIN, "a1")) == 1
    assert uow.access_log.list_for_patient("p1", None, 10) == []
    assert len(labels.labels("doc-1", DOC, "a1")) == 1
    [entry] = uow.access_log.list_for_patient("p1", None, 10)
    assert (entry.doctor_id, entry.resource, entry.resource_id) == ("doc-1", Resource.LABELS, "a1")
    for viewer, role in (("doc-2", DOC), ("p2", Role.PATIENT)):
        with pytest.raises(AnalysisNotFound):
            labels.labels(viewer, role, "a1")
    clock.advance(days=10)
    with pytest.raises(AnalysisNotFound):
        labels.labels("doc-1", DOC, "a1")


def test_learning_consent_is_off_until_given_and_revocable(
    labels: LabelService, uow: FakeLabelsUnitOfWork, clock: FakeClock
) -> None:
    assert labels.consent("p1") == LearningConsent("p1", False, None)
    given = labels.set_consent("p1", True)
    assert given == LearningConsent("p1", True, NOW)
    clock.advance(hours=1)
    assert labels.set_consent("p1", True).changed_at == NOW  # no change, the time stays
    assert labels.set_consent("p1", False) == LearningConsent("p1", False, NOW + timedelta(hours=1))
    assert uow.consents.consenting() == []
    labels.set_consent("p2", True)
    assert uow.consents.consenting() == ["p2"]


def test_a_dermatologist_reads_their_own_labels_and_the_patient_s_not_another_dermatologist_s(
    labels: LabelService, uow: FakeLabelsUnitOfWork, clock: FakeClock
) -> None:
    """Before, every write: a dermatologist read another one's grades and notes, and so learnt
    whom else the patient shares with (the author's id is a directory id)."""
    with uow:
        uow.shares.add(
            Share("s2", "p1", "doc-2", ShareScope.ALL, None, T0, NOW + timedelta(days=9))
        )
        uow.commit()
    labels.annotate("doc-1", DOC, "a1", FULL)
    clock.advance(minutes=1)
    labels.annotate("doc-2", DOC, "a1", LabelInput(grades={Concern.ACNE: 1}, note="doc-2's"))
    clock.advance(minutes=1)
    labels.correct("p1", "a1", LabelInput(note="not acne"))
    assert [x.author_id for x in labels.labels("doc-1", DOC, "a1")] == ["doc-1", "p1"]
    assert [x.author_id for x in labels.labels("doc-2", DOC, "a1")] == ["doc-2", "p1"]
    assert len(labels.labels("p1", Role.PATIENT, "a1")) == 3  # the owner sees every write
    assert len(labels.labels("admin", Role.ADMIN, "a1")) == 3
