"""ReferralService on the fakes: triage of stored results against the person's history."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from tests.fakes.analysis import FakeAnalysisRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.infra import FakeClock
from tests.fakes.referrals import FakeReferralsUnitOfWork
from tests.unit.builders import T0, analysis, result

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.errors import Forbidden, NotFound
from metskin.domain.referrals.errors import ReferralNotFound
from metskin.domain.referrals.model import Answers, ReferralRecord, Specialty, Urgency
from metskin.domain.referrals.service import ReferralService

NOW = T0 + timedelta(days=120)
CALM = result(acne={"score": 20.0, "measurements": {"lesion_count": 4}}, redness=10.0)
NODULES = result(acne={"score": 40.0, "measurements": {"lesion_count": 12, "nodule_count": 2}})


def with_spot(area_mm2: float, darkness: float = 50.0) -> dict[str, Any]:
    return {**CALM, "spots": [{"x": 0.40, "y": 0.50, "area_mm2": area_mm2, "darkness": darkness}]}


@pytest.fixture
def uow() -> FakeReferralsUnitOfWork:
    return FakeReferralsUnitOfWork()


@pytest.fixture
def referrals(uow: FakeReferralsUnitOfWork, clock: FakeClock) -> ReferralService:
    return ReferralService(uow, clock)


def store(
    uow: FakeReferralsUnitOfWork,
    analysis_id: str,
    stored: dict[str, Any] | None,
    owner: str = "p1",
    days: float = 100,
    status: AnalysisStatus = AnalysisStatus.DONE,
) -> None:
    with uow:
        uow.analyses.add(analysis(analysis_id, owner, days=days, status=status))
        if stored is not None:
            uow.analyses.add_result(analysis_id, stored, None)
        uow.commit()


def referred(uow: FakeReferralsUnitOfWork, referrals: ReferralService) -> ReferralRecord:
    """The referral raised for p1's analysis a1, stored with nodules (a red flag)."""
    store(uow, "a1", NODULES)
    record = referrals.for_analysis("p1", "a1")
    assert record is not None
    return record


def test_calm_skin_suggests_no_referral_and_stores_nothing(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    store(uow, "a1", CALM)
    commits = uow.commits
    assert referrals.for_analysis("p1", "a1") is None
    assert uow.referrals.get_for_analysis("a1") is None and uow.commits == commits


def test_a_red_flag_in_the_stored_result_raises_a_referral_once(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    record = referred(uow, referrals)
    assert (record.patient_id, record.analysis_id) == ("p1", "a1")
    assert record.referral.urgency is Urgency.SOON
    assert record.referral.specialty is Specialty.ACNE
    assert [r.rule_id for r in record.referral.reasons] == ["acne_nodules"]
    assert record.referral.reasons[0].evidence["acne_nodules"] == 2
    assert (record.created_at, record.updated_at) == (NOW, NOW)
    assert uow.referrals.get_for_analysis("a1") == record
    commits = uow.commits
    assert referrals.for_analysis("p1", "a1") == record  # stored: not triaged again
    assert uow.commits == commits and len(uow.referrals.rows) == 1
    (told,) = uow.inbox.newest("p1", None, 10)  # the patient's inbox, once
    assert told.kind.value == "REFERRAL_RAISED"
    assert told.payload == {"referral_id": record.id, "analysis_id": "a1", "urgency": "SOON"}


def test_a_spot_that_grew_since_an_earlier_analysis_is_urgent(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    store(uow, "before", with_spot(20.0), days=40)
    store(uow, "now", with_spot(26.0), days=100)
    record = referrals.for_analysis("p1", "now")
    assert record is not None
    assert record.referral.urgency is Urgency.URGENT
    assert record.referral.specialty is Specialty.SKIN_CANCER
    assert record.referral.reasons[0].rule_id == "spot_changing"
    assert record.referral.reasons[0].evidence["area_ratio"] == 1.3
    # The earlier analysis alone has nothing to compare against.
    assert referrals.for_analysis("p1", "before") is None


def test_history_of_someone_else_or_unfinished_is_not_compared(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    store(uow, "theirs", with_spot(20.0), owner="p2", days=40)
    store(uow, "running", with_spot(20.0), days=50, status=AnalysisStatus.RUNNING)
    store(uow, "now", with_spot(26.0), days=100)
    assert referrals.for_analysis("p1", "now") is None


def test_only_the_owner_triages_their_analysis(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    store(uow, "a1", NODULES)
    with pytest.raises(NotFound):
        referrals.for_analysis("p2", "a1")
    with pytest.raises(NotFound):
        referrals.for_analysis("p1", "missing")
    with pytest.raises(NotFound):
        referrals.submit_answers("p2", "a1", Answers(self_harm_thoughts=True))
    assert uow.referrals.rows == {}


@pytest.mark.parametrize(
    ("status", "stored"),
    [
        (AnalysisStatus.RUNNING, None),
        (AnalysisStatus.FAILED, None),
        (AnalysisStatus.DONE, None),  # finished but without a stored result
        (AnalysisStatus.RUNNING, NODULES),  # a result, but the run is not marked done
    ],
)
def test_an_unfinished_analysis_is_not_ready(
    referrals: ReferralService,
    uow: FakeReferralsUnitOfWork,
    status: AnalysisStatus,
    stored: dict[str, Any] | None,
) -> None:
    store(uow, "a1", stored, status=status)
    with pytest.raises(AnalysisNotReady) as error:
        referrals.for_analysis("p1", "a1")
    assert error.value.code == "ANALYSIS_NOT_READY"
    with pytest.raises(AnalysisNotReady):
        referrals.submit_answers("p1", "a1", Answers(self_harm_thoughts=True))


def test_answers_raise_a_referral_the_photo_alone_did_not(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    store(uow, "a1", CALM)
    assert referrals.submit_answers("p1", "a1", Answers(distress_low_mood=1)) is None
    answers = Answers(self_harm_thoughts=True)
    record = referrals.submit_answers("p1", "a1", answers)
    assert record is not None and record.referral.urgency is Urgency.URGENT
    assert record.answers == answers
    assert uow.referrals.get_for_analysis("a1") == record


def test_answers_update_the_stored_referral_in_place(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork, clock: FakeClock
) -> None:
    first = referred(uow, referrals)
    clock.advance(days=1)
    updated = referrals.submit_answers("p1", "a1", Answers(self_harm_thoughts=True))
    assert updated is not None and updated.id == first.id
    assert updated.referral.urgency is Urgency.URGENT
    assert (updated.created_at, updated.updated_at) == (NOW, clock.now)
    assert {r.rule_id for r in updated.referral.reasons} == {"acne_nodules", "self_harm"}
    assert len(uow.referrals.rows) == 1 and uow.referrals.get(first.id) == updated


def test_a_referral_stored_by_a_parallel_request_wins(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = referred(uow, referrals)
    real_get = uow.referrals.get_for_analysis
    calls: list[str] = []

    def not_yet_visible(analysis_id: str) -> ReferralRecord | None:
        calls.append(analysis_id)
        return None if len(calls) == 1 else real_get(analysis_id)

    monkeypatch.setattr(uow.referrals, "get_for_analysis", not_yet_visible)
    assert referrals.for_analysis("p1", "a1") == winner
    assert list(uow.referrals.rows) == [winner.id]


def test_the_patient_pages_through_their_referrals_newest_first(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork, clock: FakeClock
) -> None:
    for name, days in (("a1", 10), ("a2", 20), ("a3", 30)):
        store(uow, name, NODULES, days=days)
        clock.advance(hours=1)
        referrals.for_analysis("p1", name)
    store(uow, "b1", NODULES, owner="p2")
    referrals.for_analysis("p2", "b1")
    page = referrals.mine("p1", None, 2)
    assert [r.analysis_id for r in page] == ["a3", "a2"]
    rest = referrals.mine("p1", (page[-1].created_at, page[-1].id), 2)
    assert [r.analysis_id for r in rest] == ["a1"]
    assert [r.id for r in referrals.get_many([page[0].id, "missing"])] == [page[0].id]


def test_a_referral_is_read_by_its_patient_or_an_admin(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork
) -> None:
    record = referred(uow, referrals)
    assert referrals.get_for_viewer("p1", Role.PATIENT, record.id) == record
    assert referrals.get_for_viewer("admin", Role.ADMIN, record.id) == record
    with pytest.raises(Forbidden):
        referrals.get_for_viewer("p2", Role.PATIENT, record.id)
    with pytest.raises(ReferralNotFound) as error:
        referrals.get_for_viewer("p1", Role.PATIENT, "missing")
    assert error.value.code == "REFERRAL_NOT_FOUND"


def referral_news(uow: FakeReferralsUnitOfWork) -> list[tuple[str, str]]:
    """What the patient p1 was told of referrals: (analysis, urgency), oldest first."""
    told = [n for n in uow.inbox.newest("p1", None, 50) if n.kind.value == "REFERRAL_RAISED"]
    return [(n.payload["analysis_id"], n.payload["urgency"]) for n in reversed(told)]


def test_the_same_flag_on_the_next_analyses_is_shown_but_not_told_again(
    referrals: ReferralService, uow: FakeReferralsUnitOfWork, clock: FakeClock
) -> None:
    """Nodules on every weekly photo raised a referral, and 'a dermatologist visit is
    suggested' in the inbox, each time (also after booking for the first one). The referral
    stays with each analysis; the person is told again only of something new: another flag,
    a higher urgency, or the same flag once the first advice's time (SOON: 4 weeks) ran out."""
    referred(uow, referrals)
    for week in (1, 2):
        clock.now = NOW + timedelta(weeks=week)
        store(uow, f"w{week}", NODULES, days=100 + 7 * week)
        again = referrals.for_analysis("p1", f"w{week}")
        assert again is not None and uow.referrals.get_for_analysis(f"w{week}") == again
    assert referral_news(uow) == [("a1", "SOON")]

    clock.now = NOW + timedelta(weeks=3)
    store(uow, "sore", NODULES, days=121)
    answered = referrals.submit_answers("p1", "sore", Answers(sore_not_healing_weeks=6))
    assert answered is not None and answered.referral.urgency is Urgency.SOON
    assert referral_news(uow)[-1] == ("sore", "SOON")  # a new flag (a sore not healing): told

    clock.now = NOW + timedelta(weeks=8)  # the last one's advice (2 to 4 weeks) has run out
    store(uow, "later", NODULES, days=156)
    referrals.for_analysis("p1", "later")
    assert referral_news(uow)[-1] == ("later", "SOON")


def test_a_worsening_is_not_read_across_photos_of_two_people() -> None:
    """Before: the partner's photo on the person's account read as their redness worsening
    across three analyses (10, 12, then the partner's 70) and raised a referral, while the
    progress page said the photos may not be of the same person and called no change."""
    from tests.unit.progress.test_identity import someone_else
    from tests.unit.progress.test_progress import face_points, stored

    face = face_points()
    for partner, expected in ((face, True), (someone_else(face), False)):
        uow = FakeReferralsUnitOfWork()
        for name, days, points, redness in (
            ("first", 10, face, 10.0),
            ("second", 40, face, 12.0),
            ("third", 70, partner, 70.0),
        ):
            store(uow, name, stored(redness, points=points), days=days)
        record = ReferralService(uow, FakeClock(NOW)).for_analysis("p1", "third")
        rules = [r.rule_id for r in record.referral.reasons] if record else []
        assert any(rule.endswith("_worsening") for rule in rules) is expected, rules


def forget(uow: FakeReferralsUnitOfWork, analysis_id: str) -> None:
    """The photo of an analysis deleted, as `PrivacyService.delete_analysis` does to the rows."""
    analyses = uow.analyses
    assert isinstance(analyses, FakeAnalysisRepository)
    with uow:
        analyses.rows.pop(analysis_id)
        analyses.results.pop(analysis_id)
        uow.commit()


def test_a_referral_is_worked_again_when_a_photo_it_rests_on_is_deleted() -> None:
    """Before: the worsening referral kept "across your last 4 analyses", and the deleted
    photo's own value, after that photo was deleted (triage ran only when the result was
    read). Now it is worked out from the photos left, keeping its id; and when nothing left
    supports it, it is withdrawn and the person told once."""
    from tests.unit.progress.test_progress import face_points, stored

    face = face_points()
    uow = FakeReferralsUnitOfWork()
    clock = FakeClock(NOW)
    service = ReferralService(uow, clock)
    for name, days, redness in (("zero", 5, 8.0), ("one", 10, 10.0), ("two", 40, 12.0)):
        store(uow, name, stored(redness, points=face), days=days)
    store(uow, "last", stored(70.0, points=face), days=70)
    raised = service.for_analysis("p1", "last")
    assert raised is not None
    (before,) = [r for r in raised.referral.reasons if r.rule_id == "concern_worsening"]
    assert (before.evidence["analyses"], before.evidence["first"]) == (4, 8.0)

    forget(uow, "zero")
    assert service.after_photo_deleted("p1", T0 + timedelta(days=5)) == []
    reworked = uow.referrals.get(raised.id)
    assert reworked is not None and reworked.updated_at == NOW
    (after,) = [r for r in reworked.referral.reasons if r.rule_id == "concern_worsening"]
    assert (after.evidence["analyses"], after.evidence["first"]) == (3, 10.0)
    assert "8.0" not in after.text and "last 3 analyses" in after.text

    forget(uow, "two")
    clock.now = NOW + timedelta(hours=1)
    assert service.after_photo_deleted("p1", T0 + timedelta(days=40)) == [raised.id]
    assert uow.referrals.get(raised.id) is None
    inbox = uow.inbox
    assert isinstance(inbox, FakeInbox)
    assert inbox.kinds("p1") == ["REFERRAL_RAISED", "REFERRAL_WITHDRAWN"]
    assert service.after_photo_deleted("p1", None) == []  # nothing more to withdraw
    assert service.for_analysis("p1", "last") is None  # read again, nothing is raised


def test_a_referral_made_before_the_deleted_photo_is_not_worked_again() -> None:
    """Only the referrals whose history could have held the photo change: an earlier one is
    left as it was, even were the rules to read it otherwise now."""
    uow = FakeReferralsUnitOfWork()
    service = ReferralService(uow, FakeClock(NOW))
    store(uow, "a1", NODULES, days=10)
    record = service.for_analysis("p1", "a1")
    assert record is not None
    with uow:
        changed = uow.referrals.get(record.id)
        assert changed is not None
        changed.referral = replace(changed.referral, message="as the rules said then")
        uow.referrals.save(changed)
        uow.commit()
    store(uow, "later", CALM, days=50)
    forget(uow, "later")
    service.after_photo_deleted("p1", T0 + timedelta(days=50))
    kept = uow.referrals.get(record.id)
    assert kept is not None and kept.referral.message == "as the rules said then"
