"""The event loop never waits on the database: SQL that the API's own code (`metskin/graphql`,
`metskin/web`) runs on an event loop's thread is recorded, and the test that ran it fails.

A statement run there holds up every request the process serves while the database answers,
for as long as 30 s (the read timeout) when it has stopped answering
(`tests/integration/test_mariadb_restart.py`). Test code that calls the container from an
async test is not the API's and is not recorded."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

APP_CODE = ("/metskin/graphql/", "/metskin/web/")
ON_THE_LOOP: list[str] = []  # "file:line function: statement", in the order run


def api_caller() -> str | None:
    """The innermost frame of the API's own code on this thread's stack, if any."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if any(part in name for part in APP_CODE):
            return f"{name.rsplit('/metskin/', 1)[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


@event.listens_for(Engine, "before_cursor_execute")
def _record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return  # a worker thread: where the API's database work belongs
    caller = api_caller()
    if caller is not None:
        ON_THE_LOOP.append(f"{caller}: {' '.join(statement.split())[:100]}")
