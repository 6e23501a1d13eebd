"""The one-off pass over videos stored before uploads blanked their metadata, on fakes: only a
video whose bytes the blanking changes is stored again (its row's digest and key id with it),
a second run changes nothing, a video deleted meanwhile is not put back, and an unreadable one
is named and left alone. (tests/integration/test_video_scrub.py: the real blanking, storage
and database.)"""

from __future__ import annotations

import hashlib
from typing import cast

from metskin.domain.privacy.model import StoredVideo
from metskin.domain.privacy.video_scrub import scrub_stored_videos
from tests.fakes.infra import FakeStorage
from tests.fakes.privacy import FakeStoredVideos, FakeVideoScrubUnitOfWork


def blank(data: bytes) -> bytes:
    """As `blank_video_metadata` does to a phone's place: the same length, zeroed."""
    return data.replace(b"GPS+51.5", bytes(8))


class UnreadableStorage(FakeStorage):
    """An object encrypted with a key the settings no longer hold."""

    def get(self, name: str) -> bytes:
        if "/m4-locked/" in name:
            raise ValueError(f"{name}: storage key 'k0' is not configured")
        return super().get(name)


def stored(uow: FakeVideoScrubUnitOfWork, storage: FakeStorage, media_id: str, data: bytes) -> str:
    name = f"uploads/{media_id}/original.mp4"
    videos = cast(FakeStoredVideos, uow.stored_videos)
    videos.videos[media_id] = StoredVideo(media_id, name, "video/mp4")
    if data:
        storage.put(name, data, "video/mp4")
    return name


def test_only_videos_the_blanking_changes_are_stored_again_and_a_rerun_changes_nothing() -> None:
    uow, storage = FakeVideoScrubUnitOfWork(), UnreadableStorage()
    phone = stored(uow, storage, "m1", b"moov udta GPS+51.5-0.12 mdat")
    clean = stored(uow, storage, "m2", b"moov free mdat")
    stored(uow, storage, "m3", b"")  # its object is missing
    stored(uow, storage, "m4-locked", b"moov udta GPS+51.5")
    for extra in range(150):  # past one page
        stored(uow, storage, f"n{extra:03}", b"moov mdat")
    pages: list[int] = []

    report = scrub_stored_videos(uow, storage, blank, progress=lambda r: pages.append(r.videos))

    assert (report.videos, report.scrubbed, report.clean, report.gone) == (154, 1, 151, 1)
    assert report.unreadable == ["m4-locked"]
    assert pages == [100, 154]
    assert storage.get(phone) == b"moov udta " + bytes(8) + b"-0.12 mdat"
    videos = cast(FakeStoredVideos, uow.stored_videos)
    assert videos.stored == {"m1": (hashlib.sha256(storage.get(phone)).hexdigest(), "fake-key")}
    assert storage.get(clean) == b"moov free mdat"
    assert uow.commits == 1  # nothing else written

    again = scrub_stored_videos(uow, storage, blank)
    assert (again.scrubbed, again.clean, again.gone, again.unreadable) == (0, 152, 1, ["m4-locked"])
    assert uow.commits == 1


class DeletedWhileRead(FakeStorage):
    """The upload is deleted (its row, then its objects) while its object is being read."""

    def __init__(self, videos: FakeStoredVideos) -> None:
        super().__init__()
        self.videos = videos

    def get(self, name: str) -> bytes:
        data = super().get(name)
        self.videos.videos.pop("m1")
        self.delete(name)
        return data


def test_a_video_deleted_while_it_is_read_is_not_put_back() -> None:
    uow = FakeVideoScrubUnitOfWork()
    storage = DeletedWhileRead(cast(FakeStoredVideos, uow.stored_videos))
    name = stored(uow, storage, "m1", b"moov udta GPS+51.5")

    report = scrub_stored_videos(uow, storage, blank)

    assert (report.videos, report.scrubbed, report.gone) == (1, 0, 1)
    assert not storage.exists(name)  # without the lock it would have been written again
