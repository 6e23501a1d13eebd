"""The pagination helper: cursor wire formats, bad cursors, and first + 1 rows to a page."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest

from metskin.domain.errors import ValidationFailed
from metskin.graphql.appointments.queries import APPOINTMENT_CURSOR
from metskin.graphql.cursors import (
    NO_FILTERS,
    NOT_A_CURSOR,
    CursorCodec,
    by_created,
    by_id,
    fingerprint,
    keyset_codec,
)
from metskin.graphql.pagination import PageRequest, paginate
from metskin.graphql.sharing.queries import ACCESS_CURSOR

AT = datetime(2025, 6, 1, 12, 30, tzinfo=UTC)
USERS: CursorCodec[Any, tuple[datetime, str]] = by_created("users")


class Row(NamedTuple):
    id: str
    created_at: datetime


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_cursors_name_their_list_then_keep_their_wire_format() -> None:
    """`<list>.<base64 key>.<fingerprint>`: the list and the key as before, then the page's
    filters (a list without filters: `NO_FILTERS`)."""
    assert (
        by_created("users").encode(Row("u1", AT))
        == "users." + b64("2025-06-01T12:30:00+00:00|u1") + "." + NO_FILTERS
    )
    assert by_id("products").encode(Row("p-7", AT)) == f"products.{b64('p-7')}.{NO_FILTERS}"
    distance = keyset_codec("dermatologists", lambda pair: pair, float, str)
    made = distance.under({"specialty": "acne"}).encode((1.25, "d1"))
    assert made == f"dermatologists.{b64('1.25|d1')}.{fingerprint({'specialty': 'acne'})}"


def test_a_cursor_of_another_list_of_the_same_kind_is_refused() -> None:
    """Before, a cursor of `myReferrals` given to `users` (both by creation time) was read as
    a place in it, and any cursor was read by `products` (by id) as an id."""
    referral = by_created("myReferrals").encode(Row("u1", AT))
    article = CursorCodec("articles", lambda row: row.id, str).encode(Row("acne-101", AT))
    for codec, cursor in [(by_created("users"), referral), (by_id("products"), article)]:
        with pytest.raises(ValidationFailed) as caught:
            codec.decode(cursor)
        assert (caught.value.field, caught.value.message) == ("after", NOT_A_CURSOR)
    assert by_created("myReferrals").decode(referral) == (AT, "u1")


def test_a_cursor_made_before_lists_were_named_is_read_until_it_is_turned_off() -> None:
    """The cursors clients held when lists got their names: still read (by any list of their
    shape, as before) while `accept_unnamed_cursors` is on; refused once it is off."""
    unnamed = b64("2025-06-01T12:30:00+00:00|u1")
    assert by_created("users").decode(unnamed) == (AT, "u1")
    assert by_created("users").decode(unnamed, unnamed=True) == (AT, "u1")
    with pytest.raises(ValidationFailed) as caught:
        by_created("users").decode(unnamed, unnamed=False)
    assert (caught.value.field, caught.value.message) == ("after", NOT_A_CURSOR)
    named = by_created("users").encode(Row("u1", AT))
    assert by_created("users").decode(named, unnamed=False) == (AT, "u1")


def test_cursors_decode_to_the_key_to_continue_after() -> None:
    codec = by_created("users")
    assert codec.decode(codec.encode(Row("u1", AT))) == (AT, "u1")
    access = keyset_codec("dermatologists", lambda pair: pair, datetime.fromisoformat, int)
    assert access.decode(b64(f"{AT.isoformat()}|42")) == (AT, 42)
    assert codec.decode(None) is None


@pytest.mark.parametrize("cursor", ["%%%not-base64", b64("no time|u1"), b64("")])
def test_bad_cursors_are_validation_errors_on_after(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        by_created("users").decode(cursor)
    assert caught.value.field == "after"


@pytest.mark.parametrize(
    "cursor",
    [
        "",  # before: the first page again
        "!!!!",  # base64 that skips what it cannot read: "" too
        "%%%",
        b64("p-7") + "!",
        b64("p-7").rstrip("=") + "==",
        "A" * 5000,
        b64("x" * 2000),
        "products.",
        "products.!!!!",
        "products." + b64("p-7") + "!",
        "products." + "A" * 5000,
        "products.products." + b64("p-7"),
        ".",
    ],
)
def test_a_cursor_no_list_gave_is_refused_even_by_a_list_ordered_by_any_text(cursor: str) -> None:
    """Lists by id read any text as an id: before, a mangled cursor silently restarted (or
    moved) the page, so a client looping on `endCursor` could loop for ever."""
    with pytest.raises(ValidationFailed) as caught:
        by_id("products").decode(cursor)
    assert (caught.value.field, caught.value.message) == ("after", NOT_A_CURSOR)
    assert by_id("products").decode(b64("p-7")) == "p-7"


@pytest.mark.parametrize(
    "codec",
    [by_created("users"), APPOINTMENT_CURSOR, ACCESS_CURSOR],
    ids=["created", "start", "access"],
)
@pytest.mark.parametrize("text", ["2025-06-01T12:30:00|7", "2025-06-01|7"])
def test_a_cursor_time_without_an_offset_is_a_validation_error(codec: Any, text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        codec.decode(b64(text))
    assert (caught.value.field, caught.value.message) == ("after", NOT_A_CURSOR)


def test_a_cursor_time_with_another_offset_continues_after_the_same_moment_in_utc() -> None:
    key = by_created("users").decode(b64("2025-06-01T17:30:00+05:00|u1"))
    assert key == (AT, "u1") and key[0].tzinfo is UTC


def info(cap: int = 100) -> Any:
    settings = SimpleNamespace(
        max_page_size=cap, accept_unnamed_cursors=True, accept_cursors_without_filters=True
    )
    return SimpleNamespace(context=SimpleNamespace(container=SimpleNamespace(settings=settings)))


async def test_paginate_asks_for_one_row_more_and_builds_the_page() -> None:
    rows = [Row(f"u{i}", AT) for i in range(5)]
    asked: list[PageRequest[tuple[datetime, str]]] = []

    def fetch(page: PageRequest[tuple[datetime, str]]) -> list[Row]:
        asked.append(page)
        return rows[: page.limit]

    first = await paginate(info(), 2, None, by_created("users"), fetch, lambda row: row.id)
    assert [edge.node for edge in first.edges] == ["u0", "u1"]
    assert first.page_info.has_next_page and not first.page_info.has_previous_page
    assert asked[-1].after is None and asked[-1].limit == 3

    second = await paginate(
        info(),
        2,
        first.page_info.end_cursor,
        by_created("users"),
        lambda page: rows[2 : 2 + page.limit],
        lambda row: row.id,
    )
    assert second.page_info.has_previous_page and second.page_info.has_next_page

    last = await paginate(
        info(), 10, None, by_created("users"), lambda page: rows, lambda row: row.id
    )
    assert len(last.edges) == 5 and not last.page_info.has_next_page
    assert last.page_info.end_cursor == last.edges[-1].cursor


@pytest.mark.parametrize("first", [0, 101])
async def test_paginate_caps_first(first: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await paginate(info(100), first, None, by_id("products"), lambda page: [], lambda row: row)
    assert caught.value.field == "first"
