"""What the limits refuse and what they cost, through the ASGI app on SQLite (no network):

- the anonymous request of issue 13 (30 aliases of `availableSlots` over 92 days, on the seeded
  directory) with the limits off (as before) and on (the defaults): time and response size;
- what the cost limit refuses and lets through;
- the limits' own overhead on a cheap public query (`dermatologist(id)`), on and off.

    PYTHONPATH=src .venv/bin/python bench/limits_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from graphql import parse
from tests.e2e.test_care_api import seed_directory
from tests.e2e.test_limits_api import slots_request

from metskin.adapters.db.migrations import upgrade
from metskin.bootstrap import Container, bootstrap
from metskin.graphql.app import create_app
from metskin.graphql.cost import operation_cost
from metskin.graphql.schema import build_schema
from metskin.settings import Settings


def container_in(folder: Path, limits_on: bool) -> Container:
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    settings = Settings(
        env="development",
        var_dir=folder,
        database_url=url,
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
        rate_limits_enabled=limits_on,
        rate_limit_scale=1000.0,  # measure the work, not the refusal of repeats
        max_query_cost=12_000 if limits_on else 10**12,
    )
    return bootstrap(settings)


async def timed(http: httpx.AsyncClient, body: dict[str, Any], runs: int) -> tuple[float, int, Any]:
    times, size, parsed = [], 0, None
    for _ in range(runs):
        started = time.perf_counter()
        response = await http.post("/graphql", json=body)
        times.append(time.perf_counter() - started)
        size, parsed = len(response.content), response.json()
    return statistics.median(times), size, parsed


async def measure(limits_on: bool, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        container = container_in(Path(folder), limits_on)
        doctor = seed_directory(container)["derm-london-01"]
        transport = httpx.ASGITransport(app=create_app(container))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            label = "limits on " if limits_on else "limits off"
            tomorrow = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            tomorrow += timedelta(days=1)
            for aliases, days in [(30, 92), (1, 92), (2, 92), (30, 7), (10, 7)]:
                seconds, size, body = await timed(
                    http, slots_request(doctor, aliases, days, tomorrow), runs
                )
                errors = body.get("errors") or []
                outcome = errors[0]["extensions"]["code"] if errors else "ok"
                cost = errors[0]["extensions"].get("cost", "") if errors else ""
                print(
                    f"{label} {aliases:2d} aliases x {days:2d} days: {seconds * 1000:8.1f} ms "
                    f"{size / 1e6:6.3f} MB  {outcome} {cost}"
                )
        container.close()


def costing_time() -> None:
    """The cost walk itself, per request, on the 30-alias document and a one-field one."""
    schema = build_schema(Settings(env="development"))._schema
    when = datetime(2026, 11, 24, tzinfo=UTC)
    for label, body in [
        ("30 aliases of availableSlots", slots_request("d", 30, 92, when)),
        ("{ health }", {"query": "{ health }", "variables": {}}),
    ]:
        document = parse(body["query"])
        started = time.perf_counter()
        for _ in range(2000):
            operation_cost(schema, document, None, body["variables"], 100)
        each = (time.perf_counter() - started) / 2000 * 1e6
        print(f"costing {label}: {each:.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for limits_on in (False, True):
        asyncio.run(measure(limits_on, args.runs))
    costing_time()


if __name__ == "__main__":
    main()
