"""The "a prescription treatment could help" lines over a sweep of people, to diff two trees.

    PYTHONPATH=<tree>/src:. .venv/bin/python bench/prescription_lines.py > <tree>.jsonl
    .venv/bin/python bench/prescription_lines.py --compare before.jsonl after.jsonl
    PYTHONPATH=src:. .venv/bin/python bench/prescription_lines.py --check [--people all]
    PYTHONPATH=src:. .venv/bin/python bench/prescription_lines.py --time [--people all]

The sweep (the "1,152 swept adults" of docs/reliability.md): acne 0/40/70/90, wrinkles 0/40/90,
pigmentation 0/40/70/90, redness 0/40/60/85, oily/normal/dry, sensitive or not, age 30, Monk 4,
through `build_routine` on the shipped catalog. `--people all` adds, for the same skins, a
pregnant adult, a 16-year-old, an adult with a 60 EUR total budget, one allergic to retinoids
and azelaic acid, and one on a deeper tone (Monk 8).

Default: one JSON line per person (the products picked, the prescription-only ones picked, the
lines that point to a dermatologist), then a summary on stderr. `--compare`: how many of the
people's routines and lines differ between two such files, and how. `--check`: whether each
line is honest: a build with every prescription-only active prescribed (a second full build)
picks a product with the named active in a treatment slot exactly when the line names it (and
whether a build with only that active prescribed picks it too); and
whether the cheap screen (`routine.second_build_needed`) ever skips a second build that would
have named one. `--time`: median build time with and without the second look, paired per
person in one run (alternating which goes first).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metskin.domain.recommendations.loader import load_catalog
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.routine import build_routine

DOCTOR_WORDS = ("ask a dermatologist", "prescription options", "prescription cream", "such as")
PEOPLE: dict[str, dict[str, Any]] = {
    "adult": {},
    "pregnant": {"pregnant": True},
    "teen": {"age": 16},
    "budget": {"budget_total": 60},
    "allergic": {"allergies": ("retinoids", "azelaic acid")},
    "deep": {},  # Monk 8, below
}


def people(which: str) -> Iterator[tuple[str, SkinNeeds, CareProfile]]:
    kinds = PEOPLE if which == "all" else {"adult": {}}
    skins = itertools.product(
        (0, 40, 70, 90), (0, 40, 90), (0, 40, 70, 90), (0, 40, 60, 85), ("oily", "normal", "dry")
    )
    for (acne, wrinkles, pigment, redness, skin_type), sensitive in itertools.product(
        skins, (False, True)
    ):
        scores = {"acne": acne, "wrinkles": wrinkles, "pigmentation": pigment, "redness": redness}
        for kind, fields in kinds.items():
            monk = 8 if kind == "deep" else 4
            needs = SkinNeeds(scores, skin_type, monk_tone=monk)
            person = CareProfile(**{"age": 30, "sensitive_skin": sensitive, **fields})
            key = f"{kind} {acne}/{wrinkles}/{pigment}/{redness} {skin_type} s={int(sensitive)}"
            yield key, needs, person


def doctor_lines(warnings: tuple[str, ...]) -> list[str]:
    return [str(w) for w in warnings if "dermatologist" in w or "prescri" in w.casefold()]


def fingerprint(key: str, needs: SkinNeeds, person: CareProfile, catalog: Any) -> dict[str, Any]:
    routine = build_routine(needs, person, catalog)
    products = sorted(p.id for p in routine.products)
    rx = sorted(p.id for p in routine.products if p.prescription_actives)
    return {"key": key, "products": products, "rx": rx, "lines": doctor_lines(routine.warnings)}


def named_actives(lines: list[str], actives: list[str]) -> set[str]:
    """The prescription-only actives the lines name as a treatment that could help."""
    said = [line for line in lines if any(word in line for word in DOCTOR_WORDS)]
    return {a for a in actives if any(a in line for line in said)}


def check(which: str, catalog: Any) -> None:
    from metskin.domain.recommendations import routine
    from metskin.domain.recommendations.advice import ESSENTIAL_SLOTS

    actives = sorted({i.inci_name for p in catalog.products for i in p.prescription_actives})
    screen = routine.second_build_needed
    tally: Counter[str] = Counter()
    for key, needs, person in people(which):
        said = named_actives(doctor_lines(build_routine(needs, person, catalog).warnings), actives)
        routine.second_build_needed = lambda *_args: True
        unscreened = named_actives(
            doctor_lines(build_routine(needs, person, catalog).warnings), actives
        )
        routine.second_build_needed = screen
        full = build_routine(needs, replace(person, prescribed=tuple(actives)), catalog)
        picked = treatments(full, ESSENTIAL_SLOTS)
        alone = all(
            active
            in treatments(
                build_routine(needs, replace(person, prescribed=(active,)), catalog),
                ESSENTIAL_SLOTS,
            )
            for active in said
        )
        tally["people"] += 1
        tally["with a line"] += bool(said)
        tally["line as the full second build"] += said == picked
        tally["screen skipped a line"] += said != unscreened
        tally["each named active picked with it alone prescribed"] += bool(said) and alone
        if said != picked and tally["shown"] < 5:
            tally["shown"] += 1
            print(f"differs: {key}: said {sorted(said)}, picked {sorted(picked)}", file=sys.stderr)
    print(json.dumps(dict(tally)))


def treatments(routine: Any, essential: tuple[str, ...]) -> set[str]:
    """The prescription-only actives of the routine's treatment steps."""
    return {
        i.inci_name
        for step in (*routine.am, *routine.pm)
        if step.slot not in essential
        for i in step.product.prescription_actives
    }


def timed(which: str, catalog: Any, rounds: int) -> None:
    from metskin.domain.recommendations import routine

    screen = routine.second_build_needed
    off = lambda *_args: False  # noqa: E731
    ways = {"with the second look": screen, "without": off}
    times: dict[str, list[float]] = {way: [] for way in ways}
    looked = 0
    for index, (_key, needs, person) in enumerate(people(which)):
        order = list(ways) if index % 2 == 0 else list(reversed(ways))
        for way in order:
            routine.second_build_needed = ways[way]
            best = float("inf")
            for _ in range(rounds):
                started = time.perf_counter()
                build_routine(needs, person, catalog)
                best = min(best, time.perf_counter() - started)
            times[way].append(best * 1000)
        routine.second_build_needed = _counting(screen)
        looked += _count_looks(lambda n=needs, p=person: build_routine(n, p, catalog))
    routine.second_build_needed = screen
    count = len(times["without"])
    for way, values in times.items():
        print(
            f"{way}: median {statistics.median(values):.2f} ms, mean "
            f"{statistics.fmean(values):.2f} ms, p90 {statistics.quantiles(values, n=10)[-1]:.2f}"
            f" ms over {count} people (best of {rounds} each)"
        )
    print(f"second build run for {looked} of {count} people")


_LOOKS: list[bool] = []


def _counting(screen: Any) -> Any:
    def counted(*args: Any) -> bool:
        found = bool(screen(*args))
        _LOOKS.append(found)
        return found

    return counted


def _count_looks(build: Any) -> int:
    _LOOKS.clear()
    build()
    return int(any(_LOOKS))


def compare(before: Path, after: Path) -> None:
    old = {r["key"]: r for r in map(json.loads, before.read_text().splitlines())}
    new = {r["key"]: r for r in map(json.loads, after.read_text().splitlines())}
    tally: Counter[str] = Counter()
    for key, was in old.items():
        now = new[key]
        tally["people"] += 1
        tally["products differ"] += was["products"] != now["products"]
        tally["lines differ"] += was["lines"] != now["lines"]
        for line in set(was["lines"]) - set(now["lines"]):
            tally[f"lost: {line}"] += 1
        for line in set(now["lines"]) - set(was["lines"]):
            tally[f"gained: {line}"] += 1
        for product in set(was["products"]) - set(now["products"]):
            tally[f"no longer picked: {product}"] += 1
        for product in set(now["products"]) - set(was["products"]):
            tally[f"now picked: {product}"] += 1
    for what, count in sorted(tally.items(), key=lambda item: (-item[1], item[0])):
        print(f"{count:5d}  {what}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", choices=("adults", "all"), default="adults")
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--time", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    catalog = load_catalog()
    if args.check:
        check(args.people, catalog)
        return
    if args.time:
        timed(args.people, catalog, args.rounds)
        return
    tally: Counter[str] = Counter()
    for key, needs, person in people(args.people):
        found = fingerprint(key, needs, person, catalog)
        print(json.dumps(found))
        tally["people"] += 1
        for product in found["rx"]:
            tally[f"picked {product}"] += 1
        for line in found["lines"]:
            tally[f"line: {line}"] += 1
    for what, count in sorted(tally.items(), key=lambda item: (-item[1], item[0])):
        print(f"{count:5d}  {what}", file=sys.stderr)


if __name__ == "__main__":
    main()
