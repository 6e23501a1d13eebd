"""Relay-style connections with opaque cursors and a hard cap on `first`: one helper for all.

A cursor names its list, then the url-safe base64 of a row's sort key as text:
`<list>.<base64>`, the list being the connection field's name (`users`, `myReferrals`) and the
key `<time>|<id>` for a keyset on (time, id), `<distance>|<id>` for the directory, the id alone
for lists by id. A cursor of another list is refused even when its key would parse (two lists
by creation time). Cursors made before lists were named (the base64 alone, which never holds a
`.`) are still read, by any list of their shape, while `Settings.accept_unnamed_cursors` is on.
`paginate` checks `first`, decodes `after` into the key to continue from, asks the use case for
one row more than the page (that row only tells whether a next page exists) and builds the
connection. A cursor is made when it is read (most queries select only the nodes), from the
row the edge keeps: `Edge.cursor`, `PageInfo.startCursor` and `endCursor` read the same text as
when they were made eagerly.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from strawberry.types import Info

from metskin.domain.errors import DomainError, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.ports import CreatedKey
from metskin.graphql.context import run_sync

Node = TypeVar("Node")
Item = TypeVar("Item")
Key = TypeVar("Key")
ItemIn = TypeVar("ItemIn", contravariant=True)
KeyOut = TypeVar("KeyOut", covariant=True)
Sort = TypeVar("Sort")
Ident = TypeVar("Ident")


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


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


# The longest cursor a list hands out is well under this (a time, a name or a distance, an id).
MAX_CURSOR_LENGTH = 1024
NOT_A_CURSOR = _(
    "This cursor is not one this list gave: pass an edge's `cursor` or `pageInfo.endCursor` "
    "as it came, or leave `after` out to start again."
)


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(NOT_A_CURSOR, field="after")


def decode_cursor(cursor: str | None) -> str | None:
    """The text of a cursor that `encode_cursor` made, exactly: anything else (an empty string,
    characters outside base64, a text that is not one this server encodes) is VALIDATION_FAILED
    on `after`, on every list alike, rather than a page read from some other place."""
    if cursor is None:
        return None
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise bad_cursor() from error
    if not text or encode_cursor(text) != cursor:
        raise bad_cursor()
    return text


# Between a cursor's list and its key: never in the base64 of a cursor without a list.
NAMED = "."


@dataclass(frozen=True)
class CursorCodec(Generic[ItemIn, KeyOut]):
    """A row's sort key as cursor text, and cursor text back as the key to continue after."""

    name: str  # the list's: every cursor it makes says it (`users.<base64>`)
    text: Callable[[ItemIn], str]
    parse: Callable[[str], KeyOut]

    def encode(self, item: ItemIn) -> str:
        return f"{self.name}{NAMED}{encode_cursor(self.text(item))}"

    def decode(self, cursor: str | None, unnamed: bool = True) -> KeyOut | None:
        """The key after `cursor`: one this list made, or (`unnamed`) one made before cursors
        named their list; anything else is VALIDATION_FAILED on `after`."""
        if cursor is None:
            return None
        name, named, key = cursor.partition(NAMED)
        if named and name != self.name:
            raise bad_cursor()
        if not named and not unnamed:
            raise bad_cursor()
        text = decode_cursor(key if named else cursor)
        if text is None:
            return None
        try:
            return self.parse(text)
        except ValueError as error:
            raise bad_cursor() from error


def _key_text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def keyset_codec(
    name: str,
    key: Callable[[Item], tuple[object, object]],
    parse_sort: Callable[[str], Sort],
    parse_ident: Callable[[str], Ident],
) -> CursorCodec[Item, tuple[Sort, Ident]]:
    """Keyset pages on (sort value, id): ties on the sort value are broken by the id."""

    def text(item: Item) -> str:
        sort, ident = key(item)
        return f"{_key_text(sort)}|{_key_text(ident)}"

    def parse(text: str) -> tuple[Sort, Ident]:
        sort, _, ident = text.partition("|")
        return parse_sort(sort), parse_ident(ident)

    return CursorCodec(name, text, parse)


def cursor_time(text: str) -> datetime:
    """A cursor's time: ISO 8601 with an offset, as UTC. Every cursor on a time parses with this.

    A time without an offset is refused (ValueError, so VALIDATION_FAILED on `after`): it cannot
    be compared with the stored, timezone-aware times.
    """
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError("a cursor's time needs an offset")
    return moment.astimezone(UTC)


def by_time(
    name: str,
    key: Callable[[Item], tuple[datetime, object]],
    parse_ident: Callable[[str], Ident],
) -> CursorCodec[Item, tuple[datetime, Ident]]:
    """Keyset pages on (time, id), the time read by `cursor_time`."""
    return keyset_codec(name, key, cursor_time, parse_ident)


class Identified(Protocol):
    @property
    def id(self) -> str: ...


class Created(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def id(self) -> str: ...


IdentifiedT = TypeVar("IdentifiedT", bound=Identified)
CreatedT = TypeVar("CreatedT", bound=Created)


def by_id(name: str) -> CursorCodec[IdentifiedT, str]:
    """Lists ordered by id."""
    return CursorCodec(name, lambda item: item.id, str)


def by_created(name: str) -> CursorCodec[CreatedT, CreatedKey]:
    """Lists ordered by creation time (newest or oldest first), ties broken by id."""
    return by_time(name, lambda item: (item.created_at, item.id), str)


def _name_key(text: str) -> tuple[str, str]:
    ident, bar, name = text.partition("|")  # the id first: a name may hold a bar
    if not bar or not ident:
        raise ValueError("not a by-name cursor")
    return name, ident


def by_name(
    name: str, key: Callable[[Item], tuple[str, str]]
) -> CursorCodec[Item, tuple[str, str]]:
    """Lists by a stored name key (`User.sort_name`), ties broken by id: `<id>|<key>`."""
    return CursorCodec(name, lambda item: "|".join(reversed(key(item))), _name_key)


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
) -> Page[Item]:
    """Check `first`, decode `after`, run the use case `fetch` in a worker thread, unless the
    parent's hop read these rows already (`prefetch_page`, under the same `prefetched_as`)."""
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
    return PageRequest(codec.decode(after, settings.accept_unnamed_cursors), first)


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
) -> Connection[Node]:
    """The connection of one page: every list resolver with `first`/`after` ends here."""
    page = await fetch_page(info, first, after, codec, fetch, prefetched_as)
    return page.connection(to_node)
