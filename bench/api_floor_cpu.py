"""Issue 17 point 1: the CPU per request of `me.analyses` through GraphQL (the lean path) and
through its floor (`api_floor.py`'s route), in one process, no HTTP server, alternated batch
by batch so that both share the machine's load.

    PYTHONPATH=src:bench .venv/bin/python bench/api_floor_cpu.py [--requests 100] [--pairs 6]

Setup as `api_bench.py` (a fresh SQLite database, `metskin migrate`, `metskin seed`, 12
finished analyses). The two bodies are checked equal byte for byte first. `time.process_time`
per batch (every thread of the process); median and minimum per request, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from api_bench import PATIENT, READS
from api_cpu import LOGIN, asgi_caller, fresh_sqlite


async def measure(args: argparse.Namespace) -> None:
    from api_floor import create_floor

    from metskin.bootstrap import bootstrap
    from metskin.graphql.app import create_app
    from metskin.settings import Settings

    container = bootstrap(Settings())
    query, path = READS["me.analyses"]
    graphql = asgi_caller(create_app(container))
    floor = asgi_caller(create_floor(Settings()), path)
    login = {"query": LOGIN, "variables": {"e": PATIENT[0], "p": PATIENT[1]}}
    token = json.loads(await graphql(json.dumps(login).encode(), []))["data"]["login"]
    auth = [(b"authorization", f"Bearer {token['accessToken']}".encode())]
    sides: dict[str, tuple[Any, bytes]] = {
        "graphql": (graphql, json.dumps({"query": query}).encode()),
        "floor": (floor, b""),
    }
    bodies = {name: await call(body, auth) for name, (call, body) in sides.items()}
    assert bodies["graphql"] == bodies["floor"], bodies
    for _ in range(30):
        for call, body in sides.values():
            await call(body, auth)
    found: dict[str, list[float]] = {name: [] for name in sides}
    for pair in range(args.pairs):
        for name in list(sides) if pair % 2 == 0 else list(reversed(sides)):
            call, body = sides[name]
            started = time.process_time()
            for _ in range(args.requests):
                await call(body, auth)
            found[name].append((time.process_time() - started) / args.requests * 1000)
    print(f"me.analyses, ms of CPU per request (median, min over {args.pairs} batches)")
    for name, values in found.items():
        print(f"  {name:8s} {statistics.median(values):.3f}, {min(values):.3f}")
    ratio = statistics.median(found["graphql"]) / statistics.median(found["floor"])
    print(f"  GraphQL / floor {ratio:.2f}x")
    container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    fresh_sqlite()
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
