"""Issue 17, point 1: three reads through GraphQL against their floor, a raw Starlette JSON route
(`api_floor.py`) that returns byte-identical JSON from the same database with plain SQLAlchemy
Core and the same number of SELECTs.

    .venv/bin/python bench/api_bench.py                                     # SQLite
    scripts/with-services.sh .venv/bin/python bench/api_bench.py --workers 1 2   # MariaDB + Redis

Setup: a fresh database, `metskin migrate`, `metskin seed`, then 12 finished analyses for the
demo patient. Real processes on loopback: `metskin serve` (one process, or `--workers 2` with
Redis), the floor (one process), and the load generator (`http_load.py`, its own process, N
keep-alive connections, closed loop). Before timing, each read is checked: both bodies equal
byte for byte, and the SELECTs counted in-process are equal. The contenders then run
interleaved, round by round (read by read, contender by contender), so they share whatever
load the machine has. The limits stay on: depth, tokens, aliases, cost as configured; the rate
limits are counted but raised (METSKIN_RATE_LIMIT_SCALE=1000000) so that one bench address
is not refused.
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
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster import METSKIN, Cluster, free_port  # noqa: E402
from tests.conftest import create_mysql_database, drop_mysql_database  # noqa: E402

BENCH = Path(__file__).resolve().parent
READS = {
    "products": (
        "query { products(first: 20) { edges { node { id name brand price currency "
        "keyActives { name percent } } } } }",
        "/floor/products?first=20",
    ),
    "dermatologists": (
        "query { dermatologists(filter: {near: {lat: 51.5072, lon: -0.1276}}, first: 10) "
        "{ edges { node { id name distanceKm specialties languages practice { city } } } } }",
        "/floor/dermatologists?first=10",
    ),
    "me.analyses": (
        "query { me { analyses(first: 10) { edges { node { id createdAt "
        "summary { monk skinType topConcerns } } } } } }",
        "/floor/my-analyses?first=10",
    ),
}
AUTHENTICATED = {"me.analyses"}  # the others are sent without a token
PATIENT = ("patient@demo.metskin.local", "demo-skin-2026!")


def add_analyses(count: int) -> None:
    """Finished analyses with summaries for the demo patient (the seed has none)."""
    from tests.e2e.test_care_api import add_done_analysis

    from metskin.bootstrap import bootstrap
    from metskin.domain.analysis.records import AnalysisSummary
    from metskin.settings import Settings

    container = bootstrap(Settings())
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    with container.new_uow() as uow:
        patient = uow.users.get_by_email(PATIENT[0])
    assert patient is not None
    for n in range(count):
        made = add_done_analysis(
            container, patient.id, {"acne": (40.0, {})}, start + timedelta(hours=n)
        )
        with container.new_uow() as uow:
            analysis = uow.analyses.get(made)
            assert analysis is not None
            analysis.summary = AnalysisSummary(
                True, 0.9, 30.0 + n, 3 + n % 6, "III", "normal", ["acne"]
            )
            uow.analyses.save(analysis)
            uow.commit()
    container.close()


def selects_per_read(token: str) -> dict[str, tuple[int, int, bool]]:
    """(GraphQL SELECTs, floor SELECTs, same bytes) per read, both apps in this process."""
    from api_floor import create_floor
    from sqlalchemy import event
    from starlette.applications import Starlette

    from metskin.bootstrap import bootstrap
    from metskin.graphql.app import create_app
    from metskin.settings import Settings

    container = bootstrap(Settings())
    floor_app = create_floor(Settings())
    found: dict[str, tuple[int, int, bool]] = {}

    async def count(app: Starlette, engine: Any, request: dict[str, Any]) -> tuple[int, bytes]:
        statements: list[str] = []

        def listen(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listen)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            response = await http.request(**request)
        event.remove(engine, "before_cursor_execute", listen)
        assert response.status_code == 200, response.text
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements), response.content

    async def run() -> None:
        app = create_app(container)
        auth = {"authorization": f"Bearer {token}"}
        for name, (query, path) in READS.items():
            body = {"query": query}
            headers = auth if name in AUTHENTICATED else {}
            request = {"method": "POST", "url": "/graphql", "json": body, "headers": headers}
            await count(app, container.engine, request)  # warm: the catalog is read once
            graphql = await count(app, container.engine, request)
            floor = await count(
                floor_app,
                floor_app.state.floor.engine,
                {"method": "POST", "url": path, "headers": auth},
            )
            found[name] = (graphql[0], floor[0], graphql[1] == floor[1])
            if graphql[1] != floor[1]:
                print(
                    f"  {name}: bodies differ\n    graphql {graphql[1][:300]!r}\n"
                    f"    floor   {floor[1][:300]!r}"
                )

    asyncio.run(run())
    container.close()
    return found


def wait_up(base: str, path: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(base + path, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


def load(
    port: int, spec: dict[str, Any], args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    request = workdir / f"request-{uuid.uuid4().hex}.json"
    request.write_text(json.dumps(spec))
    out = subprocess.run(
        [
            sys.executable,
            str(BENCH / "http_load.py"),
            "--port",
            str(port),
            "--request",
            str(request),
            "--connections",
            str(args.connections),
            "--seconds",
            str(args.seconds),
            "--warmup",
            str(args.warmup),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def bench(label: str, env: dict[str, str], args: argparse.Namespace) -> None:
    os.environ.update(env)
    from metskin.settings import get_settings

    get_settings.cache_clear()
    workdir = Path(env["METSKIN_VAR_DIR"])
    for command in ("migrate", "seed"):
        subprocess.run([*METSKIN, command], env=env, check=True, capture_output=True)
    add_analyses(12)
    cluster = Cluster(env, workdir)
    try:
        ports: dict[str, int] = {"floor": free_port()}
        floor_log = open(workdir / "floor.log", "ab")  # noqa: SIM115 (closed with the process)
        cluster.processes["floor"] = subprocess.Popen(
            [sys.executable, str(BENCH / "api_floor.py"), "--port", str(ports["floor"])],
            env=env,
            stdout=floor_log,
            stderr=floor_log,
        )
        for workers in args.workers:
            name = f"graphql x{workers}"
            ports[name] = free_port()
            cluster.start(name, "serve", "--port", str(ports[name]), "--workers", str(workers))
            wait_up(f"http://127.0.0.1:{ports[name]}", "/healthz")
        wait_up(f"http://127.0.0.1:{ports['floor']}", "/floor/products")
        first = f"http://127.0.0.1:{ports[f'graphql x{args.workers[0]}']}"
        login = httpx.post(
            f"{first}/graphql",
            json={
                "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
                "{ accessToken } }",
                "variables": {"e": PATIENT[0], "p": PATIENT[1]},
            },
        ).json()
        token = login["data"]["login"]["accessToken"]
        print(f"\n== {label}: SELECTs per request (GraphQL / floor), same bytes")
        for name, (ours, floors, same) in selects_per_read(token).items():
            print(f"  {name:15s} {ours} / {floors}  {'same bytes' if same else 'BODIES DIFFER'}")
        auth = {"Authorization": f"Bearer {token}"}
        results: dict[tuple[str, str], list[dict[str, Any]]] = {}
        contenders = ["floor", *(f"graphql x{w}" for w in args.workers)]
        if args.apq:
            contenders.append(f"graphql x{args.workers[0]} APQ")
        for _ in range(args.rounds):
            for read in args.reads:
                query, path = READS[read]
                for contender in contenders:
                    headers = auth if read in AUTHENTICATED else {}
                    spec: dict[str, Any] = {"method": "POST", "headers": headers}
                    if contender == "floor":
                        spec["path"] = path
                    elif contender.endswith("APQ"):
                        digest = hashlib.sha256(query.encode()).hexdigest()
                        extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
                        base = f"http://127.0.0.1:{ports[contender.removesuffix(' APQ')]}"
                        httpx.post(
                            f"{base}/graphql",
                            json={"query": query, "extensions": extensions},
                            headers=auth,
                        )
                        spec.update(path="/graphql", body=json.dumps({"extensions": extensions}))
                    else:
                        spec.update(path="/graphql", body=json.dumps({"query": query}))
                    port = ports[contender.removesuffix(" APQ")]
                    results.setdefault((read, contender), []).append(
                        load(port, spec, args, workdir)
                    )
        report(label, results, contenders, args)
    finally:
        cluster.stop_all()


def report(
    label: str,
    results: dict[tuple[str, str], list[dict[str, Any]]],
    contenders: list[str],
    args: argparse.Namespace,
) -> None:
    print(
        f"\n== {label}: {args.connections} connections, {args.rounds} rounds of "
        f"{args.seconds:g} s (after {args.warmup:g} s warm-up); median over rounds"
    )
    print(
        f"  {'read':15s} {'contender':22s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} "
        f"{'errors':>6s} {'floor/this':>10s}"
    )
    for read in args.reads:
        floor_rps = statistics.median(r["rps"] for r in results[(read, "floor")])
        for contender in contenders:
            runs = results[(read, contender)]
            rps = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50_ms"] for r in runs)
            p99 = statistics.median(r["p99_ms"] for r in runs)
            errors = sum(r["errors"] for r in runs)
            print(
                f"  {read:15s} {contender:22s} {rps:7.0f} {p50:7.1f} {p99:7.1f} {errors:6d} "
                f"{floor_rps / rps:9.2f}x"
            )


def bench_env() -> dict[str, str]:
    """The environment of every process of the bench (the rate limits raised, fast hashing)."""
    return {
        **os.environ,
        "METSKIN_ENV": "development",
        "METSKIN_SECRET_KEY": "bench-secret-0123456789abcdefghij",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
        "METSKIN_RATE_LIMIT_SCALE": "1000000",
        "METSKIN_ACCESS_TOKEN_MINUTES": "240",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(BENCH)]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--no-apq", dest="apq", action="store_false")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--reads", nargs="+", choices=list(READS), default=list(READS), help="time only these"
    )
    args = parser.parse_args()
    base = bench_env()
    mysql, redis_url = (
        os.environ.get("METSKIN_TEST_MYSQL_URL"),
        os.environ.get("METSKIN_TEST_REDIS_URL"),
    )
    sqlite_workers = [1] if not redis_url else args.workers
    sqlite_args = argparse.Namespace(**{**vars(args), "workers": sqlite_workers})
    bench(
        "SQLite" + (" + Redis" if redis_url else ""),
        {
            **base,
            "METSKIN_VAR_DIR": tempfile.mkdtemp(prefix="metskin-apibench-"),
            "METSKIN_DATABASE_URL": "",
            "METSKIN_REDIS_URL": redis_url or "",
        },
        sqlite_args,
    )
    if args.sqlite_only:
        return
    if not (mysql and redis_url):
        print("\nMariaDB: skipped (run through scripts/with-services.sh)")
        return
    database = create_mysql_database(mysql, prefix="metskin_apibench")
    try:
        bench(
            "MariaDB + Redis",
            {
                **base,
                "METSKIN_VAR_DIR": tempfile.mkdtemp(prefix="metskin-apibench-"),
                "METSKIN_DATABASE_URL": database,
                "METSKIN_REDIS_URL": redis_url,
            },
            args,
        )
    finally:
        drop_mysql_database(database)


if __name__ == "__main__":
    main()
