"""`metskin scrub-video-metadata` on the real storage and database (SQLite and MariaDB): a phone's
MP4 stored before uploads blanked its metadata (ninth session) keeps where it was filmed and
the phone's make until the pass; after it the stored object has neither, is the same length
(the frames where they were), and its row has the new digest. A WebM stored before (twelfth
session) loses its title, recording time and tags the same way. A clean video is left as it is;
a second run changes nothing."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace

import pytest
import typer
from typer.testing import CliRunner

from metskin.adapters.vision.video_metadata import blank_video_metadata
from metskin.bootstrap import Container
from metskin.cli import privacy
from metskin.domain.analysis.records import Media, MediaKind
from metskin.domain.privacy.video_scrub import scrub_stored_videos
from tests.integration.test_care_booking import make_patient
from tests.media_samples import (
    LOCATION,
    WEBM_TOLD,
    ffmpeg_webm,
    video_bytes,
    video_with_location,
)
from tests.unit.builders import media as upload


def store_old_upload(container: Container, owner_id: str, data: bytes, content_type: str) -> Media:
    """An upload as stored before its metadata was blanked: the bytes as sent."""
    media = replace(
        upload(str(uuid.uuid4()), owner_id, (96, 64), MediaKind.VIDEO),
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    media.key_id = container.storage.put(media.storage_name, data, content_type)
    with container.new_uow() as uow:
        uow.media.add(media)
        uow.commit()
    return media


def stored_row(container: Container, media_id: str) -> Media:
    with container.new_uow() as uow:
        found = uow.media.get(media_id)
    assert found is not None
    return found


def test_a_video_stored_before_loses_where_it_was_filmed_once(container: Container) -> None:
    owner = make_patient(container, "filmed@example.com")
    plain = video_bytes(96, 64, fps=10, seconds=2)
    phone = store_old_upload(container, owner.id, video_with_location(plain), "video/mp4")
    clean = store_old_upload(container, owner.id, blank_video_metadata(plain), "video/quicktime")
    recorded = ffmpeg_webm()
    webm = store_old_upload(container, owner.id, recorded, "video/webm")
    before = container.storage.get(phone.storage_name)

    report = scrub_stored_videos(container.new_uow, container.storage, blank_video_metadata)

    assert (report.videos, report.scrubbed, report.clean, report.gone) == (3, 2, 1, 0)
    after = container.storage.get(phone.storage_name)
    for told in (LOCATION, b"Apple", b"iPhone", b"GPSLatitude", b"ISO6709"):
        assert told in before and told not in after
    assert len(after) == len(before) and after == blank_video_metadata(before)
    assert stored_row(container, phone.id).sha256 == hashlib.sha256(after).hexdigest()
    assert container.storage.get(clean.storage_name) == blank_video_metadata(plain)
    webm_after = container.storage.get(webm.storage_name)  # before: stored as it came
    assert len(webm_after) == len(recorded) and not any(told in webm_after for told in WEBM_TOLD)
    assert stored_row(container, webm.id).sha256 == hashlib.sha256(webm_after).hexdigest()

    again = scrub_stored_videos(container.new_uow, container.storage, blank_video_metadata)
    assert (again.videos, again.scrubbed, again.clean) == (3, 0, 3)
    assert container.storage.get(phone.storage_name) == after


def test_the_command_reports_its_counts(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_patient(container, "filmed@example.com")
    plain = video_bytes(96, 64, fps=10, seconds=2)
    phone = store_old_upload(container, owner.id, video_with_location(plain), "video/mp4")
    webm = store_old_upload(container, owner.id, ffmpeg_webm(), "video/webm")
    # the command builds its container from these settings
    monkeypatch.setattr("metskin.settings.get_settings", lambda: container.settings)
    app = typer.Typer()
    app.callback()(lambda: None)
    privacy.register(app)

    first = CliRunner().invoke(app, ["scrub-video-metadata"])
    second = CliRunner().invoke(app, ["scrub-video-metadata"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    said = " ".join(first.output.split())
    assert (
        "MP4, MOV and WebM videos: 2; scrubbed: 2, already clean: 0, deleted meanwhile: 0, "
        "unreadable: 0" in said
    )
    assert "videos: 2; scrubbed: 0, already clean: 2," in " ".join(second.output.split())
    assert LOCATION not in container.storage.get(phone.storage_name)
    assert LOCATION not in container.storage.get(webm.storage_name)
