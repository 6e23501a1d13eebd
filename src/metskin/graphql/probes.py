"""Operations routes: `/healthz` (the process answers), `/readyz` (the database, Redis when
set, and media storage really answer) and `/metrics` (Prometheus text format)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

import anyio
import anyio.to_thread
import redis
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metskin.adapters.metrics import CONTENT_TYPE
from metskin.bootstrap import Container

CHECK_TIMEOUT_SECONDS = 3.0
PROBE_OBJECT = f"health/probe-{os.getpid()}"


async def health(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def readiness_checks(container: Container) -> dict[str, Callable[[], None]]:
    settings = container.settings

    def database() -> None:
        with container.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def storage() -> None:
        token = secrets.token_bytes(8)
        container.storage.put(PROBE_OBJECT, token, "application/octet-stream")
        if container.storage.get(PROBE_OBJECT) != token:
            raise RuntimeError("storage returned other bytes")

    checks = {"database": database, "storage": storage}
    if settings.uses_redis:
        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=2
        )

        def redis_ping() -> None:
            client.ping()

        checks["redis"] = redis_ping
    return checks


async def run_check(check: Callable[[], None]) -> str:
    with anyio.move_on_after(CHECK_TIMEOUT_SECONDS):
        try:
            await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
        except Exception as error:
            return f"failed: {type(error).__name__}"
        return "ok"
    return "failed: timeout"


def probe_routes(container: Container) -> list[Route]:
    checks = readiness_checks(container)

    async def ready(_request: Request) -> JSONResponse:
        results: dict[str, str] = {}

        async def one(name: str) -> None:
            results[name] = await run_check(checks[name])

        async with anyio.create_task_group() as group:
            for name in checks:
                group.start_soon(one, name)
        failed = sorted(name for name, outcome in results.items() if outcome != "ok")
        body = {"status": "unavailable" if failed else "ok", "checks": results, "failed": failed}
        return JSONResponse(body, status_code=503 if failed else 200)

    async def metrics(_request: Request) -> Response:
        data = await anyio.to_thread.run_sync(container.metrics.render)
        return Response(data, media_type=CONTENT_TYPE)

    return [Route("/healthz", health), Route("/readyz", ready), Route("/metrics", metrics)]
