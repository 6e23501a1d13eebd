"""The dermatologist's side on the fakes: a share that runs out is told on the dashboard, the
patients list says until when each one shares, referrals to see first, and the access log
says which part of an analysis each read fetched."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Media, MediaGrant, MediaKind
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.appointments.dashboard import DashboardEventKind, wake_up
from metskin.domain.audit.model import AccessPart, Resource
from metskin.domain.referrals.model import Referral, ReferralRecord, Specialty, Urgency
from metskin.domain.sharing.ends import ShareEndScanner
from metskin.domain.sharing.service import SharingService
from tests.fakes.analysis import FakeAnalysisUnitOfWork
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
        for person in ("p1", "p2", "p3"):
            uow.users.add(user(person))
        uow.analyses.add(analysis("a1", "p1", days=1))
        uow.analyses.add(analysis("b1", "p2", days=1))
        uow.analyses.add(analysis("c1", "p3", days=1))
        uow.commit()
    return uow


@pytest.fixture
def sharing(uow: FakeSharingUnitOfWork, clock: FakeClock) -> SharingService:
    return SharingService(uow, clock)


def test_a_share_that_runs_out_is_told_on_the_dashboard_once_at_its_expiry(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    scanner = ShareEndScanner(uow, clock)
    ends = sharing.share("p1", "doc-1", "a1", NOW + timedelta(hours=1))
    revoked = sharing.share("p2", "doc-1", None, NOW + timedelta(hours=1))
    sharing.revoke("p2", revoked.id)
    sharing.share("p3", "doc-1", None, NOW + timedelta(days=3))  # still runs
    assert scanner.scan_once() == 0
    clock.advance(hours=2)
    uow.released.clear()
    assert scanner.scan_once() == 1
    event = uow.dashboard_events.newest("doc-1", None, 1)[0]
    assert event.kind is DashboardEventKind.SHARE_EXPIRED
    assert event.at == ends.expires_at
    assert event.payload == {
        "share_id": ends.id,
        "patient_id": "p1",
        "analysis_id": "a1",
        "scope": "ANALYSIS",
    }
    assert uow.released == [wake_up("doc-1")]  # the live stream reads it at once
    assert scanner.scan_once() == 0  # told once
    kinds = [e.kind for e in uow.dashboard_events.newest("doc-1", None, 10)]
    assert kinds.count(DashboardEventKind.SHARE_EXPIRED) == 1  # not for the revoked one


def test_another_scan_that_took_the_share_first_is_not_told_twice(
    sharing: SharingService, uow: FakeSharingUnitOfWork, clock: FakeClock
) -> None:
    share = sharing.share("p1", "doc-1", None, NOW + timedelta(hours=1))
    clock.advance(hours=2)
    assert uow.shares.mark_end_told(share.id, clock())  # as another worker's scan did
    assert ShareEndScanner(uow, clock).scan_once() == 0


def test_the_patients_list_says_until_when_each_patient_shares(
    sharing: SharingService, clock: FakeClock
) -> None:
    sharing.share("p1", "doc-1", "a1", NOW + timedelta(days=3))
    sharing.share("p1", "doc-1", None, NOW + timedelta(days=10))
    sharing.share("p2", "doc-1", None, NOW + timedelta(days=1))
    sharing.share("p2", "doc-2", None, NOW + timedelta(days=50))  # another dermatologist's
    until = {e.user.id: e.shares_until for e in sharing.patients("doc-1", None, 10)}
    assert until == {"p1": NOW + timedelta(days=10), "p2": NOW + timedelta(days=1)}


def referral(record_id: str, patient: str, analysis_id: str, urgency: Urgency, days: float):
    at = NOW - timedelta(days=days)
    said = Referral(urgency, Specialty.ACNE, (), "See a dermatologist.", "")
    return ReferralRecord(record_id, patient, analysis_id, said, at, at, doctor_id="doc-1")


def test_referrals_to_see_first_the_most_urgent_on_top_the_referral_only_under_a_share(
    sharing: SharingService, uow: FakeSharingUnitOfWork
) -> None:
    with uow:
        uow.referrals.add(referral("soon", "p1", "a1", Urgency.SOON, days=1))
        uow.referrals.add(referral("urgent", "p2", "b1", Urgency.URGENT, days=2))
        uow.referrals.add(referral("routine", "p3", "c1", Urgency.ROUTINE, days=0))
        uow.referrals.add(referral("old", "p3", "c1x", Urgency.URGENT, days=8))  # advice over
        other = referral("elsewhere", "p3", "c1y", Urgency.URGENT, days=0)
        uow.referrals.add(ReferralRecord(**{**other.__dict__, "doctor_id": "doc-2"}))
        uow.commit()
    sharing.share("p1", "doc-1", None, None)
    found = sharing.urgent_referrals("doc-1")
    assert [(u.id, u.urgency) for u in found] == [
        ("urgent", Urgency.URGENT),
        ("soon", Urgency.SOON),
    ]
    assert found[0].record is None  # p2 shares nothing: the fact of it, and whose
    assert found[0].patient_id == "p2"
    assert found[1].record is not None and found[1].record.id == "soon"
    log = uow.access_log.list_for_patient("p1", None, 10)
    assert [(e.resource, e.resource_id) for e in log] == [(Resource.REFERRAL, "soon")]
    assert uow.access_log.list_for_patient("p2", None, 10) == []


def test_each_audited_read_of_an_analysis_says_what_it_fetched(
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
    names = ("uploads/a1.jpg", "uploads/a1-thumb.jpg", "overlays/a1.png")
    media = Media(
        "media-a1", "p1", MediaKind.PHOTO, "image/jpeg", 3, 1, 1, *names[:2], "k", "0" * 64, T0
    )
    with analyses._uow_factory() as analysis_uow:
        analysis_uow.media.add(media)
        analysis_uow.analyses.add_result("a1", {"ok": True}, names[2])
        analysis_uow.commit()
    for name in names:
        storage.put(name, name.encode(), "image/jpeg")
    sharing.share("p1", "doc-1", None, None)
    analyses.get_for_viewer("doc-1", Role.DERMATOLOGIST, "a1")
    for name in names:
        analyses.open_object(MediaGrant(name, "doc-1", Role.DERMATOLOGIST, analysis_id="a1"))
    sharing.shared_analyses("doc-1", "p1", None, 10)
    log = uow.access_log.list_for_patient("p1", None, 10)
    assert [(e.resource, e.part) for e in reversed(log)] == [
        (Resource.ANALYSIS, AccessPart.RESULT),
        (Resource.ANALYSIS, AccessPart.PHOTO),
        (Resource.ANALYSIS, AccessPart.THUMBNAIL),
        (Resource.ANALYSIS, AccessPart.OVERLAY),
        (Resource.ANALYSIS, AccessPart.RESULT),
    ]
