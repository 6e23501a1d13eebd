"""How much of building a routine is `prices.priced` (dropping prices with no exchange rate):
medians in ms on the packaged catalog (166 products, used whole), on 2,000 variants (the
most a routine is built on whole, `candidates.WHOLE_CATALOG_UP_TO`) and on the shortlist of
100,000 variants (what `RecommendationService` builds a routine on at that size).

    PYTHONPATH=src:. .venv/bin/python bench/routine_prices.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial

from metskin.domain.money.model import Money
from metskin.domain.recommendations.candidates import CandidateIndex
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.prices import priced
from metskin.domain.recommendations.routine import build_routine

NEEDS = SkinNeeds({"acne": 70, "wrinkles": 60, "pigmentation": 50}, "oily", monk_tone=5)
PERSON = CareProfile(currency="GBP", budget_total=Decimal(120))


def variants(base: Catalog, count: int) -> Catalog:
    rng = random.Random(1)
    made = []
    for index in range(count):
        product = base.products[index % len(base.products)]
        factor = Decimal(str(round(rng.uniform(0.6, 1.6), 2)))
        price = Money(product.price.amount * factor, product.price.currency)
        made.append(replace(product, id=f"{product.id}-v{index}", price=price))
    return replace(base, products=tuple(made))


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    base = load_catalog()
    for label, catalog in (
        ("packaged", base),
        ("2,000 variants", variants(base, 2_000)),
        ("100k variants", variants(base, 100_000)),
    ):
        shortlist = CandidateIndex.build(catalog).shortlist(NEEDS, PERSON)
        prices = median_ms(partial(priced, shortlist, PERSON), 15)
        routine = median_ms(partial(build_routine, NEEDS, PERSON, shortlist), 5)
        print(
            f"{label:15} routine on {len(shortlist.products):5} products: "
            f"priced {prices:6.2f} ms of build_routine {routine:7.1f} ms"
        )


if __name__ == "__main__":
    main()
