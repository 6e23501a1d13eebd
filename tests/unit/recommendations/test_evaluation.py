"""Ranking metrics on hand-checked cases, the held-out split and the comparison."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.domain.recommendations.evaluation import (
    Split,
    compare,
    evaluate_rankings,
    format_table,
    leave_out_split,
    ndcg_at_k,
    popularity,
    rank_by,
    recall_at_k,
)
from metskin.domain.recommendations.feedback import Feedback

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def rated(user: str, product: str, rating: int, outcome: str | None = None) -> Feedback:
    return Feedback(user, product, rating, outcome, WHEN)


def test_recall_counts_hits_in_the_first_k() -> None:
    ranked = ["a", "b", "c", "d"]
    assert recall_at_k(ranked, {"b", "d"}, 2) == 0.5
    assert recall_at_k(ranked, {"b", "d"}, 4) == 1.0
    assert recall_at_k(ranked, {"x"}, 4) == 0.0
    assert recall_at_k(ranked, set(), 4) == 0.0
    assert recall_at_k(["a"], {"a", "b", "c"}, 10) == pytest.approx(1 / 3)


def test_ndcg_rewards_hits_near_the_top() -> None:
    # One hit at rank 2: DCG = 1/log2(3), ideal = 1.
    assert ndcg_at_k(["a", "b", "c"], {"b"}, 3) == pytest.approx(1 / math.log2(3))
    # Hits at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3)).
    assert ndcg_at_k(["a", "b", "c"], {"a", "c"}, 3) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(["a", "b", "c"], {"a", "b"}, 3) == 1.0
    # More relevant items than k: the ideal only counts k of them.
    assert ndcg_at_k(["a", "b", "c"], {"a", "b", "c"}, 2) == 1.0
    assert ndcg_at_k(["a", "b", "c"], {"c"}, 2) == 0.0
    assert ndcg_at_k(["a"], set(), 2) == 0.0


def test_k_must_be_positive() -> None:
    with pytest.raises(ValidationFailed):
        recall_at_k(["a"], {"a"}, 0)
    with pytest.raises(ValidationFailed):
        ndcg_at_k(["a"], {"a"}, 0)


def test_evaluate_rankings_averages_over_users_with_held_out_items() -> None:
    scores = evaluate_rankings(
        {"u1": ["a", "b"], "u2": ["c", "d"], "u3": ["e"]},
        {"u1": {"a"}, "u2": {"d"}, "u3": set()},
        1,
    )
    assert scores.users == 2
    assert scores.recall == 0.5
    assert scores.ndcg == 0.5
    assert evaluate_rankings({}, {}, 3).users == 0


def test_rank_by_is_best_first_with_ties_by_id_and_exclusions() -> None:
    assert rank_by({"b": 1.0, "a": 1.0, "c": 2.0, "d": 0.5}, exclude={"d"}) == ["c", "a", "b"]


def rows_for(user: str, liked: int, disliked: int) -> list[Feedback]:
    return [rated(user, f"p{i}", 5) for i in range(liked)] + [
        rated(user, f"n{i}", 1, "irritated") for i in range(disliked)
    ]


def test_split_holds_out_only_positives_and_keeps_some_for_training() -> None:
    data = rows_for("u1", 5, 3) + rows_for("u2", 2, 1) + rows_for("u3", 1, 4)
    split = leave_out_split(data, per_user=2, seed=1)
    assert set(split.held_out) == {"u1"}  # u2 would keep none, u3 has too few
    held = split.held_out["u1"]
    assert len(held) == 2
    assert all(product.startswith("p") for product in held)
    trained = {(f.user_id, f.product_id) for f in split.train}
    assert not any(("u1", p) in trained for p in held)
    assert len(split.train) == len(data) - 2


def test_split_is_seeded_and_ignores_input_order() -> None:
    data = rows_for("u1", 8, 2) + rows_for("u2", 8, 2)
    first = leave_out_split(data, per_user=3, seed=5)
    again = leave_out_split(list(reversed(data)), per_user=3, seed=5)
    assert first.held_out == again.held_out
    others = {frozenset(leave_out_split(data, per_user=3, seed=s).held_out["u1"]) for s in range(6)}
    assert len(others) > 1


def test_split_needs_at_least_one_held_out_item() -> None:
    with pytest.raises(ValidationFailed):
        leave_out_split([], per_user=0, seed=1)


def test_popularity_counts_likes_only() -> None:
    scores = popularity(
        [rated("u1", "a", 5), rated("u2", "a", 4), rated("u1", "b", 5), rated("u3", "c", 1)]
    )("anyone")
    assert scores == {"a": 2.0, "b": 1.0, "c": 0.0}


def test_compare_ranks_only_products_not_rated_in_training() -> None:
    split = Split(
        train=(rated("u1", "a", 5), rated("u1", "b", 2)), held_out={"u1": frozenset({"c"})}
    )

    def likes_the_seen(_user: str) -> dict[str, float]:
        return {"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.0}

    results = compare({"seen-first": likes_the_seen}, split, k=1)
    assert results["seen-first"].recall == 1.0  # a and b were rated, so c comes first
    table = format_table(results, 1)
    assert "seen-first" in table
    assert "1.0000" in table
