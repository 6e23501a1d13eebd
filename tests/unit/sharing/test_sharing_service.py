"""Sharing on the fakes: share, revoke, expiry; a dermatologist reads only what is shared, and
every read writes an entry to the patient's access log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role, sort_name
from metskin.domain.analysis.errors import MediaAccessEnded, MediaNotFound
from metskin.domain.analysis.records import AnalysisStatus, Media, MediaGrant, MediaKind
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.appointments.dashboard import DashboardEventKind, wake_up
from metskin.domain.appointments.model import ConsultationType
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.audit.model import Resource
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.referrals.model import Referral, ReferralRecord, Specialty, Urgency
from metskin.domain.sharing.errors import ShareNotFound
from metskin.domain.sharing.model import DEFAULT_SHARE_DAYS, Share, ShareScope, patient_order
from metskin.domain.sharing.service import SharingService
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import FakeDermatologistRepository, dermatologist
from tests.fakes.infra import FakeClock, FakeEngine, FakeEventBus, FakeStorage
from tests.fakes.sharing import FakeSharingUnitOfWork
from tests.unit.builders import T0, analysis, user

NOW = T0 + timedelta(days=30)


@pytest.fixture
def uow() -> FakeSharingUnitOfWork:
    uow = FakeSharingUnitOfWork(
        dermatologists=FakeDermatologistRepository(dermatologist("doc-1"), dermatologist("doc-2"))
    )
    with uow:
        for person in ("p1", "p2"):
            uow.users.add(user(person))
        uow.analyses.add(analysis("a1", "p1", days=1))
        uow.analyses.add(analysis("a2", "p1", days=2))
        uow.analyses.add(analysis("a3", "p1", days=3, status=AnalysisStatus.RUNNING))
        uow.analyses.add(analysis("b1", "p2", days=1))
        uow.commit()
    uow.commits = 0
    return uow


@pytest.fixture
def sharing(uow: FakeSharingUnitOfWork, clock: FakeClock) -> SharingService:
    return SharingService(uow, clock)


def shared_ids(
    sharing: SharingService, doctor_id: str = "doc-1", patient_id: str | None = None
) -> list[str]:
    return [a.id for a in sharing.shared_analyses(doctor_id, patient_id, None, 10)]


def reads_of(uow: FakeSharingUnitOfWork, patient_id: str) -> list[tuple[str, Resource, str]]:
    return [
        (e.doctor_id, e.resource, e.resource_id)
        for e in uow.access_log.list_for_patient(patient_id, None, 100)
    ]


def test_sharing_everything_stores_the_share_tells_the_dermatologist_and_wakes_them(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    share = sharing.share("p1", "doc-1", None, None)
    assert (share.scope, share.analysis_id) == (ShareScope.ALL, None)
    assert share.expires_at == NOW + timedelta(days=DEFAULT_SHARE_DAYS)
    assert uow.shares.get(share.id) == share
    (event,) = uow.dashboard_events.newest("doc-1", None, 10)
    assert event.kind is DashboardEventKind.SHARED
    assert event.payload == {
        "share_id": share.id,
        "patient_id": "p1",
        "analysis_id": None,
        "scope": "ALL",
    }
    assert uow.released == [wake_up("doc-1")] and uow.commits == 1
    assert sharing.shares_of("p1") == [share] and sharing.shares_of("p2") == []


def test_a_share_needs_a_dermatologist_the_patients_own_analysis_and_a_sane_expiry(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    with pytest.raises(DermatologistNotFound):
        sharing.share("p1", "nobody", None, None)
    with pytest.raises(NotFound):
        sharing.share("p1", "doc-1", "b1", None)  # p2's analysis
    with pytest.raises(NotFound):
        sharing.share("p1", "doc-1", "missing", None)
    with pytest.raises(ValidationFailed):
        sharing.share("p1", "doc-1", None, NOW - timedelta(minutes=1))
    with pytest.raises(ValidationFailed):
        sharing.share("p1", "doc-1", None, NOW + timedelta(days=800))
    assert sharing.shares_of("p1") == [] and uow.released == []


def test_the_dermatologist_reads_only_finished_shared_analyses_each_read_audited(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    assert shared_ids(sharing) == []
    sharing.share("p1", "doc-1", None, None)
    assert shared_ids(sharing) == ["a2", "a1"]  # newest first; the running a3 is not shown
    assert shared_ids(sharing, "doc-2") == []  # shared with doc-1 only
    assert shared_ids(sharing, patient_id="p2") == []
    assert sorted(reads_of(uow, "p1")) == [
        ("doc-1", Resource.ANALYSIS, "a1"),
        ("doc-1", Resource.ANALYSIS, "a2"),
    ]
    assert reads_of(uow, "p2") == []


def test_a_one_analysis_share_covers_that_analysis_only(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    sharing.share("p1", "doc-1", "a1", None)
    assert shared_ids(sharing) == ["a1"]
    a1, a2 = uow.analyses.get("a1"), uow.analyses.get("a2")
    assert a1 is not None and a2 is not None
    assert sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a1)
    assert sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a1)  # read again
    assert not sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a2)
    (viewed,) = uow.inbox.newest("p1", None, 10)  # the patient is told once
    assert viewed.kind is NotificationKind.SHARE_VIEWED
    assert viewed.payload == {"dermatologist_id": "doc-1", "analysis_id": "a1"}


def test_pages_are_keyset_pages_and_only_the_returned_page_is_audited(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    sharing.share("p1", "doc-1", None, None)
    first = sharing.shared_analyses("doc-1", None, None, 1)
    assert [a.id for a in first] == ["a2", "a1"]  # first + 1: a next page exists
    assert reads_of(uow, "p1") == [("doc-1", Resource.ANALYSIS, "a2")]
    rest = sharing.shared_analyses("doc-1", None, (first[0].created_at, first[0].id), 1)
    assert [a.id for a in rest] == ["a1"]


def test_revoking_stops_access_at_once_and_tells_the_dermatologist(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    share = sharing.share("p1", "doc-1", None, None)
    clock.advance(hours=1)
    revoked = sharing.revoke("p1", share.id)
    assert revoked.revoked_at == clock.now
    assert shared_ids(sharing) == []
    a1 = uow.analyses.get("a1")
    assert a1 is not None and not sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a1)
    assert reads_of(uow, "p1") == []
    assert [e.kind for e in uow.dashboard_events.newest("doc-1", None, 10)] == [
        DashboardEventKind.SHARED,
        DashboardEventKind.SHARE_REVOKED,
    ]
    commits = uow.commits
    assert sharing.revoke("p1", share.id).revoked_at == revoked.revoked_at  # idempotent
    assert uow.commits == commits


def test_sharing_the_same_again_keeps_one_share_that_one_revoke_ends(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    share = sharing.share("p1", "doc-1", None, None)
    one = sharing.share("p1", "doc-1", "a1", None)
    clock.advance(days=1)
    again = sharing.share("p1", "doc-1", None, None)  # the same, asked again a day later
    assert again.id == share.id
    assert again.expires_at == clock.now + timedelta(days=DEFAULT_SHARE_DAYS)  # extended
    assert sharing.share("p1", "doc-1", None, NOW + timedelta(days=2)).expires_at == (
        again.expires_at  # a shorter time asked for does not cut it short
    )
    assert sharing.share("p1", "doc-1", "a1", None).id == one.id
    assert sharing.share("p1", "doc-2", None, None).id != share.id  # another dermatologist
    assert sorted(s.id for s in sharing.shares_of("p1") if s.doctor_id == "doc-1") == sorted(
        [share.id, one.id]
    )
    assert [e.kind for e in uow.dashboard_events.newest("doc-1", None, 10)] == [
        DashboardEventKind.SHARED,
        DashboardEventKind.SHARED,
    ]  # told once for each
    sharing.revoke("p1", share.id)
    assert shared_ids(sharing) == ["a1"]  # the everything-share is gone, not a copy of it
    sharing.revoke("p1", one.id)
    assert shared_ids(sharing) == []
    assert sharing.share("p1", "doc-1", None, None).id != share.id  # a new one after a revoke


def test_a_share_that_lost_a_race_returns_the_one_that_won_told_once(
    sharing: SharingService,
    uow: FakeSharingUnitOfWork,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    won = sharing.share("p1", "doc-1", None, NOW + timedelta(days=10))
    # The second request (another tab) looked for an active share before the first committed.
    monkeypatch.setattr(uow.shares, "active_between", lambda *_: [])
    clock.advance(minutes=1)
    lost = sharing.share("p1", "doc-1", None, None)
    assert lost.id == won.id
    assert lost.expires_at == clock.now + timedelta(days=DEFAULT_SHARE_DAYS)  # the later kept
    assert [s.id for s in sharing.shares_of("p1")] == [won.id]
    assert uow.shares.get(won.id) == lost
    assert [e.kind for e in uow.dashboard_events.newest("doc-1", None, 10)] == [
        DashboardEventKind.SHARED
    ]
    sharing.revoke("p1", won.id)
    assert shared_ids(sharing) == []


def test_the_fake_store_refuses_two_active_shares_of_the_same(
    uow: FakeSharingUnitOfWork,
) -> None:
    twins = [
        Share(f"s{i}", "p1", "doc-1", ShareScope.ALL, None, NOW, NOW + timedelta(days=1))
        for i in (1, 2)
    ]
    with pytest.raises(Conflict), uow:
        for share in twins:
            uow.shares.add(share)
        uow.commit()
    later = Share(
        "s3", "p1", "doc-1", ShareScope.ALL, None, NOW + timedelta(days=2), NOW + timedelta(days=3)
    )
    with uow:
        uow.shares.add(twins[0])
        uow.shares.add(later)  # the first had expired: no conflict
        uow.commit()


def test_only_the_patient_can_revoke_their_share(sharing: SharingService) -> None:
    share = sharing.share("p1", "doc-1", None, None)
    with pytest.raises(ShareNotFound) as error:
        sharing.revoke("p2", share.id)
    assert error.value.code == "SHARE_NOT_FOUND"
    with pytest.raises(ShareNotFound):
        sharing.revoke("p1", "missing")
    assert shared_ids(sharing) == ["a2", "a1"]


def test_an_expired_share_gives_no_access(sharing: SharingService, clock: FakeClock) -> None:
    sharing.share("p1", "doc-1", None, NOW + timedelta(days=1))
    clock.advance(days=1, seconds=-1)
    assert shared_ids(sharing) == ["a2", "a1"]
    clock.advance(seconds=1)
    assert shared_ids(sharing) == []


def test_only_a_dermatologist_with_a_share_passes_the_access_check_and_it_is_audited(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    a1 = uow.analyses.get("a1")
    assert a1 is not None
    sharing.share("p1", "doc-1", None, None)
    assert not sharing.allows_analysis("doc-1", Role.PATIENT, a1)
    assert not sharing.allows_analysis("doc-1", Role.ADMIN, a1)
    assert not sharing.allows_analysis("doc-2", Role.DERMATOLOGIST, a1)
    assert reads_of(uow, "p1") == []
    assert sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a1)
    assert reads_of(uow, "p1") == [("doc-1", Resource.ANALYSIS, "a1")]


def test_the_analysis_service_lets_a_dermatologist_read_through_a_share(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    analyses = AnalysisService(
        FakeAnalysisUnitOfWork(analyses=uow.analyses),
        FakeStorage(),
        FakeEngine(),
        FakeEventBus(),
        clock,
        access=sharing.allows_analysis,
    )
    with pytest.raises(Forbidden):
        analyses.get_for_viewer("doc-1", Role.DERMATOLOGIST, "a1")
    share = sharing.share("p1", "doc-1", "a1", None)
    assert analyses.get_for_viewer("doc-1", Role.DERMATOLOGIST, "a1").id == "a1"
    assert analyses.get_for_viewer("p1", Role.PATIENT, "a1").id == "a1"
    assert reads_of(uow, "p1") == [("doc-1", Resource.ANALYSIS, "a1")]  # the owner is not
    sharing.revoke("p1", share.id)
    with pytest.raises(Forbidden):
        analyses.get_for_viewer("doc-1", Role.DERMATOLOGIST, "a1")


def test_a_media_link_works_only_while_its_viewer_may_see_the_object(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    storage = FakeStorage()
    analyses = AnalysisService(
        FakeAnalysisUnitOfWork(analyses=uow.analyses),
        storage,
        FakeEngine(),
        FakeEventBus(),
        clock,
        access=sharing.allows_analysis,
    )
    media = Media(
        "media-a1",
        "p1",
        MediaKind.PHOTO,
        "image/jpeg",
        3,
        1,
        1,
        "uploads/a1.jpg",
        "uploads/a1-thumb.jpg",
        "k",
        "0" * 64,
        T0,
    )
    with analyses._uow_factory() as analysis_uow:
        analysis_uow.media.add(media)
        analysis_uow.analyses.add_result("a1", {"ok": True}, "overlays/a1.png")
        analysis_uow.commit()
    for name in ("uploads/a1.jpg", "uploads/a1-thumb.jpg", "overlays/a1.png", "uploads/b.jpg"):
        storage.put(name, name.encode(), "image/jpeg")

    def link(name: str, viewer: str, role: Role = Role.DERMATOLOGIST, **via: str) -> MediaGrant:
        return MediaGrant(name, viewer, role, **via)

    doctor_photo = link("uploads/a1.jpg", "doc-1", analysis_id="a1")
    doctor_overlay = link("overlays/a1.png", "doc-1", analysis_id="a1")
    with pytest.raises(MediaAccessEnded):  # no share yet
        analyses.open_object(doctor_photo)
    share = sharing.share("p1", "doc-1", "a1", None)
    assert analyses.open_object(doctor_photo) == b"uploads/a1.jpg"
    assert analyses.open_object(doctor_overlay) == b"overlays/a1.png"
    assert reads_of(uow, "p1") == [("doc-1", Resource.ANALYSIS, "a1")] * 2  # audited reads
    with pytest.raises(MediaAccessEnded):  # the link names its viewer: another one is refused
        analyses.open_object(link("uploads/a1.jpg", "doc-2", analysis_id="a1"))
    with pytest.raises(MediaNotFound):  # an object of no media of that analysis
        analyses.open_object(link("uploads/b.jpg", "doc-1", analysis_id="a1"))
    sharing.revoke("p1", share.id)
    for revoked in (doctor_photo, doctor_overlay):
        with pytest.raises(MediaAccessEnded):
            analyses.open_object(revoked)
    owner_links = (
        link("uploads/a1-thumb.jpg", "p1", Role.PATIENT, media_id="media-a1"),
        link("overlays/a1.png", "p1", Role.PATIENT, analysis_id="a1"),
    )
    assert [analyses.open_object(owned) for owned in owner_links] == [
        b"uploads/a1-thumb.jpg",
        b"overlays/a1.png",
    ]
    with pytest.raises(MediaNotFound):  # a bare upload's link serves only that media's files
        analyses.open_object(link("overlays/a1.png", "p1", Role.PATIENT, media_id="media-a1"))
    del storage.objects["uploads/a1.jpg"]
    with pytest.raises(MediaNotFound):
        analyses.open_object(link("uploads/a1.jpg", "p1", Role.PATIENT, media_id="media-a1"))


def test_patients_are_those_who_booked_or_share_and_reading_them_is_audited(
    uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    appointments = FakeAppointmentsUnitOfWork(
        dermatologist("doc-1"), appointments=uow.appointment_queries, users=uow.users
    )
    AppointmentService(appointments, clock).book(
        "p2", "doc-1", (NOW + timedelta(days=2)).replace(hour=10), ConsultationType.VIDEO
    )
    sharing = SharingService(uow, clock)
    assert [e.user.id for e in sharing.patients("doc-1", None, 10)] == ["p2"]
    sharing.share("p1", "doc-1", None, None)
    assert [e.user.id for e in sharing.patients("doc-1", None, 10)] == ["p1", "p2"]
    assert [
        e.user.id for e in sharing.patients("doc-1", (sort_name("", "p1@example.com"), "p1"), 10)
    ] == ["p2"]
    assert sharing.patients("doc-2", None, 10) == []
    assert ("doc-1", Resource.PROFILE, "p1") in reads_of(uow, "p1")
    assert reads_of(uow, "p2").count(("doc-1", Resource.PROFILE, "p2")) == 3


def test_a_patient_leaves_the_list_when_the_share_ends_and_the_booking_is_cancelled(
    uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    appointments = FakeAppointmentsUnitOfWork(
        dermatologist("doc-1"), appointments=uow.appointment_queries, users=uow.users
    )
    service = AppointmentService(appointments, clock)
    booked = service.book(
        "p1", "doc-1", (NOW + timedelta(days=2)).replace(hour=10), ConsultationType.VIDEO
    )
    sharing = SharingService(uow, clock)
    share = sharing.share("p1", "doc-1", None, None)
    sharing.revoke("p1", share.id)
    assert [e.user.id for e in sharing.patients("doc-1", None, 10)] == ["p1"]  # still booked
    service.cancel("p1", booked.id)
    assert sharing.patients("doc-1", None, 10) == []
    sharing.share("p1", "doc-1", "a1", NOW + timedelta(days=1))
    assert [e.user.id for e in sharing.patients("doc-1", None, 10)] == ["p1"]
    clock.advance(days=2)  # the share expired
    assert sharing.patients("doc-1", None, 10) == []


def test_referrals_are_read_by_their_patient_or_audited_by_the_dermatologist_taken_to(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    referral = Referral(Urgency.SOON, Specialty.ACNE, (), "See a dermatologist.", "")
    with uow:
        uow.referrals.add(ReferralRecord("r1", "p1", "a1", referral, NOW, NOW, doctor_id="doc-1"))
        uow.referrals.add(ReferralRecord("r2", "p2", "b1", referral, NOW, NOW))
        uow.commit()
    assert [r.id for r in sharing.referrals_for("p1", Role.PATIENT, ["r1", "r2"])] == ["r1"]
    assert reads_of(uow, "p1") == []
    assert sharing.referrals_for("doc-1", Role.DERMATOLOGIST, ["r1"]) == []  # not shared
    share = sharing.share("p1", "doc-1", "a1", None)
    assert [r.id for r in sharing.referrals_for("doc-1", Role.DERMATOLOGIST, ["r1", "r2"])] == [
        "r1"
    ]
    assert reads_of(uow, "p1") == [("doc-1", Resource.REFERRAL, "r1")]
    assert sharing.referrals_for("doc-2", Role.DERMATOLOGIST, ["r1", "r2"]) == []
    assert len(sharing.referrals_for("admin", Role.ADMIN, ["r1", "r2"])) == 2
    sharing.revoke("p1", share.id)
    assert sharing.referrals_for("doc-1", Role.DERMATOLOGIST, ["r1"]) == []  # consent ended
    sharing.share("p1", "doc-1", "a2", None)  # another analysis: not this referral's
    assert sharing.referrals_for("doc-1", Role.DERMATOLOGIST, ["r1"]) == []


def test_the_patient_sees_their_access_log_newest_first(
    sharing: SharingService, clock: FakeClock
) -> None:
    sharing.share("p1", "doc-1", None, None)
    shared_ids(sharing)
    clock.advance(hours=1)
    sharing.shared_analyses("doc-1", "p1", None, 1)
    log = sharing.access_log("p1", None, 10)
    assert (log[0].resource_id, log[0].at) == ("a2", clock.now)
    assert len(log) == 3
    older = sharing.access_log("p1", (log[0].at, log[0].id or 0), 10)
    assert older == log[1:]
    assert sharing.access_log("p2", None, 10) == []


def test_a_page_of_shared_analyses_tells_each_patient_as_a_read_of_one_does(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    """A page carries the results (and the photos' links): before, the patient was told of a
    read of one analysis, but not of the same results read a page at a time."""
    sharing.share("p1", "doc-1", None, None)
    sharing.shared_analyses("doc-1", None, None, 1)  # a2 only (a1 tells a next page exists)
    (viewed,) = uow.inbox.newest("p1", None, 10)
    assert viewed.kind is NotificationKind.SHARE_VIEWED
    assert viewed.payload == {"dermatologist_id": "doc-1", "analysis_id": "a2"}
    sharing.shared_analyses("doc-1", None, None, 10)
    a2 = uow.analyses.get("a2")
    assert a2 is not None and sharing.allows_analysis("doc-1", Role.DERMATOLOGIST, a2)
    told = [n.payload["analysis_id"] for n in uow.inbox.newest("p1", None, 10)]
    assert sorted(told) == ["a1", "a2"]  # once per dermatologist and analysis


def test_patients_are_listed_by_name_whatever_its_case_and_paged_on_it(
    uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    """Before, by id: the order of random UUIDs, across pages of 20."""
    names = {
        "u1": "zoë Zimmer",
        "u2": "Adam Abbott",
        "u3": "",
        "u4": "mia Moreau",
        "u5": "Adam Abbott",
    }
    with uow:
        for ident, name in names.items():
            uow.users.add(user(ident, display_name=name))
        uow.commit()
    sharing = SharingService(uow, clock)
    for ident in names:
        sharing.share(ident, "doc-1", None, None)
    first = sharing.patients("doc-1", None, 2)
    assert [e.user.id for e in first] == ["u2", "u5", "u4"]  # ties by id; first + 1
    rest = sharing.patients("doc-1", patient_order(first[1].user), 10)
    assert [e.user.id for e in rest] == ["u4", "u3", "u1"]  # u3 by its email, u3@example.com
    assert reads_of(uow, "u4") == [("doc-1", Resource.PROFILE, "u4")]  # once, on its page


def test_a_dermatologist_is_told_until_when_the_shares_let_them_read_an_analysis(
    sharing: SharingService, clock: FakeClock
) -> None:
    """The web app ends an open shared analysis at that time (before, it showed it on)."""
    soon, later = NOW + timedelta(days=3), NOW + timedelta(days=40)
    sharing.share("p1", "doc-1", "a1", soon)
    sharing.share("p1", "doc-1", None, later)  # every analysis, for longer
    assert sharing.access_until("doc-1", Role.DERMATOLOGIST, "p1", "a1") == later
    assert sharing.access_until("doc-1", Role.DERMATOLOGIST, "p1", "a2") == later
    assert sharing.access_until("doc-2", Role.DERMATOLOGIST, "p1", "a1") is None
    assert sharing.access_until("p1", Role.PATIENT, "p1", "a1") is None
    clock.advance(days=41)
    assert sharing.access_until("doc-1", Role.DERMATOLOGIST, "p1", "a1") is None


def test_an_administrator_reads_anyone_s_access_log_and_nobody_else_does(
    sharing: SharingService,
) -> None:
    """The audit trail: who read which analysis. Before, only the patient could read theirs."""
    sharing.share("p1", "doc-1", None, None)
    shared_ids(sharing)
    own = sharing.access_log("p1", None, 10)
    assert len(own) == 2
    assert sharing.access_log("p1", None, 10, viewer=("admin-1", Role.ADMIN)) == own
    assert sharing.access_log("p1", None, 10, viewer=("p1", Role.PATIENT)) == own
    for viewer in (("p2", Role.PATIENT), ("doc-1", Role.DERMATOLOGIST)):
        with pytest.raises(Forbidden):
            sharing.access_log("p1", None, 10, viewer=viewer)
