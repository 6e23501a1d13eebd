"""An upload's client key: a retry whose first answer was lost is the first upload."""

from __future__ import annotations

import threading

import pytest

from metskin.adapters.storage.upload_keys import InMemoryUploadKeys
from metskin.domain.analysis.errors import UnsupportedMedia, UploadInProgress, UploadKeyReused
from metskin.domain.analysis.media import MediaLimits, MediaType
from metskin.domain.analysis.ports import PreparedMedia
from metskin.domain.analysis.upload_keys import UploadOnce, UploadState
from metskin.domain.analysis.uploads import MediaService
from metskin.domain.errors import ValidationFailed
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import FakeClock, FakePreparer, FakeStorage
from tests.fakes.privacy import give_photo_consent

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
OTHER_JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 100
KEY = "3f0c2a5e-7b1d-4c8e-9a60-1d2e3f405162"


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def uow() -> FakeAnalysisUnitOfWork:
    uow = FakeAnalysisUnitOfWork()
    give_photo_consent(uow, "u1")
    give_photo_consent(uow, "u2")
    return uow


@pytest.fixture
def clock() -> Ticking:
    return Ticking()


@pytest.fixture
def service(uow: FakeAnalysisUnitOfWork, storage: FakeStorage, clock: Ticking) -> MediaService:
    limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
    once = UploadOnce(InMemoryUploadKeys(clock), ttl_s=3600)
    return MediaService(uow, storage, FakePreparer(), limits, FakeClock(), once)


def test_a_retry_with_the_same_key_and_bytes_is_the_first_upload_stored_once(
    service: MediaService, uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    first = service.upload("u1", JPEG, key=KEY)
    again = service.upload("u1", JPEG, key=KEY)
    assert again.id == first.id
    assert list(uow.media.rows) == [first.id]
    assert len(storage.objects) == 2  # the photo and its thumbnail, once


def test_without_a_key_or_with_another_key_each_upload_is_stored(
    service: MediaService, uow: FakeAnalysisUnitOfWork
) -> None:
    ids = {
        service.upload("u1", JPEG).id,
        service.upload("u1", JPEG).id,
        service.upload("u1", JPEG, key=KEY).id,
        service.upload("u1", JPEG, key=KEY[:-1] + "3").id,
    }
    assert len(ids) == 4 and len(uow.media.rows) == 4


def test_the_same_key_with_other_bytes_is_a_coded_error_and_stores_nothing(
    service: MediaService, uow: FakeAnalysisUnitOfWork
) -> None:
    service.upload("u1", JPEG, key=KEY)
    with pytest.raises(UploadKeyReused) as raised:
        service.upload("u1", OTHER_JPEG, key=KEY)
    assert raised.value.code == "UPLOAD_KEY_REUSED" and raised.value.field == "idempotency_key"
    assert len(uow.media.rows) == 1


def test_a_key_is_per_account(service: MediaService, uow: FakeAnalysisUnitOfWork) -> None:
    mine = service.upload("u1", JPEG, key=KEY)
    theirs = service.upload("u2", JPEG, key=KEY)
    assert theirs.id != mine.id and theirs.owner_id == "u2"
    with pytest.raises(UploadKeyReused):  # nor does another's key tell one about their file
        service.upload("u1", OTHER_JPEG, key=KEY)


def test_a_key_expires(service: MediaService, clock: Ticking) -> None:
    first = service.upload("u1", JPEG, key=KEY)
    clock.now += 3599
    assert service.upload("u1", JPEG, key=KEY).id == first.id
    clock.now += 2
    assert service.upload("u1", JPEG, key=KEY).id != first.id


def test_a_refused_upload_leaves_its_key_free_for_the_retry(
    service: MediaService, uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    with pytest.raises(UnsupportedMedia):
        service.upload("u1", b"not a photo at all", key=KEY)
    storage.fail_puts_after = 0
    with pytest.raises(OSError):
        service.upload("u1", JPEG, key=KEY)
    storage.fail_puts_after = None
    media = service.upload("u1", OTHER_JPEG, key=KEY)  # the key named nothing stored
    assert list(uow.media.rows) == [media.id]


def test_a_retry_of_a_deleted_upload_is_stored_again(
    service: MediaService, uow: FakeAnalysisUnitOfWork
) -> None:
    first = service.upload("u1", JPEG, key=KEY)
    del uow.media.rows[first.id]
    again = service.upload("u1", JPEG, key=KEY)
    assert again.id != first.id and list(uow.media.rows) == [again.id]
    assert service.upload("u1", JPEG, key=KEY).id == again.id


def slow_checks(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage, clock: Ticking
) -> tuple[MediaService, threading.Event, threading.Event]:
    """A service whose checks of a file set `checking` and wait until `done` is set."""
    checking, done = threading.Event(), threading.Event()

    class SlowPreparer(FakePreparer):
        def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
            checking.set()
            done.wait(5)
            return super().prepare(data, media_type, limits)

    limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
    once = UploadOnce(InMemoryUploadKeys(clock), ttl_s=3600)
    return MediaService(uow, storage, SlowPreparer(), limits, FakeClock(), once), checking, done


def test_a_retry_while_the_first_is_still_checked_is_told_to_wait(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage, clock: Ticking
) -> None:
    service, checking, retried = slow_checks(uow, storage, clock)
    first: list[str] = []
    worker = threading.Thread(target=lambda: first.append(service.upload("u1", JPEG, key=KEY).id))
    worker.start()
    assert checking.wait(5)
    with pytest.raises(UploadInProgress):
        service.upload("u1", JPEG, key=KEY)
    retried.set()
    worker.join(5)
    assert service.upload("u1", JPEG, key=KEY).id == first[0]
    assert len(uow.media.rows) == 1


def test_the_key_alone_says_the_first_copy_is_checked_then_stored_without_the_bytes(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage, clock: Ticking
) -> None:
    """A retry told UPLOAD_IN_PROGRESS sent the whole file again every 3 s while the first
    copy was checked: on a weak signal, the worst thing to send. The key alone now says where
    that copy is, and names the upload once it is stored."""
    service, checking, done = slow_checks(uow, storage, clock)
    assert service.upload_by_key("u1", KEY).state is UploadState.UNKNOWN  # nothing came yet
    first: list[str] = []
    worker = threading.Thread(target=lambda: first.append(service.upload("u1", JPEG, key=KEY).id))
    worker.start()
    assert checking.wait(5)
    asked = service.upload_by_key("u1", KEY)
    assert (asked.state, asked.media) == (UploadState.RECEIVING, None)
    assert service.upload_by_key("u2", KEY).state is UploadState.UNKNOWN  # not u2's
    done.set()
    worker.join(5)
    asked = service.upload_by_key("u1", KEY)
    assert asked.state is UploadState.STORED and asked.media is not None
    assert asked.media.id == first[0] and asked.media.owner_id == "u1"
    assert len(uow.media.rows) == 1


def test_a_key_alone_reads_nothing_of_someone_else_s_upload(service: MediaService) -> None:
    """The key belongs to the person who sent it: another account asking with it (a key seen
    in a log, a guessed one) is told nothing was sent, as for a key never used."""
    mine = service.upload("u1", JPEG, key=KEY)
    asked = service.upload_by_key("u2", KEY)
    assert (asked.state, asked.media) == (UploadState.UNKNOWN, None)
    assert service.upload_by_key("u1", KEY).media == mine


def test_a_key_alone_of_an_upload_refused_lapsed_or_deleted_says_send_the_file(
    service: MediaService, uow: FakeAnalysisUnitOfWork, clock: Ticking
) -> None:
    with pytest.raises(UnsupportedMedia):
        service.upload("u1", b"not a photo at all", key=KEY)
    assert service.upload_by_key("u1", KEY).state is UploadState.UNKNOWN  # refused: freed
    first = service.upload("u1", JPEG, key=KEY)
    del uow.media.rows[first.id]  # deleted since
    assert service.upload_by_key("u1", KEY).state is UploadState.UNKNOWN
    service.upload("u1", JPEG, key=KEY)
    clock.now += 3601
    assert service.upload_by_key("u1", KEY).state is UploadState.UNKNOWN  # lapsed


def test_a_key_alone_without_kept_keys_is_unknown_and_still_checked(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage
) -> None:
    limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
    service = MediaService(uow, storage, FakePreparer(), limits, FakeClock())
    assert service.upload_by_key("u1", KEY).state is UploadState.UNKNOWN
    with pytest.raises(ValidationFailed):
        service.upload_by_key("u1", "short")


@pytest.mark.parametrize("key", ["", "short", "x" * 101, "with space 12345", "ключ-12345678"])
def test_a_key_that_is_not_one_is_refused_on_its_argument(service: MediaService, key: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.upload("u1", JPEG, key=key)
    assert raised.value.field == "idempotency_key"
    with pytest.raises(ValidationFailed) as raised:
        service.upload_by_key("u1", key)
    assert raised.value.field == "idempotency_key"
