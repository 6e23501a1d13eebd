"""The one-off pass over videos stored before their metadata was blanked at upload (ninth
session): a phone's MP4 or MOV kept where it was filmed (GPS), the phone's make and model, and
was served so to whoever it was shared with; a WebM (until the twelfth session) its title,
recording time, tags (a place), attachments and chapters. `metskin scrub-video-metadata` runs
it.

Each MP4, QuickTime or WebM object is read through the storage port and `blank` (the upload's
own `blank_video_metadata`) applied; only when that changes the bytes is the object stored again,
under its upload's row lock (a deletion at the same time waits, or has deleted it first: no
object is put back for a deleted upload), with the row's digest and key id. A clean object is
left alone, so the pass is safe to run again: a second run finds every video clean.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from metskin.domain.analysis.ports import MediaStorage, ObjectMissing
from metskin.domain.privacy.model import StoredVideo
from metskin.domain.privacy.ports import VideoScrubUowFactory

log = logging.getLogger(__name__)

PAGE = 100


@dataclass
class ScrubReport:
    """What the pass found: `scrubbed` videos stored again without their metadata, `clean` ones
    left as they were, `gone` ones deleted (or their object missing) meanwhile, and the ids of
    those it could not read (`unreadable`: a storage key not configured, a damaged object)."""

    videos: int = 0
    scrubbed: int = 0
    clean: int = 0
    gone: int = 0
    unreadable: list[str] = field(default_factory=list)


def scrub_stored_videos(
    uow_factory: VideoScrubUowFactory,
    storage: MediaStorage,
    blank: Callable[[bytes], bytes],
    progress: Callable[[ScrubReport], None] | None = None,
) -> ScrubReport:
    """Blank the metadata of every stored MP4, QuickTime and WebM video; `progress` is told after
    each page."""
    report = ScrubReport()
    for page in _pages(uow_factory):
        for video in page:
            report.videos += 1
            _scrub(uow_factory, storage, blank, video, report)
        if progress is not None:
            progress(report)
    return report


def _pages(uow_factory: VideoScrubUowFactory) -> Iterator[list[StoredVideo]]:
    after: str | None = None
    while True:
        with uow_factory() as uow:
            page = uow.stored_videos.page_after(after, PAGE)
        if not page:
            return
        yield page
        after = page[-1].media_id


def _scrub(
    uow_factory: VideoScrubUowFactory,
    storage: MediaStorage,
    blank: Callable[[bytes], bytes],
    video: StoredVideo,
    report: ScrubReport,
) -> None:
    # Read and blanked outside the lock (a clean one, the usual case, takes none); stored objects
    # are never changed in place but by this pass, so what was read is what is replaced.
    try:
        data = storage.get(video.name)
    except ObjectMissing:
        report.gone += 1
        return
    except Exception:  # the adapter's own error: a key not configured, a damaged object
        log.warning("video unreadable, left as it is", extra={"media_id": video.media_id})
        report.unreadable.append(video.media_id)
        return
    cleaned = blank(data)
    if cleaned == data:
        report.clean += 1
        return
    with uow_factory() as uow:
        if uow.stored_videos.lock(video.media_id) is None:  # deleted since the page was read
            report.gone += 1
            return
        key_id = storage.put(video.name, cleaned, video.content_type)
        uow.stored_videos.rewritten(video.media_id, hashlib.sha256(cleaned).hexdigest(), key_id)
        uow.commit()
    report.scrubbed += 1
