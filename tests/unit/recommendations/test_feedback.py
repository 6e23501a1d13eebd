"""Feedback validation and the preference targets a learned ranker trains on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.recommendations.feedback import (
    Feedback,
    is_positive,
    latest_per_pair,
    preference_of,
)

WHEN = datetime(2026, 3, 1, 12, tzinfo=UTC)


def feedback(rating: Any = 4, outcome: str | None = None, **changes: Any) -> Feedback:
    values: dict[str, Any] = {
        "user_id": "u1",
        "product_id": "p1",
        "rating": rating,
        "outcome": outcome,
        "created_at": WHEN,
    }
    values.update(changes)
    return Feedback(**values)


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, True, "4"])
def test_rating_must_be_a_whole_number_1_to_5(rating: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        feedback(rating)
    assert error.value.field == "rating"


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_every_rating_1_to_5_is_accepted(rating: int) -> None:
    assert feedback(rating).rating == rating


def test_unknown_outcome_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as error:
        feedback(outcome="loved")
    assert error.value.field == "outcome"


@pytest.mark.parametrize("outcome", ["worked", "irritated", "stopped", None])
def test_known_outcomes_are_accepted(outcome: str | None) -> None:
    assert feedback(outcome=outcome).outcome == outcome


def test_naive_datetimes_and_missing_ids_are_rejected() -> None:
    with pytest.raises(ValidationFailed):
        feedback(created_at=datetime(2026, 3, 1, 12))
    with pytest.raises(ValidationFailed):
        feedback(product_id="")


@pytest.mark.parametrize(
    ("rating", "outcome", "value"),
    [
        (5, None, 1.0),
        (4, None, 0.5),
        (3, None, 0.0),
        (2, None, -0.5),
        (1, None, -1.0),
        (3, "worked", 0.5),
        (5, "worked", 1.0),  # capped
        (4, "stopped", 0.0),
        (1, "stopped", -1.0),  # capped
    ],
)
def test_preference_follows_rating_and_outcome(
    rating: int, outcome: str | None, value: float
) -> None:
    assert preference_of(feedback(rating, outcome)).value == pytest.approx(value)


def test_irritation_is_a_strong_no_whatever_the_rating() -> None:
    for rating in (1, 3, 5):
        preference = preference_of(feedback(rating, "irritated"))
        assert preference.value == -1.0
        assert preference.weight > preference_of(feedback(rating)).weight


def test_an_outcome_weighs_more_than_a_bare_rating() -> None:
    assert preference_of(feedback(5, "worked")).weight > preference_of(feedback(5)).weight


def test_positive_means_liked() -> None:
    assert is_positive(feedback(4))
    assert is_positive(feedback(3, "worked"))
    assert not is_positive(feedback(3))
    assert not is_positive(feedback(5, "irritated"))


def test_latest_feedback_per_person_and_product_wins() -> None:
    old = feedback(5, created_at=WHEN)
    new = feedback(1, "stopped", created_at=WHEN + timedelta(days=3))
    other = feedback(2, product_id="p2", created_at=WHEN - timedelta(days=1))
    kept = latest_per_pair([new, old, other])
    assert sorted(kept, key=lambda f: f.product_id) == [new, other]
