"""The upload → analysis pipeline on fakes of its ports."""

from __future__ import annotations

from typing import Any

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import (
    CorruptMedia,
    MediaNotFound,
    MediaTooLarge,
    UnsupportedMedia,
)
from metskin.domain.analysis.media import MediaLimits
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    MediaGrant,
    MediaKind,
    Stage,
    progress_channel,
)
from metskin.domain.analysis.reporter import Reporter, mark_running
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.analysis.uploads import MediaService
from metskin.domain.errors import Forbidden, QueueUnavailable
from metskin.domain.inbox.model import inbox_channel
from metskin.domain.messages import Event, Job
from metskin.domain.money.model import NoRate
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import (
    FakeClock,
    FakeEngine,
    FakeEventBus,
    FakeJobQueue,
    FakePreparer,
    FakeStorage,
)
from tests.fakes.privacy import give_photo_consent

JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 100
MP4_BYTES = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100


@pytest.fixture
def uow() -> FakeAnalysisUnitOfWork:
    """u1 agreed to the analysis of their photos (test_photo_consent.py for those who did not)."""
    uow = FakeAnalysisUnitOfWork()
    give_photo_consent(uow, "u1")
    return uow


@pytest.fixture
def events(uow: FakeAnalysisUnitOfWork) -> FakeEventBus:
    bus = FakeEventBus()
    uow.dispatch = lambda messages: [bus.publish(m) for m in messages if isinstance(m, Event)]
    return bus


@pytest.fixture
def media_service(uow: FakeAnalysisUnitOfWork, storage: FakeStorage) -> MediaService:
    limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
    return MediaService(uow, storage, FakePreparer(), limits, FakeClock())


@pytest.fixture
def analyses(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage, engine: FakeEngine, events: FakeEventBus
) -> AnalysisService:
    return AnalysisService(uow, storage, engine, events, FakeClock())


@pytest.fixture
def queued(media_service: MediaService, analyses: AnalysisService) -> Analysis:
    """An analysis of u1's uploaded photo, queued and not run yet."""
    return analyses.start("u1", media_service.upload("u1", JPEG_BYTES).id)


def stored(uow: FakeAnalysisUnitOfWork, analysis_id: str) -> Analysis:
    """The analysis as the unit of work holds it (it must be there)."""
    analysis = uow.analyses.get(analysis_id)
    assert analysis is not None
    return analysis


def test_upload_stores_bytes_and_thumbnail_then_records_them(
    media_service: MediaService, uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    media = media_service.upload("u1", JPEG_BYTES, MediaKind.PHOTO)
    assert media.kind is MediaKind.PHOTO and media.content_type == "image/jpeg"
    assert storage.objects[media.storage_name] == JPEG_BYTES
    assert storage.objects[media.thumbnail_name] == b"thumb"
    assert uow.media.get(media.id) is not None


PLAIN_JPEG = JPEG_BYTES + b"plain"


@pytest.mark.parametrize("shown_first", [False, True])
def test_a_plain_jpeg_thumbnail_is_made_by_its_first_decode_and_kept(
    shown_first: bool,
    media_service: MediaService,
    analyses: AnalysisService,
    engine: FakeEngine,
    storage: FakeStorage,
) -> None:
    """Made by the analysis's decode, or by the first request for it when that comes first."""
    media = media_service.upload("u1", PLAIN_JPEG)
    assert media.storage_name in storage.objects and media.thumbnail_name not in storage.objects
    grant = MediaGrant(media.thumbnail_name, "u1", Role.PATIENT, media_id=media.id)
    made = b"thumb of " + PLAIN_JPEG[:8] if shown_first else b"engine thumb"
    if shown_first:
        assert analyses.open_object(grant) == made
    analysis = analyses.start("u1", media.id)
    assert analyses.run(analysis.id) is AnalysisStatus.DONE
    assert storage.objects[media.thumbnail_name] == made  # the first one is kept
    assert analyses.open_object(grant) == made
    assert engine.thumbnails == (1 if shown_first else 0)
    with pytest.raises(Forbidden):
        analyses.open_object(
            MediaGrant(media.thumbnail_name, "u2", Role.PATIENT, media_id=media.id)
        )


def test_an_undecodable_plain_jpeg_has_no_thumbnail_and_its_analysis_fails_coded(
    media_service: MediaService,
    analyses: AnalysisService,
    engine: FakeEngine,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
) -> None:
    media = media_service.upload("u1", PLAIN_JPEG + b"undecodable")
    grant = MediaGrant(media.thumbnail_name, "u1", Role.PATIENT, media_id=media.id)
    with pytest.raises(MediaNotFound):
        analyses.open_object(grant)
    assert media.thumbnail_name not in storage.objects
    analysis = analyses.start("u1", media.id)
    engine.failures.append(CorruptMedia("The image data is damaged."))
    assert analyses.run(analysis.id) is AnalysisStatus.FAILED
    assert stored(uow, analysis.id).failure_code == "CORRUPT_MEDIA"


@pytest.mark.parametrize(
    ("data", "kind", "error"),
    [
        (b"GIF89a" + b"\x00" * 10, None, UnsupportedMedia),
        (b"%PDF-1.7", None, UnsupportedMedia),
        (JPEG_BYTES, MediaKind.VIDEO, UnsupportedMedia),
        (MP4_BYTES, MediaKind.PHOTO, UnsupportedMedia),
        (JPEG_BYTES + b"\x00" * 1000, None, MediaTooLarge),
        (JPEG_BYTES + b"corrupt", None, CorruptMedia),
    ],
)
def test_bad_uploads_leave_nothing_behind(
    media_service: MediaService,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
    data: bytes,
    kind: MediaKind | None,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        media_service.upload("u1", data, kind)
    assert storage.objects == {} and uow.media.rows == {}


def test_a_failed_commit_removes_the_stored_objects(
    media_service: MediaService, uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    uow.fail_next_commit = RuntimeError("database went away")
    with pytest.raises(RuntimeError):
        media_service.upload("u1", JPEG_BYTES)
    assert storage.objects == {}


def test_a_failed_second_write_removes_the_first(
    media_service: MediaService, storage: FakeStorage
) -> None:
    storage.fail_puts_after = 1
    with pytest.raises(OSError):
        media_service.upload("u1", MP4_BYTES)
    assert storage.objects == {}


def test_start_queues_the_job_and_the_first_event_after_commit(
    media_service: MediaService, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    media = media_service.upload("u1", JPEG_BYTES)
    analysis = analyses.start("u1", media.id)
    assert analysis.status is AnalysisStatus.QUEUED
    job, event = uow.released
    assert job == Job("analyse_media", {"analysis_id": analysis.id})
    assert isinstance(event, Event) and event.payload["stage"] == "QUEUED"


def test_only_the_owner_can_start_or_read(
    media_service: MediaService, analyses: AnalysisService
) -> None:
    media = media_service.upload("u1", JPEG_BYTES)
    with pytest.raises(MediaNotFound):
        analyses.start("u2", media.id)
    analysis = analyses.start("u1", media.id)
    with pytest.raises(Forbidden):
        analyses.get_for_viewer("u2", Role.PATIENT, analysis.id)
    assert analyses.get_for_viewer("admin", Role.ADMIN, analysis.id).id == analysis.id


def published_stages(events: FakeEventBus, analysis_id: str) -> list[str]:
    channel = progress_channel(analysis_id)
    return [e.payload["stage"] for e in events.published if e.channel == channel]


def test_run_stores_one_result_and_streams_the_stages_in_order(
    queued: Analysis,
    analyses: AnalysisService,
    uow: FakeAnalysisUnitOfWork,
    events: FakeEventBus,
    storage: FakeStorage,
) -> None:
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    stages = published_stages(events, queued.id)
    assert stages[0] == "QUEUED" and stages[-1] == "DONE"
    assert list(dict.fromkeys(stages)) == ["QUEUED", "DECODING", "FACE_MESH", "MEASURING", "DONE"]
    channel = progress_channel(queued.id)
    seqs = [e.payload["seq"] for e in events.published if e.channel == channel]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert analyses.run(queued.id) is AnalysisStatus.DONE  # again: nothing new
    assert [n.kind.value for n in uow.inbox.newest("u1", None, 10)] == ["ANALYSIS_DONE"]
    assert [e.channel for e in events.published].count(inbox_channel("u1")) == 1
    summary = stored(uow, queued.id).summary
    assert summary is not None and summary.monk == 5
    result, overlay = uow.analyses.results[queued.id]
    assert result["bytes"] == len(JPEG_BYTES) and storage.objects[overlay or ""] == b"jpeg"


def test_the_inbox_asks_for_a_new_photo_when_no_face_was_measured(
    media_service: MediaService,
    analyses: AnalysisService,
    uow: FakeAnalysisUnitOfWork,
    engine: FakeEngine,
) -> None:
    """A landscape's analysis ends DONE with a retake: its notification says so (the inbox
    said "Your analysis is ready" of it), and a measured photo's does not."""
    measured = analyses.start("u1", media_service.upload("u1", JPEG_BYTES).id)
    landscape = analyses.start("u1", media_service.upload("u1", JPEG_BYTES + b"sky").id)
    assert analyses.run(measured.id) is AnalysisStatus.DONE
    engine.no_face = True
    assert analyses.run(landscape.id) is AnalysisStatus.DONE
    told = {n.payload["analysis_id"]: n.payload for n in uow.inbox.newest("u1", None, 10)}
    assert told == {
        measured.id: {"analysis_id": measured.id},
        landscape.id: {"analysis_id": landscape.id, "retake": True},
    }


def test_a_video_keeps_its_measured_frame_named_in_the_capture(
    queued: Analysis,
    analyses: AnalysisService,
    engine: FakeEngine,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
) -> None:
    engine.frame = b"jpeg-of-the-frame"
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    result, _ = uow.analyses.results[queued.id]
    name = f"overlays/{queued.id[:2]}/{queued.id}/frame.jpg"
    assert result["capture"] == {"eye_distance_px": 60.0, "frame": name}
    assert storage.objects[name] == b"jpeg-of-the-frame"


def test_a_redelivered_job_after_done_does_nothing(
    queued: Analysis, analyses: AnalysisService, engine: FakeEngine, uow: FakeAnalysisUnitOfWork
) -> None:
    analyses.run(queued.id)
    released = len(uow.released)
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    assert engine.runs == 1 and len(uow.released) == released


def test_bad_media_fails_without_retry(
    queued: Analysis, analyses: AnalysisService, engine: FakeEngine, uow: FakeAnalysisUnitOfWork
) -> None:
    engine.failures.append(CorruptMedia("The video's frames cannot be decoded."))
    assert analyses.run(queued.id) is AnalysisStatus.FAILED
    failed = stored(uow, queued.id)
    assert (failed.failure_code, failed.stage.value) == ("CORRUPT_MEDIA", "FAILED")
    assert queued.id not in uow.analyses.results


def test_a_transient_error_propagates_and_the_retry_completes(
    queued: Analysis, analyses: AnalysisService, engine: FakeEngine, uow: FakeAnalysisUnitOfWork
) -> None:
    engine.failures.append(ConnectionError("redis restarting"))
    with pytest.raises(ConnectionError):
        analyses.run(queued.id)
    assert stored(uow, queued.id).status is AnalysisStatus.RUNNING
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    assert stored(uow, queued.id).attempts == 2


def test_a_routine_that_cannot_be_built_leaves_the_measured_analysis_done(
    queued: Analysis, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    """The RECOMMENDING step refuses with a coded error (a price with no exchange rate): the
    skin was measured, so the analysis ends DONE with its result, only without a routine.
    Before, every new analysis FAILED with the step's code."""
    calls: list[str] = []

    def recommend(analysis: Analysis, result: dict[str, Any]) -> None:
        calls.append(analysis.id)
        raise NoRate("There is no exchange rate for NGN yet.", field="currency")

    analyses.add_step_after_measuring(recommend)
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    done = stored(uow, queued.id)
    assert (done.status, done.failure_code, calls) == (AnalysisStatus.DONE, None, [queued.id])
    result, _ = uow.analyses.results[queued.id]
    assert result["bytes"] == len(JPEG_BYTES)


def test_an_unexpected_error_after_measuring_still_retries(
    queued: Analysis, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    failures = [ConnectionError("database restarting")]

    def recommend(analysis: Analysis, result: dict[str, Any]) -> None:
        if failures:
            raise failures.pop()

    analyses.add_step_after_measuring(recommend)
    with pytest.raises(ConnectionError):
        analyses.run(queued.id)
    assert stored(uow, queued.id).status is AnalysisStatus.RUNNING
    assert queued.id not in uow.analyses.results
    assert analyses.run(queued.id) is AnalysisStatus.DONE


def test_giving_up_marks_failed_once(
    queued: Analysis, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    analyses.mark_failed(queued.id, "ANALYSIS_FAILED", "gave up")
    analyses.mark_failed(queued.id, "OTHER", "again")
    assert stored(uow, queued.id).failure_code == "ANALYSIS_FAILED"
    assert analyses.unfinished() == []


def test_history_pages_newest_first(
    media_service: MediaService, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    clock = FakeClock()
    service = AnalysisService(uow, FakeStorage(), FakeEngine(), FakeEventBus(), clock)
    started = []
    for _ in range(5):  # five photos (a photo still being analysed is started once)
        started.append(service.start("u1", media_service.upload("u1", JPEG_BYTES).id).id)
        clock.advance(minutes=1)
    first = service.history("u1", None, 3)
    rest = service.history("u1", (first[-1].created_at, first[-1].id), 3)
    assert [a.id for a in first + rest] == started[::-1]


class VideoEngine(FakeEngine):
    """Reports as a video does: decoding and the face mesh alternate frame by frame."""

    def run(self, media, data, progress, stated_skin_type):  # type: ignore[no-untyped-def]
        for frame in range(1, 11):
            progress(Stage.DECODING, frame / 10)
            progress(Stage.FACE_MESH, frame / 10)
        for region in range(1, 6):
            progress(Stage.MEASURING, region / 5)
        return super().run(media, data, progress, stated_skin_type)


@pytest.mark.parametrize("engine_type", [FakeEngine, VideoEngine])
def test_progress_is_one_number_over_the_whole_analysis_that_never_goes_back(
    media_service: MediaService,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
    events: FakeEventBus,
    engine_type: type[FakeEngine],
) -> None:
    analyses = AnalysisService(uow, storage, engine_type(), events, FakeClock())
    analysis = analyses.start("u1", media_service.upload("u1", JPEG_BYTES).id)
    analyses.run(analysis.id)
    channel = progress_channel(analysis.id)
    steps = [
        (e.payload["stage"], e.payload["progress"])
        for e in events.published
        if e.channel == channel
    ]
    progress = [p for _, p in steps]
    assert progress == sorted(progress) and progress[0] == 0.0 and progress[-1] == 1.0
    # Each stage owns its own part of the bar: a later stage never reads below an earlier one.
    top = {stage: max(p for s, p in steps if s == stage) for stage, _ in steps}
    low = {stage: min(p for s, p in steps if s == stage) for stage, _ in steps}
    assert top["DECODING"] <= low["FACE_MESH"] and top["FACE_MESH"] <= low["MEASURING"]
    assert 0.45 <= top["FACE_MESH"] <= 0.5 and top["MEASURING"] == 0.95


def test_start_refuses_while_the_queue_is_away_and_writes_nothing(
    media_service: MediaService, uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    queue = FakeJobQueue()
    analyses = AnalysisService(uow, storage, FakeEngine(), FakeEventBus(), FakeClock(), queue=queue)
    media = media_service.upload("u1", JPEG_BYTES)
    queue.up = False
    with pytest.raises(QueueUnavailable):
        analyses.start("u1", media.id)
    assert uow.analyses.rows == {} and uow.jobs == []
    queue.up = True
    assert analyses.start("u1", media.id).status is AnalysisStatus.QUEUED


@pytest.mark.parametrize("step_fails", [False, True])
def test_an_analysis_erased_while_it_runs_leaves_no_file_behind(
    queued: Analysis,
    analyses: AnalysisService,
    engine: FakeEngine,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
    monkeypatch: pytest.MonkeyPatch,
    step_fails: bool,
) -> None:
    """The owner closes the account while the worker measures their photo: the erasure
    deletes the rows and the files it finds. The thumbnail, overlay and frame the run stores
    afterwards named nobody's data; before, they stayed in storage for good."""
    engine.frame = b"jpeg-of-the-frame"
    measure = engine.run

    def erased_meanwhile(*args: Any) -> Any:
        output = measure(*args)
        del uow.analyses.rows[queued.id]
        storage.objects.clear()
        return output

    def recommend(analysis: Analysis, result: dict[str, Any]) -> None:
        if step_fails:  # the recommendation step finds the account gone
            raise Forbidden("This analysis belongs to someone else.")

    monkeypatch.setattr(engine, "run", erased_meanwhile)
    analyses.add_step_after_measuring(recommend)
    analyses.run(queued.id)
    assert storage.objects == {}


def test_an_analysis_deleted_while_its_routine_is_saved_ends_quietly(
    queued: Analysis,
    analyses: AnalysisService,
    uow: FakeAnalysisUnitOfWork,
    storage: FakeStorage,
) -> None:
    """The owner deletes the analysis (`deleteAnalysis`) while the worker measures it: the
    routine's row then refers to an analysis that is gone, and the database refuses it (not a
    domain error). The run ends without a retry and keeps none of the files it stored; before,
    the error went up to the worker, which retried, and the thumbnail stayed."""
    before = set(storage.objects)

    def recommend(analysis: Analysis, result: dict[str, Any]) -> None:
        del uow.analyses.rows[queued.id]  # deleted, with the rows made from it
        raise RuntimeError("FOREIGN KEY constraint failed")

    analyses.add_step_after_measuring(recommend)
    assert analyses.run(queued.id) is AnalysisStatus.FAILED
    assert set(storage.objects) <= before  # nothing stored by the run stays
    assert analyses.run(queued.id) is AnalysisStatus.FAILED  # a redelivery: nothing to do


def test_an_error_of_an_analysis_that_still_exists_is_retried(
    queued: Analysis, analyses: AnalysisService
) -> None:
    def recommend(analysis: Analysis, result: dict[str, Any]) -> None:
        raise RuntimeError("the database went away")

    analyses.add_step_after_measuring(recommend)
    with pytest.raises(RuntimeError):
        analyses.run(queued.id)


def test_a_second_start_of_an_upload_still_analysed_is_the_same_analysis(
    media_service: MediaService, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    media = media_service.upload("u1", JPEG_BYTES)
    first = analyses.start("u1", media.id)
    again = analyses.start("u1", media.id)  # a second tap, a retry after a lost answer
    assert again.id == first.id and len(uow.analyses.rows) == 1
    assert [job.actor for job in uow.jobs] == ["analyse_media"]  # one job, one result
    analyses.run(first.id)
    later = analyses.start("u1", media.id)  # a finished one is analysed again
    assert later.id != first.id and later.status is AnalysisStatus.QUEUED


def test_a_step_after_the_result_runs_once_it_is_stored_and_its_error_is_not_retried(
    queued: Analysis, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    """The routine's rebuild for what the person said while their photo was measured needs the
    stored result (`RecommendationService.after_result_stored`); before, nothing ran then."""
    seen: list[tuple[str, bool]] = []

    def rebuild(analysis: Analysis) -> None:
        seen.append((analysis.id, queued.id in uow.analyses.results))
        raise ConnectionError("database restarting")

    analyses.add_step_after_result(rebuild)
    assert analyses.run(queued.id) is AnalysisStatus.DONE
    assert seen == [(queued.id, True)]
    assert analyses.run(queued.id) is AnalysisStatus.DONE  # a redelivery: not run again
    assert len(seen) == 1


def test_the_history_tells_a_running_analysis_at_the_stage_its_stream_last_told(
    queued: Analysis,
    media_service: MediaService,
    analyses: AnalysisService,
    uow: FakeAnalysisUnitOfWork,
    events: FakeEventBus,
) -> None:
    """The stages between the start and the end are told on the events bus, not stored: a
    person who left the analysis page at "Finding the face" read "Reading the file" (the
    stored stage) in their history, until the row's stream caught up."""
    running = stored(uow, queued.id)
    with uow:
        mark_running(uow, running, FakeClock()())
        uow.commit()
    Reporter(events, stored(uow, queued.id))(Stage.FACE_MESH, 0.5)
    ended = analyses.start("u1", media_service.upload("u1", JPEG_BYTES).id)
    assert analyses.run(ended.id) is AnalysisStatus.DONE
    assert stored(uow, queued.id).stage is Stage.DECODING  # what the database says
    for page in (analyses.history("u1", None, 5), analyses.owner_and_history("u1", None, 5)[1]):
        shown = {a.id: (a.status, a.stage) for a in page}
        assert shown == {
            queued.id: (AnalysisStatus.RUNNING, Stage.FACE_MESH),
            ended.id: (AnalysisStatus.DONE, Stage.DONE),
        }
    assert stored(uow, queued.id).stage is Stage.DECODING  # read, not written


def test_the_history_keeps_the_stored_stage_when_the_bus_holds_nothing_newer(
    queued: Analysis, analyses: AnalysisService, uow: FakeAnalysisUnitOfWork
) -> None:
    """Redis away, or its note lapsed: the stored stage, as before."""
    (shown,) = analyses.history("u1", None, 5)
    assert (shown.status, shown.stage, shown.event_seq) == (
        AnalysisStatus.QUEUED,
        Stage.QUEUED,
        stored(uow, queued.id).event_seq,
    )
