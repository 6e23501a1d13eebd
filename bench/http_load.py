"""A closed-loop HTTP/1.1 load generator (wrk is not installed here): N keep-alive connections,
each sending one request, reading the whole response, and sending the next. Raw asyncio
streams on uvloop, no HTTP library, so one process drives a few thousand requests a second.

Run as its own process (`api_bench.py` does), so it does not share the server's interpreter.
Prints one JSON line: requests, seconds, errors (status not 200 or a body of another length
than the first one), p50/p99 in ms.

    python bench/http_load.py --port 8000 --request request.json --connections 10 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any


def build_request(host: str, port: int, spec: dict[str, Any]) -> bytes:
    body = spec.get("body", "").encode()
    headers = {
        "Host": f"{host}:{port}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Content-Length": str(len(body)),
        **spec.get("headers", {}),
    }
    head = f"{spec['method']} {spec['path']} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return (head + "\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def connection(
    host: str, port: int, request: bytes, start: float, stop: float, out: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (sent := time.perf_counter()) < stop:
            writer.write(request)
            status, body = await read_response(reader)
            done = time.perf_counter()
            if out["length"] is None:
                out["length"] = len(body)
            if sent >= start:
                out["latencies"].append(done - sent)
                if status != 200 or len(body) != out["length"]:
                    out["errors"] += 1
    finally:
        writer.close()


async def run(args: argparse.Namespace, spec: dict[str, Any]) -> dict[str, Any]:
    request = build_request(args.host, args.port, spec)
    out: dict[str, Any] = {"latencies": [], "errors": 0, "length": None}
    begin = time.perf_counter()
    start, stop = begin + args.warmup, begin + args.warmup + args.seconds
    await asyncio.gather(
        *(
            connection(args.host, args.port, request, start, stop, out)
            for _ in range(args.connections)
        )
    )
    latencies = sorted(out["latencies"])
    count = len(latencies)
    return {
        "requests": count,
        "seconds": args.seconds,
        "rps": count / args.seconds,
        "errors": out["errors"],
        "p50_ms": latencies[count // 2] * 1000 if count else None,
        "p99_ms": latencies[min(count - 1, int(count * 0.99))] * 1000 if count else None,
        "cpu_s": time.process_time(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--request", required=True, help="JSON: method, path, headers, body")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    with open(args.request, encoding="utf-8") as handle:
        spec = json.load(handle)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(args, spec))))


if __name__ == "__main__":
    main()
