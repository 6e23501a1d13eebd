"""Issue 17: the CPU the GraphQL layer spends per request on the three reads of `api_bench.py`,
in process (no HTTP, no load generator), with the lean path (graphql/lean.py) and with
Strawberry's view only, alternated in one process on one app, so that both share the load.

    PYTHONPATH=src:bench .venv/bin/python bench/api_cpu.py [--requests 60] [--pairs 8]

Setup as `api_bench.py` (a fresh SQLite database, `metskin migrate`, `metskin seed`, 12
finished analyses). For each read: `--pairs` pairs of batches of `--requests` requests, the
order of the two switched from pair to pair; `time.process_time` per batch (every thread of the
process), median and minimum per request. Then the Python calls per request on the event loop's
thread (cProfile, lean path), which do not depend on the load.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from api_bench import AUTHENTICATED, PATIENT, READS, add_analyses, bench_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster import METSKIN  # noqa: E402

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


def asgi_caller(app: Any) -> Any:
    async def call(body: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
        sent: list[dict[str, Any]] = []
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"bench"), (b"content-type", b"application/json"), *headers],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
        }
        await app(scope, receive, send)
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    return call


async def measure(args: argparse.Namespace) -> None:
    from starlette.routing import Route

    from metskin.bootstrap import bootstrap
    from metskin.graphql.app import MetSkinGraphQL, create_app
    from metskin.settings import Settings

    container = bootstrap(Settings())
    app = create_app(container)
    view = next(
        r.app for r in app.routes if isinstance(r, Route) and isinstance(r.app, MetSkinGraphQL)
    )
    lean, call = view.lean, asgi_caller(app)
    login = {"query": LOGIN, "variables": {"e": PATIENT[0], "p": PATIENT[1]}}
    token = json.loads(await call(json.dumps(login).encode(), []))["data"]["login"]["accessToken"]
    auth = [(b"authorization", f"Bearer {token}".encode())]
    print(f"ms of CPU per request (median, min over {args.pairs} batches of {args.requests})")
    for name, (query, _) in READS.items():
        body, headers = json.dumps({"query": query}).encode(), auth if name in AUTHENTICATED else []
        assert b'"errors"' not in await call(body, headers)
        for _ in range(30):
            await call(body, headers)
        found: dict[str, list[float]] = {"lean path": [], "Strawberry's view": []}
        for pair in range(args.pairs):
            order = list(found) if pair % 2 == 0 else list(reversed(found))
            for label in order:
                view.lean = lean if label == "lean path" else None
                started = time.process_time()
                for _ in range(args.requests):
                    await call(body, headers)
                found[label].append((time.process_time() - started) / args.requests * 1000)
        view.lean = lean
        print(
            f"  {name:15s} "
            + "   ".join(f"{k} {statistics.median(v):.2f}, {min(v):.2f}" for k, v in found.items())
        )
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            await call(body, headers)
        profile.disable()
        calls = sum(row[1] for row in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
        print(f"  {name:15s} Python calls per request (lean path): {calls / args.requests:.0f}")
    container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pairs", type=int, default=8)
    args = parser.parse_args()
    env = {
        **bench_env(),
        "METSKIN_VAR_DIR": tempfile.mkdtemp(prefix="metskin-apicpu-"),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
    }
    os.environ.update(env)
    for command in ("migrate", "seed"):
        subprocess.run([*METSKIN, command], env=env, check=True, capture_output=True)
    add_analyses(12)
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
