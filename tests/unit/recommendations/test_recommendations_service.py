"""RecommendationService on the fakes: a routine from a stored result and the profile, saved
once per profile state; feedback; the catalog kept in the store."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from metskin.domain.accounts.model import Profile, Role
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import Analysis
from metskin.domain.errors import Forbidden, NotFound, ValidationFailed
from metskin.domain.recommendations.errors import InvalidProduct, ProductNotFound, RetakeNeeded
from metskin.domain.recommendations.feedback import Feedback
from metskin.domain.recommendations.model import ProductFilter
from metskin.domain.recommendations.payload import profile_hash
from metskin.domain.recommendations.service import (
    RecommendationService,
    care_profile,
    needs_from_result,
)
from tests.fakes.infra import FakeClock
from tests.fakes.recommendations import FakeRanker, FakeRecommendationsUnitOfWork
from tests.unit.builders import T0, result
from tests.unit.recommendations.recommendation_builders import INGREDIENTS, product
from tests.unit.recommendations.service_builders import (
    NOW,
    PRODUCTS,
    WRINKLES,
    chosen,
    recommendations,
    set_profile,
)
from tests.unit.recommendations.test_recommendations_safety import rule_hit


def test_a_routine_is_built_from_the_stored_result_and_saved_once(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    saved = service.recommend("p1", Role.PATIENT, "a1")
    assert (saved.user_id, saved.analysis_id, saved.created_at) == ("p1", "a1", NOW)
    steps = saved.routine["am"] + saved.routine["pm"]
    assert {"plain-cleanser", "plain-moisturiser", "plain-spf"} <= chosen(saved.routine)
    assert "retinol-serum" in chosen(saved.routine)  # the wrinkles measured in the photo
    assert [s["slot"] for s in saved.routine["am"]][-1] == "sunscreen"
    assert all(s["why"] for s in steps)
    again = service.recommend("p1", Role.PATIENT, "a1")
    assert again == saved and len(uow.routines.rows) == 1


def test_the_result_decides_the_treatments(service: RecommendationService) -> None:
    dry = service.recommend("p1", Role.PATIENT, "a2")
    assert chosen(dry.routine) == {"plain-cleanser", "plain-moisturiser", "plain-spf"}


def test_the_profile_keeps_unsafe_products_out_and_a_new_profile_saves_a_new_routine(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    before = service.recommend("p1", Role.PATIENT, "a1")
    set_profile(uow, "p1", pregnant=True)
    pregnant = service.recommend("p1", Role.PATIENT, "a1")
    assert pregnant.id != before.id and pregnant.profile_hash != before.profile_hash
    assert "retinol-serum" not in chosen(pregnant.routine)
    assert "pregnancy.no_retinoids" in {e["rule_id"] for e in pregnant.routine["excluded"]}
    assert any("pregnan" in w for w in pregnant.routine["warnings"])
    assert {r.id for r in service.history("p1", None, 10)} == {pregnant.id, before.id}


def test_history_is_newest_first_in_keyset_pages(
    service: RecommendationService, clock: FakeClock
) -> None:
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(hours=1)
    second = service.recommend("p1", Role.PATIENT, "a2")
    page = service.history("p1", None, 1)
    assert [r.id for r in page] == [second.id]
    assert [r.id for r in service.history("p1", (page[0].created_at, page[0].id), 5)] == [first.id]
    assert service.history("p2", None, 5) == []


@pytest.mark.parametrize(
    ("viewer", "analysis_id", "error", "code"),
    [
        ("p1", "running", AnalysisNotReady, "ANALYSIS_NOT_READY"),  # unfinished
        ("p1", "bad", RetakeNeeded, "RETAKE_NEEDED"),  # unusable
        ("p1", "failed", RetakeNeeded, "RETAKE_NEEDED"),  # failed: not "not finished yet"
        ("p2", "a1", Forbidden, "FORBIDDEN"),  # only the owner
        ("p1", "missing", NotFound, "ANALYSIS_NOT_FOUND"),
    ],
)
def test_no_routine_for_an_unfinished_unusable_missing_or_someone_elses_analysis(
    service: RecommendationService,
    uow: FakeRecommendationsUnitOfWork,
    viewer: str,
    analysis_id: str,
    error: type[Exception],
    code: str,
) -> None:
    with pytest.raises(error) as refused:
        service.recommend(viewer, Role.PATIENT, analysis_id)
    assert refused.value.code == code  # type: ignore[attr-defined]
    assert uow.routines.rows == {}


def test_the_pipeline_step_saves_a_routine_only_for_a_usable_result(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    stored = uow.analyses.get("bad")
    assert stored is not None
    service.after_measuring(stored, result(ok=False))
    assert uow.routines.rows == {}
    service.after_measuring(stored, WRINKLES)
    (saved,) = uow.routines.rows.values()
    assert saved.analysis_id == "bad" and "retinol-serum" in chosen(saved.routine)


def test_a_ranker_can_change_the_pick_and_names_its_model_version(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    ranker = FakeRanker({"niacinamide-serum": 100.0})
    service = recommendations(uow, clock, ranker_for=lambda _user: (ranker, "ranker-v7"))
    service.load_catalog(INGREDIENTS, PRODUCTS)
    saved = service.recommend("p1", Role.PATIENT, "a1")
    assert saved.model_version == "ranker-v7" and ranker.calls > 0
    assert "niacinamide-serum" in chosen(saved.routine)
    assert "retinol-serum" not in chosen(saved.routine)


def test_an_allergy_keeps_the_product_out(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    set_profile(uow, "p1", allergies=["Retinol"])
    saved = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" not in chosen(saved.routine)
    assert "retinol-serum" in {e["product_id"] for e in saved.routine["excluded"]}


def test_feedback_is_recorded_for_a_known_product(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    feedback = service.rate("p1", "retinol-serum", 2, "irritated")
    assert feedback == Feedback("p1", "retinol-serum", 2, "irritated", NOW)
    assert uow.feedback.for_user("p1") == [feedback]
    assert list(uow.feedback.iter_all(batch=1)) == [feedback]
    with pytest.raises(ProductNotFound):
        service.rate("p1", "no-such-product", 4, None)
    with pytest.raises(ValidationFailed):
        service.rate("p1", "retinol-serum", 6, None)
    with pytest.raises(ValidationFailed):
        service.rate("p1", "retinol-serum", 4, "loved it")
    assert uow.feedback.for_user("p1") == [feedback] and uow.feedback.for_user("p2") == []


@pytest.mark.parametrize(("rating", "outcome"), [(4, "irritated"), (2, None), (1, "stopped")])
def test_a_product_the_person_found_irritating_or_rated_low_stays_out_of_their_routines(
    service: RecommendationService, rating: int, outcome: str | None
) -> None:
    first = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" in chosen(first.routine)
    service.rate("p1", "retinol-serum", rating, outcome)
    again = service.recommend("p1", Role.PATIENT, "a1")
    assert again.profile_hash != first.profile_hash  # the ratings are part of the profile
    assert "retinol-serum" not in chosen(again.routine)
    (why,) = [e for e in again.routine["excluded"] if e["product_id"] == "retinol-serum"]
    assert why["rule_id"] == rule_hit("feedback.irritated_or_rated_low")
    assert "irritated your skin" in why["reason"]
    service.rate("p1", "retinol-serum", 5, "worked")  # the latest rating counts
    assert "retinol-serum" in chosen(service.recommend("p1", Role.PATIENT, "a1").routine)


def test_rating_a_product_again_updates_the_one_rating(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    service.rate("p1", "retinol-serum", 2, "irritated")
    service.rate("p1", "niacinamide-serum", 4, None)
    again = service.rate("p1", "retinol-serum", 5, "worked")
    stored = list(uow.feedback.iter_all())
    assert sorted((f.product_id, f.rating, f.outcome) for f in stored) == [
        ("niacinamide-serum", 4, None),
        ("retinol-serum", 5, "worked"),
    ]
    assert again in stored


def test_the_catalog_is_searched_by_filter_in_id_order(service: RecommendationService) -> None:
    serums = service.search(ProductFilter(slot="serum"), None, 10)
    assert [p.id for p in serums] == ["niacinamide-serum", "retinol-serum"]
    assert [p.id for p in service.search(ProductFilter(slot="serum"), "niacinamide-serum", 10)] == [
        "retinol-serum"
    ]
    safe = service.search(ProductFilter(slot="serum", pregnancy_safe=True), None, 10)
    assert [p.id for p in safe] == ["niacinamide-serum"]
    assert [p.id for p in service.search(ProductFilter(concern="pigmentation"), None, 10)] == [
        "niacinamide-serum"
    ]
    assert [p.id for p in service.search(ProductFilter(max_price=Decimal("10")), None, 10)] == [
        "plain-cleanser"
    ]
    assert [p.id for p in service.search(ProductFilter(text="retinol"), None, 10)] == [
        "retinol-serum"
    ]
    assert [
        p.id
        for p in service.search(
            ProductFilter(slot="serum", exclude_ingredients=("retinol",)), None, 10
        )
    ] == ["niacinamide-serum"]


def test_ingredients_to_exclude_are_found_as_allergies_are(service: RecommendationService) -> None:
    """Plurals, hyphens, classes and common names, not only the exact INCI name."""
    service.save_product(
        product("bha-toner", "toner", [("Salicylic Acid", 1.0)], extra_inci=["Parfum"])
    )

    def left_out(*names: str) -> set[str]:
        kept = service.search(ProductFilter(exclude_ingredients=names), None, 50)
        return {p.id for p in service.search(ProductFilter(), None, 50)} - {p.id for p in kept}

    assert left_out("retinoids") == {"retinol-serum"}  # a class, in the plural
    assert left_out("Salicylic-Acid") == left_out("salicylic acids") == {"bha-toner"}
    assert left_out("fragrances") == {"bha-toner"}  # Parfum's class and common name
    assert left_out("vitamin b3", "Retinol") == {"niacinamide-serum", "retinol-serum"}
    assert left_out("Parfum") == {"bha-toner"}  # the exact name, as before


def test_too_many_ingredients_to_exclude_are_refused_on_their_field(
    service: RecommendationService,
) -> None:
    for names in (tuple(f"oil {n}" for n in range(51)), ("x" * 81,)):
        with pytest.raises(ValidationFailed) as refused:
            service.search(ProductFilter(exclude_ingredients=names), None, 10)
        assert refused.value.field == "excludeIngredients"
        assert refused.value.message == (
            "Up to 50 ingredients to exclude, of at most 80 characters each."
        )


def test_saving_and_removing_products_updates_the_catalog_at_once(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    version = uow.catalog.version()
    added = service.save_product(
        product("azelaic-serum", "serum", [("Azelaic Acid", 10.0)], concerns=["redness"])
    )
    assert service.product("azelaic-serum") == added
    assert uow.catalog.version() == version + 1 and uow.catalog.count() == len(PRODUCTS) + 1
    service.remove_product("retinol-serum")
    with pytest.raises(ProductNotFound):
        service.product("retinol-serum")
    assert "retinol-serum" not in [p.id for p in service.search(ProductFilter(), None, 50)]
    with pytest.raises(ProductNotFound):
        service.remove_product("retinol-serum")
    assert service.rate("p1", "retinol-serum", 5, None).rating == 5  # no longer sold: rated
    saved = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" not in chosen(saved.routine)


def test_invalid_products_and_ingredients_are_refused(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork
) -> None:
    version = uow.catalog.version()
    with pytest.raises(InvalidProduct):
        service.save_product(product("mystery", "serum", [("Unobtainium", 1.0)]))
    with pytest.raises(InvalidProduct):
        service.save_ingredient({"inci_name": "Glycerin", "concerns": {"dryness": "magic"}})
    assert uow.catalog.version() == version
    service.save_ingredient({"inci_name": "Panthenol", "concerns": {"dryness": "moderate"}})
    assert uow.catalog.version() == version + 1
    assert "Panthenol" in [i["inci_name"] for i in uow.catalog.raw_ingredients()]


def test_a_price_in_a_currency_without_a_rate_is_refused_and_one_stored_before_is_left_out(
    service: RecommendationService,
    uow: FakeRecommendationsUnitOfWork,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only EUR and the currencies with a rate convert. Before, saving a product in NGN was
    accepted, and every routine then failed with NO_EXCHANGE_RATE."""
    version = uow.catalog.version()
    naira = {**next(p for p in PRODUCTS if p["id"] == "retinol-serum"), "currency": "NGN"}
    with pytest.raises(InvalidProduct) as refused:
        service.save_product({**naira, "price": "15000"})
    assert (refused.value.field, refused.value.values["currency"]) == ("currency", "NGN")
    assert "no exchange rate for NGN" in refused.value.message
    assert uow.catalog.version() == version
    assert service.save_product({**naira, "currency": "GBP"}).price.currency == "GBP"
    with uow:  # stored before saving refused it
        (stored,) = service.catalog.parse_products([naira])
        uow.catalog.save_product(stored, naira, NOW)
        uow.catalog.bump_version()
        uow.commit()
    service.catalog.invalidate()
    saved = service.recommend("p1", Role.PATIENT, "a1")
    assert "retinol-serum" not in chosen(saved.routine)
    assert {"plain-cleanser", "plain-moisturiser", "plain-spf"} <= chosen(saved.routine)
    logged = [r.__dict__["products"] for r in caplog.records if "products" in r.__dict__]
    assert logged == [{"retinol-serum": "NGN"}]


def test_a_routine_that_changes_products_tells_the_person_once_and_restarts_check_ins(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    first = service.recommend("p1", Role.PATIENT, "a1")
    assert uow.inbox.newest("p1", None, 10) == []  # the first routine is no change
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == first.created_at
    clock.advance(days=3)
    second = service.recommend("p1", Role.PATIENT, "a2")  # dry skin: the retinol goes
    assert service.recommend("p1", Role.PATIENT, "a2") == second  # the same one, not told again
    (told,) = uow.inbox.newest("p1", None, 10)
    assert (told.kind.value, told.key) == ("ROUTINE_CHANGED", f"routine:{second.id}")
    assert "pm:retinol-serum" in told.payload["removed"] and told.payload["added"] == []
    # said why: the new photo (before, no why, and the inbox read a bare "Your routine changed")
    assert told.payload["why"] == "NEW_PHOTO" and told.payload["analysis_id"] == "a2"
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == NOW + timedelta(days=3)
    set_profile(uow, "p1", birth_year=1991)  # a new routine with the same products
    clock.advance(days=1)
    service.recommend("p1", Role.PATIENT, "a2")
    assert len(uow.inbox.newest("p1", None, 10)) == 1 and len(uow.routines.rows) == 3


def test_a_routine_counts_the_check_in_in_calendar_days_of_the_owners_zone(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    """Saved at 23:30 on Sunday 22 February in New York, two weeks before its clocks go
    forward: due at 23:30 on Sunday 22 March there, not 00:30 on the Monday (4 x 7 x 24 h)."""
    set_profile(uow, "p1", time_zone="America/New_York")
    clock.now = datetime(2026, 2, 23, 4, 30, tzinfo=UTC)
    service.recommend("p1", Role.PATIENT, "a1")
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.due_at == datetime(2026, 3, 23, 3, 30, tzinfo=UTC)


def test_an_older_analysis_is_read_without_replacing_the_current_routine(
    service: RecommendationService, uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    first = service.recommend("p1", Role.PATIENT, "a1")
    clock.advance(days=1)
    current = service.recommend("p1", Role.PATIENT, "a2")  # the newer analysis
    set_profile(uow, "p1", allergies=["niacinamide"])  # a new profile state for a1
    clock.advance(days=1)
    older = service.recommend("p1", Role.PATIENT, "a1")
    assert older.analysis_id == "a1" and older.profile_hash != first.profile_hash
    assert older.created_at == NOW + timedelta(days=2)
    assert service.recommend("p1", Role.PATIENT, "a1").id == older.id  # the same answer
    assert [r.id for r in service.history("p1", None, 5)] == [current.id, first.id]
    assert len(uow.routines.rows) == 2 and older.id not in uow.routines.rows
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == current.created_at
    assert len(uow.inbox.newest("p1", None, 10)) == 1  # a1 -> a2 only
    # The latest analysis in the new state does become the current routine.
    latest = service.recommend("p1", Role.PATIENT, "a2")
    assert [r.id for r in service.history("p1", None, 1)] == [latest.id] != [current.id]


def test_a_dermatologist_s_read_leaves_the_patient_s_routine_alone(
    uow: FakeRecommendationsUnitOfWork, clock: FakeClock
) -> None:
    def shared_with_d1(
        viewer: str, role: Role, analysis: Analysis, *, audit: bool = True, part: object = None
    ) -> bool:
        return viewer == "d1" and role is Role.DERMATOLOGIST

    service = recommendations(uow, clock, access=shared_with_d1)
    service.load_catalog(INGREDIENTS, PRODUCTS)
    first = service.recommend("p1", Role.PATIENT, "a1")
    set_profile(uow, "p1", pregnant=True)  # the patient has not looked since
    clock.advance(days=1)
    read = service.recommend("d1", Role.DERMATOLOGIST, "a1")
    assert "retinol-serum" not in chosen(read.routine)  # built for the profile as it is now
    assert service.recommend("d1", Role.DERMATOLOGIST, "a2").id not in uow.routines.rows
    assert list(uow.routines.rows) == [first.id]
    schedule = uow.check_ins.get("p1")
    assert schedule is not None and schedule.anchor_at == first.created_at
    assert uow.inbox.newest("p1", None, 10) == []
    # The patient's own read saves it, under the id the dermatologist was shown.
    own = service.recommend("p1", Role.PATIENT, "a1")
    assert own.id == read.id and [r.id for r in service.history("p1", None, 1)] == [own.id]
    assert len(uow.inbox.newest("p1", None, 10)) == 1


def test_the_profile_hash_reads_the_needs_and_profile_as_asdict_gives_them() -> None:
    """The routine's key must not change with how its material is collected: a changed key
    saves a second routine for the same analysis and profile state."""
    person = Profile(
        concerns=["sensitivity", "acne"],
        allergies=["Linalool", "Limonene"],
        budget_total=80,
        budget_per_product=Decimal("22.5"),
        currency="GBP",
        birth_year=1990,
        pregnant=True,
    )
    needs = needs_from_result(ResultReadout.from_stored(result(acne=55, redness=30)), person)
    profile = care_profile(person, T0)
    assert len(profile.rates.rates) > 5 and profile.allergies == ("Linalool", "Limonene")
    payload = {"am": [{"product_id": "p1", "price": Decimal("9.90")}], "pm": [], "b": {"a": 1}}
    fields = asdict(profile)
    del fields["prescribed"]  # none: every key saved before the field keeps its value
    material = json.dumps([asdict(needs), fields, payload], default=str, sort_keys=True)
    assert profile_hash(needs, profile, payload) == hashlib.sha256(material.encode()).hexdigest()
    prescribed = care_profile(replace(person, prescribed=["tretinoin"]), T0)
    material = json.dumps([asdict(needs), asdict(prescribed), payload], default=str, sort_keys=True)
    assert profile_hash(needs, prescribed, payload) == hashlib.sha256(material.encode()).hexdigest()
