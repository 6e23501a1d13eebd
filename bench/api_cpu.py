"""Issue 17: the CPU the GraphQL layer spends per request on the three reads of `api_bench.py`,
in process (no HTTP, no load generator), with the lean path (graphql/lean.py) and with
Strawberry's view only, alternated in one process on one app, so that both share the load.

    PYTHONPATH=src:bench .venv/bin/python bench/api_cpu.py [--requests 60] [--pairs 8]
    PYTHONPATH=src:bench .venv/bin/python bench/api_cpu.py --against /tmp/base   # see below
    PYTHONPATH=src:bench .venv/bin/python bench/api_cpu.py --freeze [--gen0 5000]

Setup as `api_bench.py` (a fresh SQLite database, `metskin migrate`, `metskin seed`, 12
finished analyses). For each read: `--pairs` pairs of batches of `--requests` requests, the
order of the two switched from pair to pair; `time.process_time` per batch (every thread of the
process), median and minimum per request. Then the Python calls per request on the event loop's
thread (cProfile, lean path), which do not depend on the load.

While timed, it also counts the worker-thread hops per request (`anyio.to_thread.run_sync`
calls) and the garbage collections (per generation, and their CPU, by `gc.callbacks`).
`--freeze` runs the server's `settle_heap` (`gc.freeze()` after start-up) before measuring;
`--gen0 N` sets the young generation's threshold. To compare two checkouts whose difference is
not in execution (e.g. `graphql/context.py`), run this file from this checkout with
`PYTHONPATH=<other>/src:bench`, alternating the two runs.

With `--against CHECKOUT` (e.g. `git worktree add /tmp/base main`), the lean path is
alternated, batch by batch in this one process, with itself running the checkout's
`graphql/execution.py` (its `FastExecutionContext`) and Strawberry's own conversion of every
input object (`from_input` unset on the types `convert_inputs_plainly` built plainly, whatever
the checkout did): the two sides share the process, the app, the data and the machine's load,
so a CPU difference between them is this checkout's execution and input conversion against
the other's execution and Strawberry's conversion.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
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

import anyio.to_thread
from api_bench import AUTHENTICATED, PATIENT, READS, add_analyses, bench_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster import METSKIN  # noqa: E402

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


def asgi_caller(app: Any, target: str = "/graphql") -> Any:
    """`call(body, headers)`: the response body of a POST to `target` (path and query)."""
    path, _, query = target.partition("?")

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
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
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
    if args.gen0:
        gc.set_threshold(args.gen0, *gc.get_threshold()[1:])
    view = next(
        r.app for r in app.routes if isinstance(r, Route) and isinstance(r.app, MetSkinGraphQL)
    )
    lean, call = view.lean, asgi_caller(app)
    sides = contenders(view.schema, args.against) if args.against else None
    login = {"query": LOGIN, "variables": {"e": PATIENT[0], "p": PATIENT[1]}}
    token = json.loads(await call(json.dumps(login).encode(), []))["data"]["login"]["accessToken"]
    auth = [(b"authorization", f"Bearer {token}".encode())]
    if args.freeze:
        from metskin.graphql.app import settle_heap  # what `metskin serve` does after start-up

        settle_heap()
    watch = Watch()
    print(f"ms of CPU per request (median, min over {args.pairs} batches of {args.requests})")
    for name, (query, _) in READS.items():
        body, headers = json.dumps({"query": query}).encode(), auth if name in AUTHENTICATED else []
        assert b'"errors"' not in await call(body, headers)
        for _ in range(30):
            await call(body, headers)
        labels = list(sides) if sides else ["lean path", "Strawberry's view"]
        found: dict[str, list[float]] = {label: [] for label in labels}
        watch.start()
        for pair in range(args.pairs):
            order = list(found) if pair % 2 == 0 else list(reversed(found))
            for label in order:
                if sides:
                    sides[label]()
                else:
                    view.lean = lean if label == "lean path" else None
                started = time.process_time()
                for _ in range(args.requests):
                    await call(body, headers)
                found[label].append((time.process_time() - started) / args.requests * 1000)
        watch.stop(name, args.requests * args.pairs * len(found))
        view.lean = lean
        if sides:
            sides["this checkout"]()
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


class Watch:
    """Worker-thread hops (`anyio.to_thread.run_sync`) and garbage collections while timed."""

    def __init__(self) -> None:
        self.hops, self.collections, self.gc_seconds, self.began = 0, [0, 0, 0], 0.0, 0.0
        submit = anyio.to_thread.run_sync

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.hops += 1
            return await submit(*args, **kwargs)

        anyio.to_thread.run_sync = counted  # type: ignore[assignment]
        gc.callbacks.append(self.collected)
        self.on = False

    def collected(self, phase: str, info: dict[str, int]) -> None:
        if not self.on:
            return
        if phase == "start":
            self.began = time.process_time()
        else:
            self.collections[info["generation"]] += 1
            self.gc_seconds += time.process_time() - self.began

    def start(self) -> None:
        self.hops, self.collections, self.gc_seconds, self.on = 0, [0, 0, 0], 0.0, True

    def stop(self, name: str, requests: int) -> None:
        self.on = False
        young, middle, old = (count / requests * 100 for count in self.collections)
        print(
            f"  {name:15s} thread hops per request {self.hops / requests:.2f}; collections per "
            f"100 requests {young:.1f} / {middle:.1f} / {old:.2f} (gen 0/1/2), "
            f"GC {self.gc_seconds / requests * 1000:.3f} ms of CPU per request"
        )


def contenders(schema: Any, against: Path) -> dict[str, Any]:
    """Switches between this checkout's execution and input conversion and another's."""
    import importlib.util

    from metskin.graphql.input_conversion import build_input

    spec = importlib.util.spec_from_file_location(
        "against_execution", against / "src/metskin/graphql/execution.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    inputs = [
        concrete.definition
        for concrete in schema.schema_converter.type_map.values()
        if getattr(concrete.definition, "from_input", None) is build_input
    ]
    core = schema._schema.__dict__
    shapes: dict[str, dict[Any, Any]] = {"this checkout": {}, str(against): {}}

    def switch(label: str, executor: type, from_input: Any) -> Any:
        def use() -> None:
            core["_metskin_shapes"] = shapes[label]  # each side keeps its own shapes
            schema.execution_context_class = executor
            for definition in inputs:
                definition.from_input = from_input

        return use

    return {
        "this checkout": switch("this checkout", schema.execution_context_class, build_input),
        str(against): switch(str(against), module.FastExecutionContext, None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--against", type=Path, help="a checkout to alternate with (see above)")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after start-up")
    parser.add_argument("--gen0", type=int, default=0, help="the young generation's threshold")
    args = parser.parse_args()
    fresh_sqlite()
    asyncio.run(measure(args))


def fresh_sqlite() -> None:
    """This process's settings: a fresh SQLite database, migrated, seeded, 12 analyses."""
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


if __name__ == "__main__":
    main()
