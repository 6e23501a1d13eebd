"""The routine a person follows, over weeks: a rating given and taken back, a profile that says
pregnant, each makes the current routine change at once and tells the person, and coming back
to a state they had before makes the routine of that state theirs again."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.content.loader import load_articles
from metskin.domain.content.model import Article
from metskin.domain.messages import Job
from metskin.domain.recommendations.errors import ProductNotFound
from metskin.domain.recommendations.jobs import (
    REFRESH_ROUTINE,
    REFRESH_ROUTINES_WITH,
    WHY_NO_LONGER_SOLD,
    WHY_RATING,
)
from metskin.domain.recommendations.service import RecommendationService
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRecommendationsUnitOfWork
from tests.unit.recommendations.recommendation_builders import INGREDIENTS
from tests.unit.recommendations.service_builders import (
    NOW,
    PRODUCTS,
    chosen,
    recommendations,
    set_profile,
)


def changes(uow: FakeRecommendationsUnitOfWork) -> list[tuple[list[str], list[str]]]:
    """The ROUTINE_CHANGED entries of p1, oldest first: (added, removed)."""
    told = reversed(uow.inbox.newest("p1", None, 20))
    return [
        (t.payload["added"], t.payload["removed"])
        for t in told
        if t.kind.value == "ROUTINE_CHANGED"
    ]


def test_a_rating_taken_back_makes_the_routine_from_before_current_again(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the read answered the first routine again (found by its key), but the person's
    current routine stayed the one without the serum: their history, their check-in date and
    the next "routine changed" were counted from a routine they no longer had."""
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=2)
    service.rate("p1", "retinol-serum", 4, "irritated")
    second = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" not in chosen(second.routine)
    assert service.history("p1", None, 1) == [second]  # current when the rating answered
    clock.advance(days=3)
    service.rate("p1", "retinol-serum", 4, None)  # a mistake: it did not irritate after all
    third = service.recommend("p1", Role.PATIENT, "a1")
    assert third.id == first.id and third.created_at == NOW + timedelta(days=5)
    assert [r.id for r in service.history("p1", None, 5)] == [first.id, second.id]
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == NOW + timedelta(days=5)
    swap = (["am:niacinamide-serum", "pm:niacinamide-serum"], ["pm:retinol-serum"])
    assert changes(uow) == [swap, (swap[1], swap[0])]
    assert service.recommend("p1", Role.PATIENT, "a1") == third  # read again: nothing new
    assert len(changes(uow)) == 2
    # Irritated again: the routine without it is current again, and told again.
    clock.advance(days=1)
    service.rate("p1", "retinol-serum", 1, "irritated")
    assert service.recommend("p1", Role.PATIENT, "a1").id == second.id
    assert changes(uow)[-1] == swap and len(changes(uow)) == 3


def test_an_earlier_state_of_an_older_analysis_stays_a_read_only_answer(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Only the latest analysis's routine may become current again."""
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=1)
    current = service.recommend("p1", Role.PATIENT, "a2")
    assert service.recommend("p1", Role.PATIENT, "a1").id == first.id
    assert [r.id for r in service.history("p1", None, 5)] == [current.id, first.id]


def test_a_profile_change_or_a_rating_rebuilds_the_current_routine_at_once(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """A person who says they are pregnant had retinol in the routine they follow until they
    happened to open it again; now the job the profile change queues rebuilds it and tells
    them."""
    service.recommend("p1", Role.PATIENT, "a1")
    set_profile(uow, "p1", pregnant=True)
    clock.advance(days=1)
    rebuilt = service.refresh_current("p1")
    assert rebuilt is not None and "retinol-serum" not in chosen(rebuilt.routine)
    assert service.history("p1", None, 1) == [rebuilt]
    assert [removed for _added, removed in changes(uow)] == [["pm:retinol-serum"]]
    reasons = {e["rule_id"] for e in rebuilt.routine["excluded"]}
    assert any("pregnan" in rule for rule in reasons), reasons
    assert service.refresh_current("p1") == rebuilt  # nothing changed since: the same one
    assert service.refresh_current("p2") is None  # no routine yet: nothing to rebuild


def test_a_rating_that_turns_a_product_down_or_back_rebuilds_the_routine_before_answering(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """In the request, not a job: the routine page the person reads next shows it, and the
    change says it was their rating."""
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(hours=1)
    service.rate("p1", "retinol-serum", 4, "worked")
    assert service.history("p1", None, 5) == [first]  # a liked product changes no routine
    service.rate("p1", "retinol-serum", 4, "irritated")
    (now,) = service.history("p1", None, 1)
    assert "retinol-serum" not in chosen(now.routine)
    (told,) = uow.inbox.newest("p1", None, 10)
    assert told.payload["why"] == WHY_RATING
    service.rate("p1", "retinol-serum", 2, None)  # still turned down: the same routine
    assert service.history("p1", None, 1) == [now]
    assert service.rate("p2", "retinol-serum", 1, "irritated")  # no routine yet: rated
    assert not [job for job in uow.jobs if job.actor == REFRESH_ROUTINE]


def test_a_rating_taken_back_is_forgotten_and_the_product_comes_back(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, a rating could only be replaced by another: a person who said "irritated" by
    mistake had to give the product a made-up rating to have it back."""
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(hours=1)
    service.rate("p1", "retinol-serum", 1, "irritated")
    service.rate("p1", "niacinamide-serum", 5, "worked")
    assert "retinol-serum" not in chosen(service.history("p1", None, 1)[0].routine)
    clock.advance(days=1)
    assert service.unrate("p1", "retinol-serum") is True
    assert [f.product_id for f in uow.feedback.for_user("p1")] == ["niacinamide-serum"]
    assert service.history("p1", None, 1) == [replace(first, created_at=clock())]
    assert service.unrate("p1", "retinol-serum") is False  # nothing left to take back
    assert service.unrate("p1", "niacinamide-serum") is True  # kept nothing out: same routine
    assert service.history("p1", None, 1) == [replace(first, created_at=clock())]


def test_a_new_wording_price_or_article_title_keeps_the_check_in_date(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, an editor fixing an article's title (linked from a tip), a new exchange rate or
    a corrected birth year saved a new routine with the same products on the person's next
    read, and that restarted their check-in count: three weeks into four, due in four again.
    The count restarts only with a new analysis or other products."""
    titles = {"suffix": ""}

    def articles() -> list[Article]:
        return [replace(a, title=a.title + titles["suffix"]) for a in load_articles()]

    service = recommendations(uow, clock, articles=articles)
    service.load_catalog(INGREDIENTS, PRODUCTS)
    first = service.recommend("p1", Role.PATIENT, "a1")
    assert any(tip["articles"] for tip in first.routine["tips"])
    clock.advance(days=21)
    titles["suffix"] = " (updated)"
    set_profile(uow, "p1", birth_year=1991)
    second = service.recommend("p1", Role.PATIENT, "a1")
    assert second.id != first.id and chosen(second.routine) == chosen(first.routine)
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == first.created_at  # not restarted
    assert changes(uow) == []
    clock.advance(days=1)
    other = service.recommend("p1", Role.PATIENT, "a2")  # a new analysis: the count restarts
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == other.created_at


def test_a_product_taken_off_sale_leaves_the_routines_that_use_it_told_why(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the routine a person followed kept a product no longer sold (its step's product
    unknown) until they opened it again, and the change then said nothing of why."""
    first = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" in chosen(first.routine)
    clock.advance(days=1)
    service.remove_product("retinol-serum")
    assert uow.jobs[-1] == Job(REFRESH_ROUTINES_WITH, {"product_id": "retinol-serum"})
    assert service.refresh_following("retinol-serum") == 1
    (now,) = service.history("p1", None, 1)
    assert "retinol-serum" not in chosen(now.routine)
    (told,) = uow.inbox.newest("p1", None, 10)
    assert told.payload["why"] == WHY_NO_LONGER_SOLD
    assert "pm:retinol-serum" in told.payload["removed"]
    assert service.refresh_following("retinol-serum") == 0  # its routine no longer has it
    assert service.refresh_following("plain-spf") == 1  # rebuilt already: nothing new
    assert len(uow.inbox.newest("p1", None, 10)) == 1


def test_a_product_no_longer_sold_can_still_be_rated_and_stays_out_if_it_returns(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Before: `PRODUCT_NOT_FOUND` for the serum the person used until it left the catalog."""
    service.recommend("p1", Role.PATIENT, "a1")
    service.remove_product("retinol-serum")
    rated = service.rate("p1", "retinol-serum", 1, "irritated")
    assert rated.product_id == "retinol-serum"
    with pytest.raises(ProductNotFound):
        service.rate("p1", "never-sold", 3, None)
    service.load_catalog(INGREDIENTS, PRODUCTS)  # back on sale
    clock.advance(days=1)
    assert "retinol-serum" not in chosen(service.recommend("p1", Role.PATIENT, "a1").routine)
