"""The upload page and the history as a French-speaking person meets them, in headless
Chromium: a refused upload is told in French with its numbers (the upload's request said no
language, so the browser's English was used), and a failed analysis reads in words in the
history (it said "Failed · Failed (ANALYSIS_TIMED_OUT)")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine

from metskin.adapters.db.analysis import AnalysisRow
from metskin.domain.analysis.records import AnalysisStatus, Stage
from tests.cluster import graphql, upload
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_app import ANALYSIS_SECONDS, register
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture
from tests.media_samples import encode, face_jpeg, noise_image

pytestmark = pytest.mark.slow

# Photos up to 1 MB, videos up to 2 MB: a request over 3 MB is refused before it is read.
server = server_fixture("uploads", METSKIN_MAX_PHOTO_MB="1", METSKIN_MAX_VIDEO_MB="2")
browser = browser_fixture()


def in_french(browser: Browser, server: str, email: str) -> str:
    register(browser, email)
    browser.in_french()
    browser.go("#/analyse")
    browser.text("#upload-form button[type=submit]", "Envoyer et analyser")
    return api_login(server, email, PASSWORD)


def test_a_refused_upload_is_told_in_the_person_s_language(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    in_french(browser, server, "camille@example.com")
    big = tmp_path / "grande.png"
    big.write_bytes(encode(noise_image(720, 720, seed=5), "PNG"))  # 1.5 MB
    huge = tmp_path / "enorme.png"
    huge.write_bytes(encode(noise_image(1150, 1150, seed=6), "PNG"))  # 3.8 MB
    browser.find("#upload-form input[name=file]").send_keys(str(big))
    browser.submit("#upload-form")
    said = browser.text("#upload-form .form-error strong", "Cette photo fait")
    assert said.startswith("Cette photo fait 1,5 Mo ; la limite est de 1 Mo."), said
    browser.find("#upload-form input[name=file]").send_keys(str(huge))
    browser.submit("#upload-form")
    said = browser.text("#upload-form .form-error strong", "Ce fichier dépasse")
    assert said.startswith("Ce fichier dépasse 3 Mo, le maximum accepté par MetSkin."), said
    assert browser.hash() == "#/analyse"


TIMED_OUT = {
    "status": AnalysisStatus.FAILED.value,
    "stage": Stage.FAILED.value,
    "finished_at": datetime.now(UTC),
    "failure_code": "ANALYSIS_TIMED_OUT",
    "failure_reason": "The analysis of this file took far too long and was stopped. Try "
    "another photo, or a shorter video.",
}


def new_analysis(server: str, email: str, **fields: object) -> AnalysisRow:
    """An analysis of a new upload of `email`'s, for the test to store as a worker would (no
    job: the test moves it on)."""
    token = api_login(server, email, PASSWORD)
    row = {
        "id": str(uuid.uuid4()),
        "owner_id": graphql(server, "{ me { id } }", token)["me"]["id"],
        "media_id": upload(server, token, face_jpeg(256)),
        "progress": 0.0,
        "created_at": datetime.now(UTC),
        "attempts": 0,
        "event_seq": 1,
    }
    return AnalysisRow(**{**row, **fields})


def store(tmp_path_factory: pytest.TempPathFactory, row: AnalysisRow) -> None:
    """The row written into the server's database, as the worker writes it."""
    var = next(Path(tmp_path_factory.getbasetemp()).glob("uploads*/var"))
    engine = create_engine(f"sqlite:///{(var / 'metskin.db').as_posix()}")
    with Session(engine) as session:
        session.merge(row)
        session.commit()
    engine.dispose()


def test_a_failed_analysis_reads_in_words_in_the_history(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    in_french(browser, server, "margaux@example.com")
    now = datetime.now(UTC)
    failed = new_analysis(
        server, "margaux@example.com", progress=0.3, started_at=now, attempts=1, **TIMED_OUT
    )  # as the worker leaves an analysis it stopped at its time limit
    failed_id = failed.id
    store(tmp_path_factory, failed)
    browser.go("#/history")
    row = browser.text("#history li .muted", "Échec")
    assert row.startswith("Échec · L'analyse de ce fichier"), row
    assert "ANALYSIS_TIMED_OUT" not in row and row.count("Échec") == 1
    browser.click(f"#history li a[href='#/analysis/{failed_id}']")
    assert "ANALYSIS_TIMED_OUT" in browser.text("#failed .error-code")  # for support, there


def test_a_failed_analysis_opens_the_camera_as_a_photo_to_retake_does(
    browser: Browser, server: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A failed analysis's box had one way on, "Try another photo or video", a link to the
    upload page (the tips, "Choose file", the camera, "Upload and analyse"); a photo to retake
    had "Take a new photo now". The failed box has it too, and the photo taken is sent."""
    email = "failed-retake@example.com"
    register(browser, email)
    failed = new_analysis(server, email, progress=0.3, attempts=1, **TIMED_OUT)
    failed_id = failed.id
    store(tmp_path_factory, failed)
    browser.go(f"#/analysis/{failed_id}")
    browser.text("#failed", "took far too long")
    assert browser.find("#failed #retake-now").text == "Take a new photo now"
    camera = browser.driver.find_element(browser.by, "#failed #retake-file")
    assert (camera.get_attribute("capture"), camera.get_attribute("accept")) == ("user", "image/*")
    assert browser.find("#failed a[href='#/analyse']").text == "Try another photo or video"
    face = tmp_path / "face.jpg"
    face.write_bytes(face_jpeg(320))
    camera.send_keys(str(face))  # what the camera hands back
    browser.until(
        lambda: browser.hash().startswith("#/analysis/") and failed_id not in browser.hash(),
        "the new photo's analysis",
    )


def test_a_file_the_browser_cannot_show_is_previewed_in_words(
    browser: Browser, tmp_path: Path
) -> None:
    """A PDF chosen by mistake (or a HEIC photo, which Chromium cannot draw) showed a broken
    image named "The photo you chose"; then the upload says why it is refused."""
    register(browser, "pdf@example.com")
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    browser.find("#upload-form input[name=file]").send_keys(str(notes))
    said = browser.text("#upload-form .preview-box", "No preview")
    assert "cannot show this file" in said
    assert browser.visible("#upload-form .preview-box img") == []
    browser.submit("#upload-form")
    assert "UNSUPPORTED_MEDIA" in browser.text("#upload-form .form-error")


def test_an_analysis_that_ends_while_the_history_is_open_is_shown_ended(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A person who left the analysis page while it ran and opened their history read "In
    progress" there, and still after it had ended, until they reloaded the page."""
    register(browser, "came-back@example.com")
    running = new_analysis(
        server,
        "came-back@example.com",
        status=AnalysisStatus.RUNNING.value,
        stage=Stage.FACE_MESH.value,
        progress=0.4,
        attempts=1,
    )  # a worker busy with it
    store(tmp_path_factory, running)
    browser.go("#/history")
    said = browser.text("#history li .muted", "Finding the face")
    assert said == "In progress · Finding the face…", said
    running.event_seq = 2
    for name, value in TIMED_OUT.items():
        setattr(running, name, value)
    store(tmp_path_factory, running)  # ended; the page's stream reads it at its next check
    row = browser.text("#history li .muted", "took far too long")
    assert row.startswith("Failed · The analysis of this file"), row


def test_a_photo_to_retake_is_taken_and_sent_from_the_message(
    browser: Browser, tmp_path: Path
) -> None:
    """On a phone, "Please retake your photo" linked to the upload page: the tips again,
    "Choose file", the camera, then "Upload and analyse", the advice out of sight. Its button
    now opens the front camera, and the photo taken is sent at once."""
    register(browser, "retake-now@example.com")
    wall = tmp_path / "wall.jpg"
    wall.write_bytes(encode(noise_image(320, 240), "JPEG"))
    browser.find("#upload-form input[name=file]").send_keys(str(wall))
    browser.submit("#upload-form")
    browser.text("#retake", "Please retake", timeout=ANALYSIS_SECONDS)
    first = browser.hash()
    assert browser.find("#retake-now").text == "Take a new photo now"
    camera = browser.driver.find_element(browser.by, "#retake-file")
    assert (camera.get_attribute("capture"), camera.get_attribute("accept")) == ("user", "image/*")
    face = tmp_path / "face.jpg"
    face.write_bytes(face_jpeg())  # a face it measures (320 px: too small, retake again)
    camera.send_keys(str(face))  # what the camera hands back
    browser.until(
        lambda: browser.hash().startswith("#/analysis/") and browser.hash() != first,
        "the new photo's analysis",
    )
    # the new analysis's page measured the face (read once it is drawn and done: right after
    # the address changed, the old page with its message could still be on screen)
    browser.find('#progress-stage[data-stage="DONE"]', timeout=ANALYSIS_SECONDS)
    browser.text("#tone #monk", "of 10")
    assert browser.visible("#retake") == []
