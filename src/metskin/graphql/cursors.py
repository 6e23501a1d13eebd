"""Page cursors: which list gave one, the row to continue after, and the filters it came under.

A cursor is `<list>.<base64 key>.<fingerprint>`:
- the list is the connection field's name (`users`, `myReferrals`); a field with several
  orders names each (`users`, `usersByName`);
- the key is the url-safe base64 of the row's sort key as text: `<time>|<id>` for a keyset on
  (time, id), `<distance>|<id>` for the directory, the id alone for lists by id;
- the fingerprint is 8 characters of the SHA-256 of the arguments that shape the list (its
  filters; not `first` or `after`), as the resolver normalises them (`fingerprint`): a cursor
  read with other filters or another order continued a list it was never a place in, and
  silently skipped or repeated rows.

Decoding refuses a cursor no list gave, or another list's, as VALIDATION_FAILED on `after`
(`NOT_A_CURSOR`), and one of this list under other filters, or of the same field in another
order, as CURSOR_FILTERS_CHANGED on `after` (`FILTERS_CHANGED`). Cursors handed out before
are still read, unchecked, for one release: `<list>.<base64>` (before cursors carried their
filters) while `Settings.accept_cursors_without_filters` is on, the base64 alone (before lists
were named, never holding a `.`) by any list of its shape while `accept_unnamed_cursors` is on
too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Generic, Protocol, TypeVar

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.ports import CreatedKey

Item = TypeVar("Item")
ItemIn = TypeVar("ItemIn", contravariant=True)
KeyOut = TypeVar("KeyOut", covariant=True)
Sort = TypeVar("Sort")
Ident = TypeVar("Ident")


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


# The longest cursor a list hands out is well under this (a time, a name or a distance, an id).
MAX_CURSOR_LENGTH = 1024
NOT_A_CURSOR = _(
    "This cursor is not one this list gave: pass an edge's `cursor` or `pageInfo.endCursor` "
    "as it came, or leave `after` out to start again."
)
FILTERS_CHANGED = _(
    "This cursor belongs to a page read with other filters or in another order: to page "
    "through these, start again without `after`."
)


class CursorFiltersChanged(ValidationFailed, code="CURSOR_FILTERS_CHANGED"):
    """A cursor of this list given with other filters, or of the same field in another order."""


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(NOT_A_CURSOR, field="after")


def filters_changed() -> CursorFiltersChanged:
    return CursorFiltersChanged(FILTERS_CHANGED, field="after")


def decode_cursor(cursor: str | None) -> str | None:
    """The text of a cursor that `encode_cursor` made, exactly: anything else (an empty string,
    characters outside base64, a text that is not one this server encodes) is VALIDATION_FAILED
    on `after`, on every list alike, rather than a page read from some other place."""
    return None if cursor is None else _decoded(cursor)


def _decoded(cursor: str) -> str:
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise bad_cursor() from error
    if not text or encode_cursor(text) != cursor:
        raise bad_cursor()
    return text


def _plain(value: object) -> object:
    """`value` as JSON that equal arguments write alike: a dataclass or mapping by its fields'
    names, a set sorted, an enum by its value, a time in UTC, a number by its value (1 and 1.0,
    0.0 and -0.0, 5 and 5.00 alike)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(value).normalize() + 0  # + 0: -0 is 0
        whole = number.is_finite() and number == number.to_integral_value()
        return int(number) if whole else str(number)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.utcoffset() is not None else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=_json)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise TypeError(f"a cursor's filters cannot hold a {type(value).__name__}")


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


FINGERPRINT = re.compile(r"[A-Za-z0-9_-]{8}")


def fingerprint(shape: object) -> str:
    """8 characters (48 bits of SHA-256, url-safe base64) of the arguments that shape a list:
    equal for equal `shape`s, whatever order a mapping's keys or a set's items came in. The
    resolver normalises what its list reads alike first (a search's case, a set's order)."""
    digest = hashlib.sha256(_json(_plain(shape)).encode()).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()


# Between a cursor's list, its key and its fingerprint: never in base64.
NAMED = "."
NO_FILTERS = fingerprint(None)


@dataclass(frozen=True)
class CursorCodec(Generic[ItemIn, KeyOut]):
    """A row's sort key as cursor text, and cursor text back as the key to continue after."""

    name: str  # the list's: every cursor it makes says it (`users.<base64>.<fingerprint>`)
    text: Callable[[ItemIn], str]
    parse: Callable[[str], KeyOut]
    # The names of the same field's lists in its other orders: their cursors are
    # CURSOR_FILTERS_CHANGED here, not a cursor of another list.
    orders: frozenset[str] = frozenset()
    filters: str = NO_FILTERS  # the fingerprint of the page's filters (`under`)

    def under(self, shape: object) -> CursorCodec[ItemIn, KeyOut]:
        """This codec for a page read under `shape` (None: a list without filters)."""
        return self if shape is None else replace(self, filters=fingerprint(shape))

    def encode(self, item: ItemIn) -> str:
        return f"{self.name}{NAMED}{encode_cursor(self.text(item))}{NAMED}{self.filters}"

    def decode(
        self, cursor: str | None, unnamed: bool = True, unchecked: bool = True
    ) -> KeyOut | None:
        """The key after `cursor`: one this list made under the same filters, or one made
        before cursors carried them (`unchecked`; without a list too: `unnamed`). Anything else
        is VALIDATION_FAILED on `after`; a cursor of this list (or of the same field in another
        order) under other filters is CURSOR_FILTERS_CHANGED on `after`."""
        if cursor is None:
            return None
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise bad_cursor()
        name, named, rest = cursor.partition(NAMED)
        if not named:
            if not (unnamed and unchecked):
                raise bad_cursor()
            return self._key(cursor)
        if name != self.name:
            raise filters_changed() if name in self.orders else bad_cursor()
        key, checked, filters = rest.partition(NAMED)
        found = self._key(key)
        if not checked:
            if not unchecked:
                raise bad_cursor()
            return found
        if not FINGERPRINT.fullmatch(filters):
            raise bad_cursor()
        if filters != self.filters:
            raise filters_changed()
        return found

    def _key(self, encoded: str) -> KeyOut:
        try:
            return self.parse(_decoded(encoded))
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
