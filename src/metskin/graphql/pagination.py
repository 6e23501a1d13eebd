"""Relay-style connections with opaque cursors and a hard cap on `first`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import strawberry

from metskin.domain.errors import ValidationFailed

Node = TypeVar("Node")
Item = TypeVar("Item")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValidationFailed("The cursor is not valid.", field="after") from error


class Created(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def id(self) -> str: ...


def keyset_key(stamp: datetime, ident: object) -> str:
    """The cursor key of a (time, id) keyset: ties on time are broken by id."""
    return f"{stamp.isoformat()}|{ident}"


def created_key(item: Created) -> str:
    return keyset_key(item.created_at, item.id)


def parse_keyset(cursor: str | None) -> tuple[datetime, str] | None:
    key = decode_cursor(cursor)
    if key is None:
        return None
    stamp, _, ident = key.partition("|")
    try:
        return datetime.fromisoformat(stamp), ident
    except ValueError as error:
        raise ValidationFailed("The cursor is not valid.", field="after") from error


def check_page_size(first: int, cap: int) -> int:
    if not 1 <= first <= cap:
        raise ValidationFailed(f"`first` must be between 1 and {cap}.", field="first")
    return first


def build_connection(
    items: Sequence[Item],
    first: int,
    key: Callable[[Item], str],
    to_node: Callable[[Item], Node],
    had_previous: bool,
) -> Connection[Node]:
    """`items` holds up to first + 1 rows: the extra one only tells whether a next page exists."""
    page = list(items[:first])
    edges = [Edge(cursor=encode_cursor(key(item)), node=to_node(item)) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > first,
            has_previous_page=had_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
