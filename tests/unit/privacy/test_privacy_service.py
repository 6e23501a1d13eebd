"""Data rights on the fakes: an export is a job that zips everything of the person's (and only
theirs); an erasure closes the account, cancels and revokes through the care paths, deletes
their files and rows, and keeps the access log under a keyed pseudonym."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import timedelta

import pytest

from metskin.adapters.limits.memory import InMemoryLoginFailures
from metskin.domain.accounts.errors import InvalidCredentials
from metskin.domain.accounts.model import RefreshToken, Role
from metskin.domain.errors import Forbidden
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.limits.errors import RateLimited
from metskin.domain.limits.model import BackoffPolicy
from metskin.domain.limits.service import LoginBackoff
from metskin.domain.messages import Job
from metskin.domain.privacy.errors import AccountNotFound, ExportNotFound, ExportUnavailable
from metskin.domain.privacy.model import ExportStatus, LeftPatient, StoredFile, pseudonym
from metskin.domain.privacy.service import (
    BUILD_DATA_EXPORT,
    DERMATOLOGIST_CLOSED,
    PrivacyService,
    PrivacySettings,
)
from tests.fakes.inbox import FakeInbox
from tests.fakes.infra import FakeClock, FakeHasher, FakeStorage
from tests.fakes.privacy import (
    FakeCareLinks,
    FakeDataExportRepository,
    FakeErasureLog,
    FakePersonalData,
    FakePrivacyUnitOfWork,
)
from tests.unit.builders import user

KEY = b"k" * 32
PHOTO = StoredFile("uploads/ab/m1/original.jpg", "image/jpeg")
THUMB = StoredFile("uploads/ab/m1/thumbnail.jpg", "image/jpeg")
OVERLAY = StoredFile("overlays/a1/a1/overlay.png", "image/png")


class World:
    def __init__(self) -> None:
        self.uow = FakePrivacyUnitOfWork()
        self.clock = FakeClock()
        self.storage = FakeStorage()
        self.care = FakeCareLinks()
        self.service = PrivacyService(
            self.uow,
            self.storage,
            FakeHasher(),
            self.care,
            self.clock,
            PrivacySettings(KEY, timedelta(hours=72)),
        )
        with self.uow:
            for person in ("p1", "p2", "doc"):
                self.uow.users.add(
                    user(person, Role.DERMATOLOGIST if person == "doc" else Role.PATIENT)
                )
            self.uow.commit()
        self.data.sections["p1"] = {
            "profile": [{"id": "p1", "email": "p1@example.com"}],
            "analyses": [{"id": "a1", "result": {"ok": True}, "overlay": OVERLAY.archive_path}],
            "ratings": [{"product_id": "x", "rating": 5}],
        }
        self.data.files["p1"] = [PHOTO, THUMB, OVERLAY]
        self.data.sections["p2"] = {"profile": [{"id": "p2"}]}
        self.data.files["p2"] = [StoredFile("uploads/cd/m2/original.jpg", "image/jpeg")]
        for stored in (PHOTO, THUMB, OVERLAY, *self.data.files["p2"]):
            self.storage.put(stored.name, f"bytes of {stored.name}".encode(), stored.content_type)

    @property
    def data(self) -> FakePersonalData:
        assert isinstance(self.uow.personal_data, FakePersonalData)
        return self.uow.personal_data

    @property
    def exports(self) -> FakeDataExportRepository:
        assert isinstance(self.uow.data_exports, FakeDataExportRepository)
        return self.uow.data_exports

    def build_all(self) -> None:
        for job in self.uow.jobs:
            self.service.build_export(job.kwargs["export_id"])


@pytest.fixture
def world() -> World:
    return World()


def test_an_export_is_a_job_that_zips_everything_of_the_person(world: World) -> None:
    export = world.service.request_export("p1")
    assert export.status is ExportStatus.PENDING
    assert world.uow.jobs == [Job(BUILD_DATA_EXPORT, {"export_id": export.id})]
    assert world.service.request_export("p1").id == export.id  # one at a time

    world.build_all()
    ready = world.service.export_of("p1", export.id)
    assert ready.status is ExportStatus.READY
    assert ready.expires_at == world.clock.now + timedelta(hours=72)
    same, blob = world.service.download("p1", export.id)
    assert same == ready and len(blob) == ready.size_bytes
    archive = zipfile.ZipFile(io.BytesIO(blob))
    names = set(archive.namelist())
    assert {"README.md", "manifest.json", "profile.json", "analyses.json", "ratings.json"} <= names
    assert archive.read("files/" + PHOTO.name) == f"bytes of {PHOTO.name}".encode()
    assert archive.read(OVERLAY.archive_path) == f"bytes of {OVERLAY.name}".encode()
    assert not any("m2" in name for name in names)  # nothing of anyone else
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["user_id"] == "p1" and manifest["missing_files"] == []
    assert {f["path"] for f in manifest["files"]} == names - {"README.md", "manifest.json"}
    assert json.loads(archive.read("analyses.json"))[0]["result"] == {"ok": True}
    assert "ratings.json" in archive.read("README.md").decode()


def test_a_missing_file_is_listed_not_hidden(world: World) -> None:
    world.storage.delete(THUMB.name)
    export = world.service.request_export("p1")
    world.build_all()
    _, blob = world.service.download("p1", export.id)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(blob)).read("manifest.json"))
    assert manifest["missing_files"] == [THUMB.archive_path]


def test_a_thumbnail_not_made_yet_is_made_for_the_export(world: World) -> None:
    """A plain JPEG's thumbnail is made on its first decode: the export asks for it."""
    world.storage.delete(THUMB.name)
    asked: list[str] = []
    world.service.unmade_file = lambda name: asked.append(name) or b"made now"
    export = world.service.request_export("p1")
    world.build_all()
    archive = zipfile.ZipFile(io.BytesIO(world.service.download("p1", export.id)[1]))
    assert json.loads(archive.read("manifest.json"))["missing_files"] == []
    assert archive.read(THUMB.archive_path) == b"made now" and asked == [THUMB.name]


def test_only_the_person_reaches_their_export(world: World) -> None:
    export = world.service.request_export("p1")
    world.build_all()
    for someone_else in ("p2", "doc"):
        with pytest.raises(ExportNotFound):
            world.service.download(someone_else, export.id)
        assert world.service.exports_of(someone_else) == []
    with pytest.raises(AccountNotFound):
        world.service.request_export("nobody")


def test_an_expired_export_is_refused_and_its_zip_deleted_by_the_next(world: World) -> None:
    first = world.service.request_export("p1")
    world.build_all()
    name = world.service.export_of("p1", first.id).storage_name
    assert name is not None and world.storage.exists(name)
    world.clock.advance(hours=73)
    with pytest.raises(ExportUnavailable):
        world.service.download("p1", first.id)
    second = world.service.request_export("p1")
    assert second.id != first.id and not world.storage.exists(name)
    assert world.service.export_of("p1", first.id).status is ExportStatus.EXPIRED


def test_an_export_built_after_its_account_went_leaves_no_file(world: World) -> None:
    export = world.service.request_export("p1")
    with world.uow:
        world.exports.rows.pop(export.id)  # the erasure deleted the row meanwhile
        world.uow.commit()
    before = set(world.storage.objects)
    assert world.service.build_export(export.id) is None
    assert set(world.storage.objects) == before


def test_deleting_needs_the_password_and_changes_nothing_without_it(world: World) -> None:
    with pytest.raises(InvalidCredentials) as error:
        world.service.delete_my_account("p1", "wrong")
    assert error.value.field == "password"
    stored = world.uow.users.get("p1")
    assert stored is not None and stored.is_active
    assert world.storage.exists(PHOTO.name) and world.care.cancelled == []


def test_deleting_my_account_cancels_revokes_and_erases_files_and_rows(world: World) -> None:
    now = world.clock.now
    world.data.appointments["p1"] = [
        ("past", now - timedelta(days=1)),
        ("soon", now + timedelta(hours=1)),
    ]
    world.data.shares["p1"] = ["s1", "s2"]
    world.data.access_log = [("p1", "doc"), ("p2", "doc")]
    export = world.service.request_export("p1")
    world.build_all()
    zip_name = world.service.export_of("p1", export.id).storage_name
    others = {n for n in world.storage.objects if "m2" in n}

    erasure = world.service.delete_my_account("p1", "pw")

    alias = pseudonym(KEY, "p1")
    assert world.care.cancelled == [("p1", "soon", "You closed your account.")]
    assert world.care.sent == [("soon", 1)]  # the patient is told before their row goes
    assert world.care.revoked == [("p1", "s1"), ("p1", "s2")]
    assert set(world.storage.objects) == others  # their uploads, overlay and zip are gone
    assert zip_name is not None and not world.storage.exists(zip_name)
    assert world.uow.users.get("p1") is None
    assert world.service.exports_of("p1") == []
    assert world.data.access_log == [(alias, "doc"), ("p2", "doc")]
    assert (erasure.pseudonym, erasure.requested_by) == (alias, "self")
    assert (erasure.appointments_cancelled, erasure.shares_revoked, erasure.files_deleted) == (
        1,
        2,
        4,
    )
    erasures = world.uow.erasures
    assert isinstance(erasures, FakeErasureLog) and erasures.erasures == [erasure]
    assert "p1" not in repr(erasure)


def test_an_erased_account_is_forgotten_in_what_models_learnt_from_it(world: World) -> None:
    """The learned recommender's saved versions kept the person's id, the row it learnt from
    their ratings and their skin's features after the account was erased."""
    forgotten: list[str] = []
    world.service.forget_learned = forgotten.append
    world.service.delete_my_account("p1", "pw")
    assert forgotten == ["p1"]
    with pytest.raises(AccountNotFound):
        world.service.erase_account("admin", "p1")
    assert forgotten == ["p1"]  # nothing to forget for an account that is not there


def test_a_dermatologists_erasure_tells_their_patients_whose_account_closed(
    world: World,
) -> None:
    """The patient's cancellation said 'The account was closed.': whose? Now it names the
    dermatologist (translated when sent)."""
    world.data.appointments["doc"] = [("booked", world.clock.now + timedelta(days=2))]

    world.service.delete_my_account("doc", "pw")

    assert world.care.cancelled == [("doc", "booked", DERMATOLOGIST_CLOSED)]
    assert DERMATOLOGIST_CLOSED.startswith("Your dermatologist closed their account")


def test_a_dermatologists_patients_are_told_in_the_inbox_what_their_leaving_ended(
    world: World,
) -> None:
    """The inbox said only "Appointment cancelled", and the shares with them vanished from the
    Sharing page without a word: now each patient gets one entry naming the dermatologist, the
    bookings cancelled with the reason, and the shares ended (once; none for a patient with
    nothing ended, nor for a booking cancelled meanwhile)."""
    now = world.clock.now
    with world.uow:
        doc = world.uow.users.get("doc")
        assert doc is not None
        doc.profile.display_name = "Dr Ada Lovelace"
        world.uow.users.save(doc)
        world.uow.users.add(user("p3"))
        world.uow.commit()
    ahead, gone = now + timedelta(days=2), now + timedelta(days=3)
    world.data.appointments["doc"] = [("b1", ahead), ("b2", gone)]
    world.care.refuse_cancel = {"b2"}  # the patient cancelled it meanwhile
    world.data.patients["doc"] = [
        LeftPatient("p1", (("b1", ahead),), (("s1", "a1"),)),
        LeftPatient("p2", (), (("s2", None),)),
        LeftPatient("p3", (("b2", gone),)),
    ]

    world.service.delete_my_account("doc", "pw")

    inbox = world.uow.inbox
    assert isinstance(inbox, FakeInbox)
    alias = pseudonym(KEY, "doc")
    told = {n.user_id: n for n in inbox.items}
    assert set(told) == {"p1", "p2"}
    assert {n.kind for n in told.values()} == {NotificationKind.DERMATOLOGIST_LEFT}
    assert told["p1"].key == f"dermatologist-left:{alias}"
    assert told["p1"].payload == {
        "name": "Dr Ada Lovelace",
        "appointments": [{"appointment_id": "b1", "start": ahead.isoformat()}],
        "shares": [{"share_id": "s1", "analysis_id": "a1"}],
        "reason": DERMATOLOGIST_CLOSED,
        "time_zone": "Europe/London",  # the patient's, to show the start in
    }
    assert told["p2"].payload["appointments"] == []
    assert told["p2"].payload["shares"] == [{"share_id": "s2", "analysis_id": None}]
    assert "doc" not in repr([n.payload for n in inbox.items])


def test_a_notice_that_cannot_leave_does_not_keep_the_account_open(world: World) -> None:
    world.data.appointments["p1"] = [
        ("a", world.clock.now + timedelta(days=2)),
        ("b", world.clock.now + timedelta(days=3)),
    ]
    world.care.failing_sends = True
    world.care.refuse_cancel = {"b"}  # cancelled by someone else meanwhile
    erasure = world.service.delete_my_account("p1", "pw")
    assert erasure.appointments_cancelled == 1
    assert world.uow.users.get("p1") is None


def test_an_admin_erases_on_request_but_not_their_own_account(world: World) -> None:
    with world.uow:
        world.uow.users.add(user("admin", Role.ADMIN))
        world.uow.commit()
    with pytest.raises(Forbidden):
        world.service.erase_account("admin", "admin")
    with pytest.raises(AccountNotFound):
        world.service.erase_account("admin", "nobody")
    erasure = world.service.erase_account("admin", "p2")
    assert erasure.requested_by == "admin:" + pseudonym(KEY, "admin")
    assert world.uow.users.get("p2") is None and world.uow.users.get("p1") is not None


def test_pseudonyms_are_keyed_stable_and_fit_an_id_column() -> None:
    alias = pseudonym(KEY, "p1")
    assert alias == pseudonym(KEY, "p1") != pseudonym(KEY, "p2")
    assert alias != pseudonym(b"other key", "p1")
    assert len(alias) == 36 and alias.startswith("anon-") and "p1" not in alias[5:7]


def test_an_erasure_that_stops_midway_has_already_ended_every_session(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account was closed first, but its sessions stayed: with the session check reading
    sessions only, access tokens issued before kept working for their 15 minutes while the
    erasure waited to be run again."""
    now = world.clock.now
    with world.uow:
        for family in ("phone", "laptop"):
            token = RefreshToken(f"h-{family}", "p1", family, now + timedelta(days=30), now)
            world.uow.refresh_tokens.add(token)
        world.uow.refresh_tokens.add(RefreshToken("h-p2", "p2", "p2", now + timedelta(days=1), now))
        world.uow.commit()

    def unreachable(name: str) -> None:  # a step after closing the account fails
        raise OSError("storage unreachable")

    monkeypatch.setattr(world.storage, "delete", unreachable)

    with pytest.raises(OSError):
        world.service.delete_my_account("p1", "pw")

    tokens = world.uow.refresh_tokens
    assert not tokens.family_active("phone", now) and not tokens.family_active("laptop", now)
    assert tokens.family_active("p2", now)  # nobody else's


def test_closing_an_account_asks_its_password_as_a_login_does(world: World) -> None:
    """deleteMyAccount's password check was outside the login backoff: a stolen session could
    guess the password there at full speed, unslowed by the failed logins it added nothing to."""
    backoff = LoginBackoff(InMemoryLoginFailures(), world.clock, BackoffPolicy(free_failures=2))
    service = replace(world.service, login_attempts=backoff)
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            service.delete_my_account("p1", "a-guess")
    with pytest.raises(RateLimited):
        service.delete_my_account("p1", "pw")  # the right password, but the account must wait
    with pytest.raises(RateLimited):
        backoff.check("p1@example.com")  # and so must a login
    assert world.uow.users.get("p1") is not None
    world.clock.advance(seconds=60)
    assert service.delete_my_account("p1", "pw").requested_by == "self"


def test_a_new_export_replaces_the_earlier_ones_and_deletes_their_zips(world: World) -> None:
    """Before, each request after the last was READY zipped every photo and video again and
    kept the copy for 72 hours: one person filled the storage in a loop (ninth session)."""
    first = world.service.request_export("p1")
    world.build_all()
    name = world.service.export_of("p1", first.id).storage_name
    assert name is not None and world.storage.exists(name)
    second = world.service.request_export("p1")
    assert not world.storage.exists(name)
    assert world.service.export_of("p1", first.id).status is ExportStatus.EXPIRED
    with pytest.raises(ExportUnavailable):
        world.service.download("p1", first.id)
    world.build_all()
    assert world.service.download("p1", second.id)[1]
    zips = [e for e in world.service.exports_of("p1") if e.storage_name]
    assert [e.id for e in zips if world.storage.exists(e.storage_name or "")] == [second.id]
