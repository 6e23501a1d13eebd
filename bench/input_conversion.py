"""Issue 17: the CPU of building input objects, for every input type of the schema: Strawberry's
own conversion against the plain builder (`graphql/input_conversion.py`), alternated in one
process.

    PYTHONPATH=src:bench .venv/bin/python bench/input_conversion.py [--rounds 400] [--pairs 6]

For each input type, two values as a client sends them (those of
`tests/unit/graphql/test_input_conversion.py`): `full`, every field given (lists of two, nested
inputs full), and `required`, only what has no default (graphql-core fills in the defaults).
Each is coerced once by graphql-core, as a request's variables are, then converted `--rounds`
times per batch; `--pairs` pairs of batches, the order of the two sides switched from pair to
pair; `time.process_time`, median per conversion. Then the Python calls per conversion
(cProfile), which do not depend on the load.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from graphql import coerce_input_value
from strawberry.types.arguments import convert_argument

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.graphql import test_input_conversion as inputs

SIDES = ("Strawberry", "plain")


def converter(name: str, variant: str) -> Any:
    type_, schema = inputs.INPUTS[name], inputs.SCHEMA
    coerced = coerce_input_value(inputs.input_value(type_, variant), type_)
    origin, registry = inputs.definition_of(type_).origin, schema.schema_converter.scalar_registry

    def convert() -> Any:
        return convert_argument(coerced, origin, registry, schema.config)

    return convert


def on_side(side: str, work: Any) -> Any:
    if side == "plain":
        return work()
    with inputs.strawberrys_own():
        return work()


def batch(convert: Any, rounds: int) -> float:
    started = time.process_time()
    for _ in range(rounds):
        convert()
    return (time.process_time() - started) / rounds * 1e6


def calls(convert: Any) -> int:
    profile = cProfile.Profile()
    profile.runcall(convert)
    return sum(row[1] for row in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]


def measure(name: str, variant: str, rounds: int, pairs: int) -> dict[str, tuple[float, int]]:
    """Per side: the median µs of CPU per conversion, and the Python calls of one."""
    convert = converter(name, variant)
    found: dict[str, list[float]] = {side: [] for side in SIDES}
    for pair in range(pairs):
        for side in SIDES if pair % 2 == 0 else reversed(SIDES):
            found[side].append(on_side(side, partial(batch, convert, rounds)))
    return {
        side: (statistics.median(found[side]), on_side(side, partial(calls, convert)))
        for side in SIDES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    print("µs of CPU per conversion (median) and Python calls per conversion")
    print(f"  {'input':26s} {'value':9s} {'Strawberry':>16s} {'plain':>16s}")
    totals = {side: [0.0, 0.0] for side in SIDES}
    for name in sorted(inputs.INPUTS):
        for variant in ("full", "required"):
            row = measure(name, variant, args.rounds, args.pairs)
            for side, (cpu, count) in row.items():
                totals[side][0] += cpu
                totals[side][1] += count
            cells = "".join(f" {cpu:8.1f} µs {count:4d}" for cpu, count in row.values())
            print(f"  {name:26s} {variant:9s}{cells}")
    cells = "".join(f" {cpu:8.1f} µs {count:4.0f}" for cpu, count in totals.values())
    print(f"  {'all, summed':26s} {'':9s}{cells}")


if __name__ == "__main__":
    main()
