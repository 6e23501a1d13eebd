"""A bounded load test on loopback: what the default limits hold (issue 13, point 8).

Starts `metskin serve` (development, default limits, embedded SQLite, seeded) on a free
loopback port, then for a fixed time drives abusive traffic from one address over a fixed number
of connections, and meanwhile times `/healthz` every 100 ms from a separate connection:

- anonymous directory reads, as fast as the connections allow;
- the expensive query of the issue (30 aliases of `availableSlots` over 92 days);
- wrong passwords for one account;
- JSON bodies of 2 MB.

Prints the answers by outcome (`ok`, error code or HTTP status), requests per second, and the
health check's p50 / p99 / max, as one JSON object. Every loop is bounded in count and time and
sends traffic to 127.0.0.1 only.

    PYTHONPATH=src .venv/bin/python bench/limits_load.py --seconds 10 --connections 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.cluster import METSKIN, Cluster

SLOTS = (
    "{ "
    + " ".join(
        f'a{i}: availableSlots(dermatologistId: "x", from: "2027-01-01T00:00:00Z", '
        f'to: "2027-04-02T00:00:00Z") {{ start }}'
        for i in range(30)
    )
    + " }"
)
REQUESTS: dict[str, dict[str, Any]] = {
    "directory": {"query": "{ dermatologists(first: 10) { edges { node { id name } } } }"},
    "expensive": {"query": SLOTS},
    "wrong_login": {
        "query": 'mutation { login(email: "patient@demo.metskin.local", password: "wrong-wrong-1") '
        "{ accessToken } }"
    },
}
HUGE_BODY = json.dumps({"query": "{ health }", "pad": "x" * 2_000_000})
MAX_REQUESTS = 200_000  # a hard bound whatever the time


def outcome(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return f"http {response.status_code}"
    if errors:
        return str(errors[0].get("extensions", {}).get("code", f"http {response.status_code}"))
    return "ok" if response.status_code == 200 else f"http {response.status_code}"


async def abuse(
    client: httpx.AsyncClient, kind: str, stop: float, counts: Counter[str], sent: list[int]
) -> None:
    while time.monotonic() < stop and sent[0] < MAX_REQUESTS:
        sent[0] += 1
        if kind == "huge":
            response = await client.post(
                "/graphql", content=HUGE_BODY, headers={"content-type": "application/json"}
            )
        else:
            response = await client.post("/graphql", json=REQUESTS[kind])
        counts[f"{kind}: {outcome(response)}"] += 1


async def health(client: httpx.AsyncClient, stop: float, seconds: list[float]) -> None:
    while time.monotonic() < stop:
        started = time.monotonic()
        response = await client.get("/healthz")
        response.raise_for_status()
        seconds.append(time.monotonic() - started)
        await asyncio.sleep(0.1)


async def drive(base: str, duration: float, connections: int) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    sent, probes = [0], []
    limits = httpx.Limits(max_connections=connections + 1)
    kinds = ["directory", "expensive", "wrong_login", "huge"]
    async with (
        httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client,
        httpx.AsyncClient(base_url=base, timeout=30) as probe,
    ):
        stop = time.monotonic() + duration
        await asyncio.gather(
            *(abuse(client, kinds[i % len(kinds)], stop, counts, sent) for i in range(connections)),
            health(probe, stop, probes),
        )
    probes_ms = sorted(1000 * s for s in probes)
    return {
        "seconds": duration,
        "connections": connections,
        "requests": sent[0],
        "requests_per_second": round(sent[0] / duration, 1),
        "answers": dict(sorted(counts.items())),
        "healthz_ms": {
            "p50": round(statistics.median(probes_ms), 1),
            "p99": round(probes_ms[int(0.99 * (len(probes_ms) - 1))], 1),
            "max": round(probes_ms[-1], 1),
            "samples": len(probes_ms),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="limits-load-"))
    env = {**os.environ, "METSKIN_ENV": "development", "METSKIN_VAR_DIR": str(folder)}
    for step in (["migrate"], ["seed"]):
        subprocess.run([*METSKIN, *step], env=env, check=True, capture_output=True)
    cluster = Cluster(env, folder)
    try:
        base = cluster.start_api("api")
        print(json.dumps(asyncio.run(drive(base, args.seconds, args.connections)), indent=1))
    finally:
        cluster.stop_all()


if __name__ == "__main__":
    main()
