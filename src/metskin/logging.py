"""Structured logs: key=value lines, or one JSON object a line (METSKIN_JSON_LOGS=true).
Never log secrets, tokens, passwords or image bytes."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO, *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []  # through the root handler, in its format
        logging.getLogger(name).propagate = True


# The routes whose path holds a bearer token: whoever reads a whole one in a log could open
# the photo, download the person's data export or stop their emails.
LINK_PREFIXES = ("/media/", "/exports/", "/unsubscribe/")
TOKEN_SHOWN = 12  # characters of a link's token kept in the access log


def truncate_link_path(path: str) -> str:
    """`/media/<token>`, `/exports/<token>` or `/unsubscribe/<token>` with the token cut short:
    a logged link must not be usable."""
    for prefix in LINK_PREFIXES:
        if path.startswith(prefix):
            token = path[len(prefix) :]
            return f"{prefix}{token[:TOKEN_SHOWN]}..." if len(token) > TOKEN_SHOWN else path
    return path


class TruncateLinkTokens(logging.Filter):
    """For uvicorn's access log, whose record args are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], truncate_link_path(args[2]), *args[3:])
        return True


def hide_link_tokens(logger_name: str = "uvicorn.access") -> None:
    """Install the filter once on the access logger (uvicorn keeps logger filters)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(item, TruncateLinkTokens) for item in logger.filters):
        logger.addFilter(TruncateLinkTokens())
