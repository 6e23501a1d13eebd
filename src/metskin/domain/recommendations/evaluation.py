"""Offline ranking metrics and a held-out split, to compare rankers on stored feedback."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.feedback import Feedback, UserContext, is_positive
from metskin.domain.recommendations.scoring import ScoredProduct, score_product

Scorer = Callable[[str], Mapping[str, float]]  # user id -> product id -> score


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant items found in the first k; 0 when nothing is relevant."""
    _check_k(k)
    if not relevant:
        return 0.0
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / len(relevant)


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Binary-gain NDCG: hits near the top count more; 1.0 when all fit in and lead."""
    _check_k(k)
    if not relevant:
        return 0.0
    dcg = sum(
        1 / math.log2(position + 2) for position, item in enumerate(ranked[:k]) if item in relevant
    )
    ideal = sum(1 / math.log2(position + 2) for position in range(min(len(relevant), k)))
    return dcg / ideal


@dataclass(frozen=True)
class RankingScores:
    recall: float
    ndcg: float
    users: int


def evaluate_rankings(
    rankings: Mapping[str, Sequence[str]], relevant: Mapping[str, Collection[str]], k: int
) -> RankingScores:
    """Mean recall@k and NDCG@k over the users that have held-out items."""
    users = [user for user, items in relevant.items() if items]
    if not users:
        return RankingScores(0.0, 0.0, 0)
    recall = sum(recall_at_k(rankings.get(u, ()), relevant[u], k) for u in users)
    ndcg = sum(ndcg_at_k(rankings.get(u, ()), relevant[u], k) for u in users)
    return RankingScores(recall / len(users), ndcg / len(users), len(users))


@dataclass(frozen=True)
class Split:
    train: tuple[Feedback, ...]
    held_out: Mapping[str, frozenset[str]]  # user -> product ids to find again


def leave_out_split(
    feedback: Iterable[Feedback],
    *,
    per_user: int,
    seed: int,
    min_left: int = 1,
    positive: Callable[[Feedback], bool] = is_positive,
) -> Split:
    """Hold out `per_user` random positives per user, keeping at least `min_left` of them.

    Users with too few positives stay whole in the training part. Seeded, so a split
    can be repeated; the order of the input does not matter.
    """
    if per_user < 1:
        raise ValidationFailed(_("Hold out at least one item per user."), field="perUser")
    by_user: dict[str, list[Feedback]] = defaultdict(list)
    for item in feedback:
        by_user[item.user_id].append(item)
    rng = random.Random(seed)
    train: list[Feedback] = []
    held_out: dict[str, frozenset[str]] = {}
    for user in sorted(by_user):
        items = sorted(by_user[user], key=lambda f: (f.product_id, f.created_at))
        liked = sorted({f.product_id for f in items if positive(f)})
        if len(liked) < per_user + min_left:
            train.extend(items)
            continue
        chosen = frozenset(rng.sample(liked, per_user))
        held_out[user] = chosen
        train.extend(f for f in items if f.product_id not in chosen)
    return Split(tuple(train), held_out)


def rank_by(scores: Mapping[str, float], *, exclude: Collection[str] = ()) -> list[str]:
    """Item ids, best score first, ties by id so rankings are repeatable."""
    return sorted((i for i in scores if i not in exclude), key=lambda i: (-scores[i], i))


def popularity(train: Iterable[Feedback]) -> Scorer:
    """The same ranking for everyone: how often a product was liked."""
    counts: dict[str, float] = defaultdict(float)
    for item in train:
        counts[item.product_id] += 0.0  # known, even if never liked
        if is_positive(item):
            counts[item.product_id] += 1.0
    return lambda _user: counts


class ContentScores:
    """The content-based score of every product for each person, computed once per person."""

    def __init__(self, contexts: Mapping[str, UserContext], catalog: Catalog) -> None:
        self.contexts = contexts
        self.catalog = catalog
        self._scored: dict[str, dict[str, ScoredProduct]] = {}

    def scored(self, user: str) -> dict[str, ScoredProduct]:
        if user not in self._scored:
            context = self.contexts[user]
            self._scored[user] = {
                p.id: score_product(p, context.needs, context.profile)
                for p in self.catalog.products
            }
        return self._scored[user]

    def __call__(self, user: str) -> dict[str, float]:
        return {product: s.score for product, s in self.scored(user).items()}


def compare(
    scorers: Mapping[str, Scorer], split: Split, *, k: int, users: Collection[str] | None = None
) -> dict[str, RankingScores]:
    """Rank every product a person has not rated in training; score the held-out ones."""
    seen: dict[str, set[str]] = defaultdict(set)
    for item in split.train:
        seen[item.user_id].add(item.product_id)
    relevant = {u: items for u, items in split.held_out.items() if users is None or u in users}
    return {
        name: evaluate_rankings(
            {u: rank_by(scorer(u), exclude=seen[u]) for u in relevant}, relevant, k
        )
        for name, scorer in scorers.items()
    }


def format_table(results: Mapping[str, RankingScores], k: int) -> str:
    width = max(len(name) for name in results)
    lines = [
        f"| {'ranker':<{width}} | recall@{k} | NDCG@{k} | users |",
        f"| {'-' * width} | --------: | ------: | ----: |",
    ]
    lines += [
        f"| {name:<{width}} | {r.recall:9.4f} | {r.ndcg:7.4f} | {r.users:5d} |"
        for name, r in results.items()
    ]
    return "\n".join(lines)


def _check_k(k: int) -> None:
    if k < 1:
        raise ValidationFailed(_("k must be at least 1."), field="k")
