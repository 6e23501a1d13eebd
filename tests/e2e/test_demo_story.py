"""`metskin seed --story` (`make run`): the demo patient's six weeks of use, made by the real
pipeline under a clock set to each day, so that a fresh install shows the product in use."""

from __future__ import annotations

from datetime import UTC, datetime

from metskin.bootstrap import Container
from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PATIENT, seed_all
from metskin.cli.story import BOOK_WITHIN, PHOTOS, seed_story
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.appointments.model import AppointmentStatus, ConsultationType
from metskin.settings import Settings


def _user_id(container: Container, email: str) -> str:
    with container.new_uow() as uow:
        user = uow.users.get_by_email(email)
    assert user is not None
    return user.id


def test_the_story_gives_the_demo_patient_measured_photos_a_share_and_a_booking(
    container: Container, settings: Settings
) -> None:
    list(seed_all(container))
    told = list(seed_story(settings, DEMO_PATIENT, DEMO_DERMATOLOGIST))
    now = datetime.now(UTC)
    patient, doctor = _user_id(container, DEMO_PATIENT), _user_id(container, DEMO_DERMATOLOGIST)

    analyses = container.analyses.history(patient, None, 10)
    assert [a.status for a in analyses] == [AnalysisStatus.DONE] * len(PHOTOS), told
    ages = sorted(round((now - a.created_at).total_seconds() / 86400) for a in analyses)
    assert ages == sorted(days for days, _ in PHOTOS)  # each photo on its day of the story
    results = container.analyses.results([a.id for a in analyses])
    assert all(results[a.id][0]["ok"] for a in analyses)  # measured, not refused
    with container.new_uow() as uow:
        routines = uow.routines.list_for_user(patient, None, 10)
        booked = uow.appointments.upcoming_for_patient(patient, now)
    assert {r.analysis_id for r in routines} == {a.id for a in analyses}

    shares = container.sharing.shares_of(patient)
    assert [(s.doctor_id, s.analysis_id) for s in shares] == [(doctor, analyses[0].id)]
    assert [(a.doctor_id, a.status, a.consultation_type) for a in booked] == [
        (doctor, AppointmentStatus.BOOKED, ConsultationType.VIDEO)
    ]
    assert now < booked[0].start < now + BOOK_WITHIN

    # Told again (`make run` a second time): the patient is left as they are.
    assert list(seed_story(settings, DEMO_PATIENT, DEMO_DERMATOLOGIST)) == [
        f"story: kept {DEMO_PATIENT}'s analyses"
    ]
    assert len(container.analyses.history(patient, None, 10)) == len(PHOTOS)
    assert len(container.sharing.shares_of(patient)) == 1


def test_without_the_story_the_demo_patient_starts_empty(container: Container) -> None:
    """The browser tests sign in as the demo accounts and expect a first visit's pages."""
    list(seed_all(container))
    patient = _user_id(container, DEMO_PATIENT)
    assert container.analyses.history(patient, None, 1) == []
