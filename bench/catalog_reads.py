"""Issue 17 point 3: the CPU of the products and directory reads, this checkout against
another one (e.g. `git worktree add --detach /tmp/base main`), alternated run by run on one
database, so that a change in a repository (which `api_cpu.py --against` does not swap) is
measured under the same load.

    PYTHONPATH=src:bench .venv/bin/python bench/catalog_reads.py --against /tmp/base
    scripts/with-services.sh env PYTHONPATH=src:bench .venv/bin/python \\
        bench/catalog_reads.py --against /tmp/base                         # and on MariaDB

Setup: a fresh SQLite database (and a MariaDB one when `METSKIN_TEST_MYSQL_URL` is set, as
`scripts/with-services.sh` sets it), `metskin migrate`, `metskin seed`. Then `--runs` rounds:
in each, one process per checkout (the order switched from round to round), each with its own
`src/` and the same database, measuring `time.process_time` over `--calls` calls of
- the use case alone, in the calling thread: `RecommendationService.search` (20 products and
  one more, as the connection asks), `DirectoryService.search` (near London, 10 and one) and
  `DirectoryService.get_many` (the nearest one by id, as the `dermatologist(id)` loader);
- the whole GraphQL request through the ASGI app (`api_bench.READS`, the lean path; for the
  one by id, `PROFILE` below).
Each process also counts the SELECTs of one request and hashes the response bodies: both
checkouts must give the same bodies and the same counts. Prints medians and minimums (ms of
CPU per call) over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LONDON = (51.5072, -0.1276)
# The dermatologist nearest London read by id (`DirectoryService.get_many`, the loader):
PROFILE = "id name specialties languages practice { city } fee { amount currency } bio bioLocale"
READ_NAMES = ("products", "dermatologists", "dermatologist")


def child(calls: int) -> None:
    """In a checkout's own `src/`: measure and print one JSON line."""
    from api_bench import READS
    from api_cpu import asgi_caller
    from sqlalchemy import event

    from metskin.bootstrap import bootstrap
    from metskin.domain.directory.geo import GeoPoint
    from metskin.domain.directory.service import DirectoryFilter
    from metskin.domain.recommendations.model import ProductFilter
    from metskin.graphql.app import create_app
    from metskin.settings import Settings

    container = bootstrap(Settings())
    call = asgi_caller(create_app(container))
    near = DirectoryFilter(near=GeoPoint(*LONDON))
    nearest = container.directory.search(near, None, 1)[0].doctor.id
    use_cases = {
        "products": lambda: container.recommendations.search(ProductFilter(), None, 21),
        "dermatologists": lambda: container.directory.search(near, None, 11),
        "dermatologist": lambda: container.directory.get_many([nearest]),
    }
    queries = {name: READS[name][0] for name in ("products", "dermatologists")}
    queries["dermatologist"] = f'query {{ dermatologist(id: "{nearest}") {{ {PROFILE} }} }}'
    statements: list[str] = []
    event.listen(
        container.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    found: dict[str, Any] = {}

    def timed(run: Any) -> float:
        run()  # warm
        started = time.process_time()
        for _ in range(calls):
            run()
        return (time.process_time() - started) / calls * 1000

    async def measure() -> None:
        for name, use_case in use_cases.items():
            body = json.dumps({"query": queries[name]}).encode()
            for _ in range(20):
                answer = await call(body, [])
            statements.clear()
            answer = await call(body, [])
            selects = sum(s.lstrip().upper().startswith("SELECT") for s in statements)
            started = time.process_time()
            for _ in range(calls):
                await call(body, [])
            request = (time.process_time() - started) / calls * 1000
            found[name] = {
                "use case": timed(use_case),
                "request": request,
                "selects": selects,
                "body": hashlib.sha256(answer).hexdigest()[:16],
            }

    asyncio.run(measure())
    container.close()
    print(json.dumps(found))


def run_side(checkout: Path, env: dict[str, str], calls: int) -> dict[str, Any]:
    path = os.pathsep.join([str(checkout / "src"), str(checkout / "bench"), str(checkout)])
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--calls", str(calls)],
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(env: dict[str, str], sides: list[Path], args: argparse.Namespace) -> None:
    results: dict[Path, list[dict[str, Any]]] = {side: [] for side in sides}
    for round_ in range(args.runs):
        for side in sides if round_ % 2 == 0 else list(reversed(sides)):
            results[side].append(run_side(side, env, args.calls))
    for name in READ_NAMES:
        for side in sides:
            runs = [r[name] for r in results[side]]
            figures = "   ".join(
                f"{what} {statistics.median(r[what] for r in runs):.2f} "
                f"({min(r[what] for r in runs):.2f})"
                for what in ("use case", "request")
            )
            print(
                f"  {name:15s} {side!s:28s} {figures}   SELECTs {runs[0]['selects']}"
                f"   body {runs[0]['body']}"
            )
        bodies = {r[name]["body"] for side in sides for r in results[side]}
        counts = {r[name]["selects"] for side in sides for r in results[side]}
        print(f"  {name:15s} same bodies: {len(bodies) == 1}, same SELECTs: {len(counts) == 1}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", type=Path, help="the other checkout (required)")
    parser.add_argument("--runs", type=int, default=6, help="rounds (one process per side)")
    parser.add_argument("--calls", type=int, default=300, help="calls timed per process")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.calls)
        return
    if args.against is None:
        parser.error("--against is required")
    sys.path.insert(0, str(ROOT))
    from api_bench import bench_env
    from tests.cluster import METSKIN
    from tests.conftest import create_mysql_database, drop_mysql_database

    databases = {"SQLite": ""}
    mysql = os.environ.get("METSKIN_TEST_MYSQL_URL")
    if mysql:
        databases["MariaDB"] = create_mysql_database(mysql, prefix="metskin_catalogbench")
    try:
        for label, url in databases.items():
            env = {
                **bench_env(),
                "METSKIN_VAR_DIR": tempfile.mkdtemp(prefix="metskin-catalogbench-"),
                "METSKIN_DATABASE_URL": url,
                "METSKIN_REDIS_URL": "",
            }
            for command in ("migrate", "seed"):
                subprocess.run([*METSKIN, command], env=env, check=True, capture_output=True)
            print(f"{label}: ms of CPU per call, median (min) over {args.runs} processes each")
            compare(env, [ROOT, args.against.resolve()], args)
    finally:
        if "MariaDB" in databases:
            drop_mysql_database(databases["MariaDB"])


if __name__ == "__main__":
    main()
