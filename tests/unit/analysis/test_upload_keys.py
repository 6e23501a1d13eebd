"""An upload's client key: a retry whose first answer was lost is the first upload."""

from __future__ import annotations

import threading

import pytest

from metskin.adapters.storage.upload_keys import InMemoryUploadKeys
from metskin.domain.analysis.errors import UnsupportedMedia, UploadInProgress, UploadKeyReused
from metskin.domain.analysis.media import MediaLimits, MediaType
from metskin.domain.analysis.ports import PreparedMedia
from metskin.domain.analysis.upload_keys import UploadOnce
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


def test_a_retry_while_the_first_is_still_checked_is_told_to_wait(
    uow: FakeAnalysisUnitOfWork, storage: FakeStorage, clock: Ticking
) -> None:
    checking, retried = threading.Event(), threading.Event()

    class SlowPreparer(FakePreparer):
        def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
            checking.set()
            retried.wait(5)
            return super().prepare(data, media_type, limits)

    limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
    once = UploadOnce(InMemoryUploadKeys(clock), ttl_s=3600)
    service = MediaService(uow, storage, SlowPreparer(), limits, FakeClock(), once)
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


@pytest.mark.parametrize("key", ["", "short", "x" * 101, "with space 12345", "ключ-12345678"])
def test_a_key_that_is_not_one_is_refused_on_its_argument(service: MediaService, key: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.upload("u1", JPEG, key=key)
    assert raised.value.field == "idempotency_key"
