"""Evaluation harness for the learned ranker on feedback with a planted preference structure.

Each generated person has observable needs (skin type, concern severities, Monk tone, age,
pregnancy, sensitivity, budget) and hidden taste factors. The taste factors are partly
predictable from the observable profile and partly personal. A product's true appeal is

    content fit (scoring.py, per person z-score) + taste . product factors + popularity + noise

so the content score is good but not perfect, and feedback carries a collaborative signal.
People rate products they were more likely to try (sampled by appeal), ratings follow the
appeal, sensitive people report irritation from harsh or scented products.

Per person, one or two liked products are held out; every ranker ranks all products the
person has not rated in training. Prints recall@10 and NDCG@10, and exits 1 unless the blend
beats both popularity and content-only on both metrics.

    .venv/bin/python bench/recommend_eval.py            # the table in docs/benchmarks.md
    .venv/bin/python bench/recommend_eval.py --write-jsonl /tmp/feedback.jsonl
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from metskin.adapters.ml.recommender import (
    DEFAULT_BLEND_WEIGHT,
    blend_scorer,
    learned_scorer,
)
from metskin.adapters.ml.training import train
from metskin.cli.recommender import write_jsonl
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.evaluation import (
    ContentScores,
    compare,
    format_table,
    leave_out_split,
    popularity,
)
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES

K = 10
TASTE_DIMS = 4
CONTENT_WEIGHT, TASTE_WEIGHT, POPULARITY_SPREAD, NOISE = 1.0, 0.5, 0.4, 0.6
TASTE_FROM_PROFILE = 0.6  # share of taste that the observable profile predicts
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    contexts: dict[str, UserContext]
    feedback: list[Feedback]


def _person(rng: random.Random) -> UserContext:
    concerns = {
        c: round(rng.uniform(15, 90) if rng.random() < 0.35 else rng.uniform(0, 10), 1)
        for c in CONCERNS
    }
    age = rng.randint(16, 70)
    needs = SkinNeeds(concerns, rng.choice(SKIN_TYPES), monk_tone=rng.randint(1, 10))
    budget = Decimal(rng.choice(("15", "25", "40"))) if rng.random() < 0.4 else None
    profile = CareProfile(
        age=age,
        pregnant=20 <= age <= 42 and rng.random() < 0.08,
        sensitive_skin=rng.random() < 0.25,
        budget_per_product=budget,
    )
    return UserContext(needs, profile)


def _observable(context: UserContext) -> list[float]:
    """What the hidden taste partly follows: skin type, age, tone, sensitivity."""
    needs, profile = context.needs, context.profile
    skin = [1.0 if needs.skin_type == s else 0.0 for s in SKIN_TYPES]
    age = ((profile.years or 40) - 40) / 15
    tone = ((needs.monk_tone or 5) - 5.5) / 3
    return [*skin, age, tone, 1.0 if profile.sensitive_skin else 0.0]


def _appeal(
    content: dict[str, float],
    taste: Sequence[float],
    factors: dict[str, list[float]],
    pop: dict[str, float],
    rng: random.Random,
) -> dict[str, float]:
    mean = statistics.fmean(content.values())
    spread = statistics.pstdev(content.values()) or 1.0
    return {
        pid: CONTENT_WEIGHT * (score - mean) / spread
        + TASTE_WEIGHT * sum(t * f for t, f in zip(taste, factors[pid], strict=True))
        + pop[pid]
        + rng.gauss(0, NOISE)
        for pid, score in content.items()
    }


def _harsh_for(product: Product, context: UserContext) -> bool:
    harsh = not product.fragrance_free or any(i.irritation == "high" for i in product.ingredients)
    return harsh and context.profile.sensitive_skin


def generate(catalog: Catalog, *, users: int, per_user: int, seed: int) -> World:
    rng = random.Random(seed)
    products = {p.id: p for p in catalog.products}
    factors = {pid: [rng.gauss(0, 1) for _ in range(TASTE_DIMS)] for pid in products}
    pop = {pid: rng.gauss(0, POPULARITY_SPREAD) for pid in products}
    mixing = [[rng.gauss(0, 0.8) for _ in range(7)] for _ in range(TASTE_DIMS)]
    contexts = {f"u{n:05d}": _person(rng) for n in range(users)}
    scores = ContentScores(contexts, catalog)
    feedback: list[Feedback] = []
    for user, context in contexts.items():
        seen = _observable(context)
        taste = [
            TASTE_FROM_PROFILE * sum(m * o for m, o in zip(row, seen, strict=True))
            + (1 - TASTE_FROM_PROFILE) * rng.gauss(0, 1.2)
            for row in mixing
        ]
        appeal = _appeal(scores(user), taste, factors, pop, rng)
        count = max(4, round(rng.gauss(per_user, per_user / 4)))
        # Gumbel top-k: people try products roughly in proportion to exp(appeal).
        tried = sorted(appeal, key=lambda p: -(appeal[p] - math.log(-math.log(rng.random()))))
        for n, pid in enumerate(tried[:count]):
            feedback.append(_rate(user, products[pid], context, appeal[pid], n, rng))
    return World(contexts, feedback)


def _rate(
    user: str, product: Product, context: UserContext, appeal: float, n: int, rng: random.Random
) -> Feedback:
    felt = appeal + rng.gauss(0, 0.5)
    rating = 1 + sum(1 for edge in (0.3, 1.0, 1.6, 2.3) if felt >= edge)
    outcome: str | None = None
    if _harsh_for(product, context) and rng.random() < 0.35:
        rating, outcome = min(rating, 2), "irritated"
    elif rating >= 4 and rng.random() < 0.5:
        outcome = "worked"
    elif rating <= 2 and rng.random() < 0.4:
        outcome = "stopped"
    when = START + timedelta(days=n, minutes=rng.randint(0, 1440))
    return Feedback(user, product.id, rating, outcome, when)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--per-user", type=int, default=34, help="mean ratings per person")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hold-out", type=int, default=2, help="liked products per person")
    parser.add_argument("--blend-weight", type=float, default=DEFAULT_BLEND_WEIGHT)
    parser.add_argument("--write-jsonl", type=Path, help="also write the feedback as JSONL")
    args = parser.parse_args(argv)

    catalog = load_catalog()
    started = time.perf_counter()
    world = generate(catalog, users=args.users, per_user=args.per_user, seed=args.seed)
    print(
        f"generated {len(world.feedback)} feedback rows for {len(world.contexts)} people "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if args.write_jsonl:
        write_jsonl(args.write_jsonl, world.feedback, world.contexts)
        print(f"wrote {args.write_jsonl}")
    full = train(world.feedback, world.contexts, catalog, epochs=args.epochs, seed=args.seed)
    print(
        f"timing: all {full.metrics['rows']} rows ({full.metrics['training_pairs']} pairs), "
        f"median {statistics.median(full.metrics['epoch_seconds']):.2f} s per epoch "
        f"over {args.epochs} epochs"
    )
    split = leave_out_split(world.feedback, per_user=args.hold_out, seed=args.seed)
    model = train(split.train, world.contexts, catalog, epochs=args.epochs, seed=args.seed)
    epoch_seconds = model.metrics["epoch_seconds"]
    print(
        f"trained on {model.metrics['training_pairs']} pairs ({len(split.train)} rows): "
        f"median {statistics.median(epoch_seconds):.2f} s per epoch, {args.epochs} epochs"
    )
    content = ContentScores(world.contexts, catalog)
    results = compare(
        {
            "popularity": popularity(split.train),
            "content-only": content,
            "learned-only": learned_scorer(model),
            f"blend (w={args.blend_weight:g})": blend_scorer(model, content, args.blend_weight),
        },
        split,
        k=K,
    )
    print(format_table(results, K))
    blend = results[f"blend (w={args.blend_weight:g})"]
    beaten = [
        name
        for name in ("popularity", "content-only")
        if not (blend.recall > results[name].recall and blend.ndcg > results[name].ndcg)
    ]
    print(f"total {time.perf_counter() - started:.1f} s")
    if beaten:
        print(f"FAIL: the blend does not beat {', '.join(beaten)} on recall@{K} and NDCG@{K}")
        return 1
    print("OK: the blend beats popularity and content-only on both metrics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
