"""Input checks shared by every resolver: what a value must be before any use case sees it.

Scalars refuse what no resolver could use (a naive or far-off datetime, a text where a file
belongs), the request is refused when a string cannot be stored (a lone UTF-16 surrogate), and
`decimal_amount` reads a decimal given as text. Each refusal reaches the client with a code
(`BAD_USER_INPUT` for a scalar or a request, `VALIDATION_FAILED` with the field otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import dateutil.parser
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.file_uploads import Upload
from strawberry.types.scalar import ScalarDefinition, scalar

from metskin.domain.money.model import plain_amount
from metskin.domain.values import leaves

# Far enough for any appointment, share or range, and far from the ends of `datetime`, so
# adding days or changing zones can never overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def parse_datetime(value: object) -> dt.datetime:
    """An ISO 8601 datetime with its UTC offset, between EARLIEST_YEAR and LATEST_YEAR."""
    if not isinstance(value, str):
        raise ValueError(f"DateTime must be ISO 8601 text, not {type(value).__name__}.")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"Not an ISO 8601 DateTime: {value[:40]!r}.") from error
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("DateTime needs a UTC offset, e.g. 2030-01-31T09:00:00+00:00.")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(f"DateTime must be between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return parsed


def parse_upload(value: object) -> object:
    """An uploaded file (multipart), never a value that arrived as JSON."""
    if not callable(getattr(value, "read", None)):
        raise ValueError("Upload must be a file sent as a multipart request part.")
    return value


DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=dt.datetime.isoformat,
    parse_value=parse_datetime,
    parse_literal=None,
)
UPLOAD = scalar(
    name="Upload",
    description="Represents a file upload.",
    serialize=lambda value: value,
    parse_value=parse_upload,
)
SCALAR_OVERRIDES: dict[object, Any] = {dt.datetime: DATETIME, Upload: UPLOAD}


def decimal_amount(text: str | None, field: str) -> Decimal | None:
    """A finite, non-negative decimal given as text (e.g. "12.50"), or None when not given."""
    return None if text is None else plain_amount(text.strip(), field)


def _strings(value: object) -> Iterator[str]:
    """Every string in a JSON value (keys included)."""
    return (item for item in leaves(value, keys=True) if isinstance(item, str))


def holds_unstorable_text(query: str | None, variables: object) -> bool:
    """Whether a document or its variables hold text no database can store."""
    return not all(storable(text) for text in _strings([query or "", variables or {}]))


def storable(text: str) -> bool:
    """Whether a string can be written as UTF-8 (a lone surrogate cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RefuseUnstorableText(SchemaExtension):
    """Refuses a request whose document or variables hold text that no database can store."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if holds_unstorable_text(context.query, context.variables):
            raise GraphQLError(
                "The request holds text that is not valid Unicode (a lone surrogate).",
                extensions={"code": "BAD_USER_INPUT"},
            )
        yield
