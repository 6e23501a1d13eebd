"""`metskin seed --story`: the demo patient's last six weeks, so that a fresh install shows
the product in use and not only its empty states (`make run` asks for it).

Two photos of one face, six weeks and one week ago, each uploaded and measured by the real
pipeline (upload checks, face mesh, engine, routine, triage) under a clock set to that day; the
newer one shared with the demo dermatologist, who then has a patient on their dashboard; and a
video consultation booked in the first free slot of the coming two weeks. The photo is
scikit-image's `astronaut` (Eileen Collins, a NASA photograph in the public domain), shipped
inside the scikit-image package: nothing is downloaded. The second photo is the first mirrored,
as a front camera saves it.

Safe to run again: a demo patient who already has an analysis is left as they are (the story
is told once, or they have made their own).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from metskin.domain.accounts.model import User
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.appointments.model import ConsultationType

if TYPE_CHECKING:
    from metskin.bootstrap import Container
    from metskin.settings import Settings

# Days before today of each photo, and whether it is mirrored.
PHOTOS = ((42, False), (7, True))
SHARED_FOR = timedelta(days=30)
BOOK_WITHIN = timedelta(days=14)
REASON = "Follow-up on my routine after six weeks"


class StoryClock:
    """The container's clock: a day of the story while it is told, then the real time."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        return self.at or datetime.now(UTC)


def story_photo(mirrored: bool) -> bytes:
    """The astronaut as a phone's JPEG (quality 92)."""
    import cv2
    from skimage import data

    image = data.astronaut()[:, :, ::-1]  # RGB -> BGR
    if mirrored:
        image = image[:, ::-1]
    found, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    if not found:
        raise RuntimeError("the story's photo could not be encoded")
    return encoded.tobytes()


def seed_story(settings: Settings, patient_email: str, doctor_email: str) -> Iterator[str]:
    from metskin.bootstrap import bootstrap

    clock = StoryClock()
    container = bootstrap(settings, clock=clock)
    try:
        yield from tell_story(container, clock, patient_email, doctor_email)
    finally:
        container.close()


def tell_story(
    container: Container, clock: StoryClock, patient_email: str, doctor_email: str
) -> Iterator[str]:
    patient, doctor = _account(container, patient_email), _account(container, doctor_email)
    if container.analyses.history(patient.id, None, 1):
        yield f"story: kept {patient_email}'s analyses"
        return
    today = datetime.now(UTC)
    latest = None
    for days_ago, mirrored in PHOTOS:
        clock.at = today - timedelta(days=days_ago)
        media = container.media.upload(patient.id, story_photo(mirrored))
        analysis = container.analyses.start(patient.id, media.id)
        status = container.analyses.run(analysis.id)
        if status is not AnalysisStatus.DONE:
            raise RuntimeError(f"the story's photo of {days_ago} days ago was not measured")
        latest = analysis
        yield f"story: {patient_email} measured a photo of {days_ago} days ago"
    clock.at = None
    assert latest is not None
    container.sharing.share(patient.id, doctor.id, latest.id, today + SHARED_FOR)
    yield f"story: the latest analysis shared with {doctor_email} for {SHARED_FOR.days} days"
    video = ConsultationType.VIDEO
    slots = container.appointments.slots(doctor.id, today + timedelta(days=1), today + BOOK_WITHIN)
    free = [slot for slot in slots if video in slot.consultation_types]
    if not free:
        yield f"story: {doctor_email} has no free video slot in two weeks; nothing booked"
        return
    booked = container.appointments.book(patient.id, doctor.id, free[0].start, video, REASON)
    yield f"story: a video consultation booked for {booked.start:%Y-%m-%d %H:%M} UTC"


def _account(container: Container, email: str) -> User:
    with container.new_uow() as uow:
        user = uow.users.get_by_email(email)
    if user is None:
        raise RuntimeError(f"{email} is not there: `metskin seed` makes it first")
    return user
