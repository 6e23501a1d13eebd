"""Recommendations at scale: 100k products, 1M feedback rows, p50/p99 of one recommendation.

    .venv/bin/python bench/recommend_bench.py [--products 100000] [--feedback 1000000] [--paired]

Builds a throwaway SQLite database: the shipped catalog cloned into `--products` variants
(new ids, brands and prices), `--feedback` ratings from 10k people, one analysed photo. Then
times `RecommendationService.recommend` (catalog cache warm, candidate sets in memory, every
database access by primary or unique key) and one training epoch of the learned ranker.
`--paired`: the calls alternate with and without the routine's second look for prescription
treatments (`routine.second_build_needed` off), for the medians of both in one run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.media_samples import face_jpeg

from metskin.adapters.db.accounts import UserRow
from metskin.adapters.db.migrations import upgrade
from metskin.adapters.db.recommendations import FeedbackRow
from metskin.bootstrap import bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.settings import Settings

PEOPLE = 10_000
CALLS = 200


def shipped() -> tuple[list[dict], list[dict]]:
    folder = resources.files("metskin").joinpath("data", "catalog")
    return (
        json.loads(folder.joinpath("ingredients.json").read_text()),
        json.loads(folder.joinpath("products.json").read_text()),
    )


def variants(products: list[dict], count: int, rng: random.Random) -> list[dict]:
    made = []
    for index in range(count):
        base = products[index % len(products)]
        price = round(float(base["price"]) * rng.uniform(0.6, 1.6), 2)
        made.append(
            {
                **base,
                "id": f"{base['id']}-v{index}",
                "brand": f"{base['brand']} {index % 97}",
                "price": f"{price:.2f}",
            }
        )
    return made


def fill_people_and_feedback(
    container, product_ids: list[str], rows: int, rng: random.Random
) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with container.engine.begin() as connection:
        connection.execute(
            insert(UserRow),
            [
                {
                    "id": f"bench-{i}",
                    "email": f"bench-{i}@example.org",
                    "password_hash": "x",
                    "role": "patient",
                    "is_active": True,
                    "created_at": now,
                    "display_name": "",
                    "sex": "undisclosed",
                    "concerns": [],
                    "pregnant": False,
                    "breastfeeding": False,
                    "allergies": [],
                    "currency": "EUR",
                    "locale": "en-GB",
                    "time_zone": "Europe/London",
                    "email_opt_in": True,
                    "sms_opt_in": False,
                }
                for i in range(PEOPLE)
            ],
        )
        batch = 50_000
        outcomes = [None, None, "worked", "irritated", "stopped"]
        for start in range(0, rows, batch):
            connection.execute(
                insert(FeedbackRow),
                [
                    {
                        # one rating per person and product (a unique key since migration 0005)
                        "user_id": f"bench-{index % PEOPLE}",
                        "product_id": product_ids[(index // PEOPLE * 7919) % len(product_ids)],
                        "rating": rng.randint(1, 5),
                        "outcome": rng.choice(outcomes),
                        "created_at": now,
                    }
                    for index in range(start, min(start + batch, rows))
                ],
            )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--feedback", type=int, default=1_000_000)
    parser.add_argument("--paired", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="metskin-recbench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    container = bootstrap(
        Settings(
            var_dir=folder,
            database_url=url,
            redis_url="",
            password_hash_time_cost=1,
            password_hash_memory_kib=8,
        )
    )
    ingredients, products = shipped()
    catalog_rows = variants(products, args.products, rng)
    started = time.perf_counter()
    container.recommendations.load_catalog(ingredients, catalog_rows)
    print(f"catalog: {len(catalog_rows)} products loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    fill_people_and_feedback(container, [p["id"] for p in catalog_rows], args.feedback, rng)
    print(f"feedback: {args.feedback} rows in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    container.recommendations.catalog.index()
    print(f"catalog parsed and candidate sets built in {time.perf_counter() - started:.1f} s")
    user = container.accounts.register("bench@example.org", "tea-and-toast-77", "Bench")
    container.photo_consent.give(user.id)
    media = container.media.upload(user.id, face_jpeg(512))
    analysis = container.analyses.start(user.id, media.id)
    container.analyses.run(analysis.id)

    if args.paired:
        paired(lambda: container.recommendations.recommend(user.id, Role.PATIENT, analysis.id))
        return
    timings = []
    for _ in range(CALLS):
        started = time.perf_counter()
        container.recommendations.recommend(user.id, Role.PATIENT, analysis.id)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"recommend: p50 {statistics.median(timings):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms over {CALLS} calls"
    )

    training_time(container)


def paired(recommend: Callable[[], object]) -> None:
    """`recommend` timed with and without the prescription second look, alternating."""
    from metskin.domain.recommendations import routine

    screen = routine.second_build_needed
    looked: list[bool] = []

    def counted(*args: Any) -> bool:
        looked.append(screen(*args))
        return looked[-1]

    ways = {"with the second look": counted, "without": lambda *_args: False}
    timings: dict[str, list[float]] = {way: [] for way in ways}
    for index in range(CALLS):
        for way in list(ways) if index % 2 == 0 else list(reversed(ways)):
            routine.second_build_needed = ways[way]
            started = time.perf_counter()
            recommend()
            timings[way].append((time.perf_counter() - started) * 1000)
    routine.second_build_needed = screen
    for way, values in timings.items():
        print(
            f"recommend {way}: p50 {statistics.median(values):.1f} ms, "
            f"p99 {percentile(values, 0.99):.1f} ms over {CALLS} calls"
        )
    print(f"second build run in {sum(looked)} of {len(looked)} calls with it")


def training_time(container) -> None:  # type: ignore[no-untyped-def]
    from metskin.adapters.ml.training import train

    with container.new_uow() as uow:
        feedback: list[Feedback] = list(uow.feedback.iter_all(batch=100_000))
    contexts = {
        f"bench-{i}": UserContext(
            SkinNeeds(
                {"acne": (i * 7) % 100, "wrinkles": (i * 13) % 100},
                ("oily", "dry", "combination", "normal")[i % 4],
                monk_tone=1 + i % 10,
            ),
            CareProfile(age=18 + i % 60),
        )
        for i in range(PEOPLE)
    }
    catalog = container.recommendations.catalog.index().catalog
    started = time.perf_counter()
    model = train(feedback, contexts, catalog, epochs=3, seed=0)
    epochs = model.metrics["epoch_seconds"]
    print(
        f"train: {len(feedback)} rows, {len(catalog.products)} products, epochs "
        f"{', '.join(f'{s:.1f}' for s in epochs)} s (median {statistics.median(epochs):.1f} s); "
        f"{time.perf_counter() - started:.1f} s in all"
    )


if __name__ == "__main__":
    main()
