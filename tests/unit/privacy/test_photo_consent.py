"""Consent to photo analysis on the fakes: given, withdrawn and given again as records of a
history; an upload, the start of an analysis and the worker's run refuse without it; a new
version of the text asks again; export lists the records and erasure removes them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.media import MediaLimits
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.analysis.uploads import MediaService
from metskin.domain.privacy.consent import PhotoConsentService
from metskin.domain.privacy.errors import AccountNotFound, ConsentRequired, ConsentTextOutdated
from metskin.domain.privacy.model import PHOTO_CONSENT_VERSION, ConsentPurpose
from metskin.domain.privacy.service import PrivacyService, PrivacySettings
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import (
    FakeClock,
    FakeEngine,
    FakeEventBus,
    FakeHasher,
    FakePreparer,
    FakeStorage,
)
from tests.fakes.privacy import FakeCareLinks, FakeConsentRecords, FakePrivacyUnitOfWork
from tests.unit.builders import user

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


class World:
    """One person (u1) and the services that share their consent records."""

    def __init__(self, version: str = PHOTO_CONSENT_VERSION) -> None:
        self.clock = FakeClock()
        self.storage = FakeStorage()
        self.analysis_uow = FakeAnalysisUnitOfWork()
        self.records = FakeConsentRecords()
        self.analysis_uow.consent_records = self.records
        self.privacy_uow = FakePrivacyUnitOfWork(
            users=self.analysis_uow.users, consent_records=self.records
        )
        with self.privacy_uow:
            self.privacy_uow.users.add(user("u1"))
            self.privacy_uow.commit()
        self.consents = PhotoConsentService(self.privacy_uow, self.clock, version)
        limits = MediaLimits(max_photo_bytes=1000, max_video_bytes=5000)
        self.media = MediaService(
            self.analysis_uow, self.storage, FakePreparer(), limits, self.clock
        )
        self.analyses = AnalysisService(
            self.analysis_uow, self.storage, FakeEngine(), FakeEventBus(), self.clock
        )


@pytest.fixture
def world() -> World:
    return World()


def test_a_new_account_is_asked_and_uploads_nothing_until_it_agrees(world: World) -> None:
    state = world.consents.state("u1")
    assert (state.given, state.at, state.version, state.needs_asking) == (False, None, None, True)
    with pytest.raises(ConsentRequired) as refused:
        world.media.upload("u1", JPEG)
    assert refused.value.code == "CONSENT_REQUIRED"
    assert world.storage.objects == {}  # nothing stored, not even for a moment


def test_giving_then_uploading_and_analysing_works(world: World) -> None:
    given = world.consents.give("u1", PHOTO_CONSENT_VERSION)
    assert (given.given, given.at, given.version, given.needs_asking) == (
        True,
        world.clock(),
        PHOTO_CONSENT_VERSION,
        False,
    )
    media = world.media.upload("u1", JPEG)
    analysis = world.analyses.start("u1", media.id)
    assert world.analyses.run(analysis.id) is AnalysisStatus.DONE


def test_withdrawing_blocks_uploads_and_starts_again(world: World) -> None:
    world.consents.give("u1")
    media = world.media.upload("u1", JPEG)
    world.clock.advance(minutes=5)
    withdrawn = world.consents.withdraw("u1")
    assert (withdrawn.given, withdrawn.at, withdrawn.needs_asking) == (False, world.clock(), True)
    with pytest.raises(ConsentRequired):
        world.media.upload("u1", JPEG)
    with pytest.raises(ConsentRequired):
        world.analyses.start("u1", media.id)


def test_a_queued_analysis_is_not_run_after_a_withdrawal_and_its_photo_is_kept(
    world: World,
) -> None:
    world.consents.give("u1")
    media = world.media.upload("u1", JPEG)
    queued = world.analyses.start("u1", media.id)
    world.consents.withdraw("u1")

    assert world.analyses.run(queued.id) is AnalysisStatus.FAILED
    stored = world.analysis_uow.analyses.get(queued.id)
    assert stored is not None and stored.failure_code == "CONSENT_WITHDRAWN"
    assert "withdrew" in (stored.failure_reason or "")
    assert media.storage_name in world.storage.objects  # the person's to delete or export
    assert world.analysis_uow.analyses.get_results([queued.id]) == {}


def test_every_give_and_withdrawal_is_a_record_and_repeats_write_nothing(world: World) -> None:
    world.consents.give("u1")
    world.consents.give("u1")  # already given: no second record
    world.clock.advance(days=1)
    world.consents.withdraw("u1")
    world.consents.withdraw("u1")
    world.clock.advance(days=1)
    world.consents.give("u1")
    history = world.consents.history("u1")
    assert [(r.given, r.purpose, r.text_version) for r in history] == [
        (True, ConsentPurpose.PHOTO_ANALYSIS, PHOTO_CONSENT_VERSION),
        (False, ConsentPurpose.PHOTO_ANALYSIS, PHOTO_CONSENT_VERSION),
        (True, ConsentPurpose.PHOTO_ANALYSIS, PHOTO_CONSENT_VERSION),
    ]
    assert [r.at for r in history] == sorted(r.at for r in history)


def test_a_new_version_of_the_text_asks_again_before_the_next_upload(world: World) -> None:
    world.consents.give("u1")
    media = world.media.upload("u1", JPEG)
    queued = world.analyses.start("u1", media.id)

    later = World()  # the same person, after an upgrade that changed the text
    later.records.records = world.records.records
    later.consents = PhotoConsentService(later.privacy_uow, later.clock, "2027-01-01")
    state = later.consents.state("u1")
    assert (state.given, state.version, state.current_version, state.needs_asking) == (
        True,
        PHOTO_CONSENT_VERSION,
        "2027-01-01",
        True,
    )
    with pytest.raises(ConsentTextOutdated) as outdated:
        later.consents.give("u1", PHOTO_CONSENT_VERSION)  # the client showed the old text
    assert outdated.value.field == "version" and "2027-01-01" in outdated.value.message
    assert later.consents.give("u1", "2027-01-01").needs_asking is False
    assert [r.text_version for r in later.consents.history("u1")] == [
        PHOTO_CONSENT_VERSION,
        "2027-01-01",
    ]
    # What was started under the older text still runs: it was not withdrawn.
    assert world.analyses.run(queued.id) is AnalysisStatus.DONE


def test_the_gate_asks_for_the_current_version(world: World) -> None:
    world.records.give_to("u1", version="2020-01-01")
    assert world.consents.state("u1").needs_asking
    with pytest.raises(ConsentRequired):
        world.media.upload("u1", JPEG)


def test_an_unknown_account_cannot_consent(world: World) -> None:
    with pytest.raises(AccountNotFound):
        world.consents.give("nobody")


def test_export_lists_the_records_and_erasure_removes_them(world: World) -> None:
    world.consents.give("u1")
    world.clock.advance(hours=1)
    world.consents.withdraw("u1")
    privacy = PrivacyService(
        world.privacy_uow,
        world.storage,
        FakeHasher(),
        FakeCareLinks(),
        world.clock,
        PrivacySettings(b"k" * 32, timedelta(hours=72)),
    )
    gathered = world.privacy_uow.personal_data.gather("u1")
    assert [r["given"] for r in gathered.sections["consents"]] == [True, False]
    assert gathered.sections["consents"][0]["text_version"] == PHOTO_CONSENT_VERSION

    privacy.erase_account("admin", "u1")
    assert world.records.history("u1") == []


def test_an_administrator_consents_for_nobody_else(world: World) -> None:
    """The service records the consent of the account it is given: the API gives the
    viewer's own id only (test_authorization_matrix.py)."""
    with world.privacy_uow:
        world.privacy_uow.users.add(user("admin", Role.ADMIN))
        world.privacy_uow.commit()
    world.consents.give("admin")
    assert world.consents.state("u1").needs_asking
