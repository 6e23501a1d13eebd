"""Relay-style connections with opaque cursors and a hard cap on `first`: one helper for all.

`paginate` checks `first`, decodes `after` into the key to continue from (`cursors.py`: a
cursor says its list, its row and the filters it was read under, `shape`), asks the use case
for one row more than the page (that row only tells whether a next page exists) and builds the
connection. A cursor is made when it is read (most queries select only the nodes), from the
row the edge keeps: `Edge.cursor`, `PageInfo.startCursor` and `endCursor` read the same text as
when they were made eagerly.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from metskin.domain.errors import DomainError, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.graphql.context import run_sync
from metskin.graphql.cursors import CursorCodec

Node = TypeVar("Node")
Item = TypeVar("Item")
Key = TypeVar("Key")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, edges: Sequence[Edge[Any]], has_next: bool, has_previous: bool) -> PageInfo:
        """Of a page's edges: the start and end cursors are the edges' own, read on demand."""
        made = cls.__new__(cls)
        made.__dict__.update(has_next_page=has_next, has_previous_page=has_previous)
        made.__dict__["_edges"] = edges
        return made

    def __getattr__(self, name: str) -> Any:
        """`start_cursor` / `end_cursor` left by `of` to their first read, then kept."""
        edges = self.__dict__.get("_edges")
        if edges is None or name not in ("start_cursor", "end_cursor"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = (edges[0] if name == "start_cursor" else edges[-1]).cursor if edges else None
        self.__dict__[name] = value
        return value


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node

    @classmethod
    def of(cls, item: Item, node: Node, codec: CursorCodec[Item, Any]) -> Edge[Node]:
        """An edge whose cursor is made from `item` by `codec` on its first read."""
        made: Edge[Node] = cls.__new__(cls)
        made.__dict__.update(node=node, _cursor_of=(codec, item))
        return made

    def __getattr__(self, name: str) -> Any:
        """`cursor` left by `of` to its first read: made, then kept."""
        cursor_of = self.__dict__.get("_cursor_of")
        if cursor_of is None or name != "cursor":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__["cursor"] = cursor_of[0].encode(cursor_of[1])
        return value


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def check_page_size(first: int, cap: int) -> int:
    if not 1 <= first <= cap:
        between = _("`first` must be between 1 and {cap}.")
        raise ValidationFailed.translatable(between, "first", cap=cap)
    return first


@dataclass(frozen=True)
class PageRequest(Generic[Key]):
    """What a use case is asked for: rows strictly after `after` (None: from the start)."""

    after: Key | None
    first: int

    @property
    def limit(self) -> int:
        """One row more than the page: it only tells whether a next page exists."""
        return self.first + 1


@dataclass(frozen=True)
class Page(Generic[Item]):
    """Up to first + 1 rows as fetched, before they become a connection."""

    rows: Sequence[Item]
    first: int
    had_previous: bool
    codec: CursorCodec[Item, Any]

    def connection(self, to_node: Callable[[Item], Node]) -> Connection[Node]:
        """The page's edges and page info; cursors are made when read (`Edge.of`)."""
        codec, of = self.codec, Edge.of
        edges = [of(item, to_node(item), codec) for item in self.rows[: self.first]]
        page_info = PageInfo.of(edges, len(self.rows) > self.first, self.had_previous)
        return Connection(edges=edges, page_info=page_info)


async def fetch_page(
    info: Info,
    first: int,
    after: str | None,
    codec: CursorCodec[Item, Key],
    fetch: Callable[[PageRequest[Key]], Sequence[Item]],
    prefetched_as: Hashable = None,
    shape: object = None,
) -> Page[Item]:
    """Check `first`, decode `after` (a cursor of a page under the same `shape`), run the use
    case `fetch` in a worker thread, unless the parent's hop read these rows already
    (`prefetch_page`, under the same `prefetched_as`). `shape`: the arguments that make the
    list what it is (its filters and order, normalised; None: it has none), which its cursors
    carry (`CursorCodec.under`)."""
    codec = codec.under(shape)
    request = page_request(info, first, after, codec)
    rows: Sequence[Item] | None = None
    if prefetched_as is not None:
        rows = info.context.pages.pop((prefetched_as, first, after), None)
    if rows is None:
        rows = await run_sync(fetch, request)
    return Page(rows, first, request.after is not None, codec)


def page_request(
    info: Info, first: int, after: str | None, codec: CursorCodec[Any, Key]
) -> PageRequest[Key]:
    """The page asked for (raises on a bad `first` or `after`)."""
    settings = info.context.container.settings
    check_page_size(first, settings.max_page_size)
    unnamed, unchecked = settings.accept_unnamed_cursors, settings.accept_cursors_without_filters
    return PageRequest(codec.decode(after, unnamed, unchecked), first)


def prefetch_page(
    info: Info,
    prefetched_as: Hashable,
    arguments: dict[str, Any],
    codec: CursorCodec[Any, Key],
    fetch: Callable[[PageRequest[Key]], Sequence[Any]],
) -> Callable[[], None] | None:
    """For a parent's hop (in its worker thread): read the page a child connection field will
    ask for with these `arguments` (its defaults applied), kept for its `fetch_page`; None when
    the arguments are bad (the child reports them)."""
    first, after = arguments["first"], arguments.get("after")
    try:
        request = page_request(info, first, after, codec)
    except DomainError:
        return None
    pages = info.context.pages

    def read() -> None:
        pages[(prefetched_as, first, after)] = fetch(request)

    return read


async def paginate(
    info: Info,
    first: int,
    after: str | None,
    codec: CursorCodec[Item, Key],
    fetch: Callable[[PageRequest[Key]], Sequence[Item]],
    to_node: Callable[[Item], Node],
    prefetched_as: Hashable = None,
    shape: object = None,
) -> Connection[Node]:
    """The connection of one page: every list resolver with `first`/`after` ends here.
    `shape`: its filters and order, normalised (`fetch_page`)."""
    page = await fetch_page(info, first, after, codec, fetch, prefetched_as, shape)
    return page.connection(to_node)
