"""A cursor carries its page's filters: read under the same ones it continues; under others,
or given to the same field in another order, it is CURSOR_FILTERS_CHANGED on `after`; equal
filters agree however they were written; cursors handed out before read until turned off."""

from __future__ import annotations

from datetime import timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

import pytest

from metskin.domain.accounts.model import Role, UserSearch
from metskin.domain.errors import ValidationFailed
from metskin.graphql.accounts.queries import BY_CREATED, BY_NAME
from metskin.graphql.cursors import (
    FILTERS_CHANGED,
    NO_FILTERS,
    NOT_A_CURSOR,
    CursorCodec,
    CursorFiltersChanged,
    by_created,
    fingerprint,
)
from tests.unit.graphql.test_pagination import AT, USERS, Row, b64

ANN = {"search": "ann", "role": None}


def refused(codec: CursorCodec[Any, Any], cursor: str, **settings: bool) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        codec.decode(cursor, **settings)
    assert caught.value.field == "after"
    return caught.value.code, caught.value.message


CHANGED = ("CURSOR_FILTERS_CHANGED", FILTERS_CHANGED)
NOT_OURS = ("VALIDATION_FAILED", NOT_A_CURSOR)


def test_a_cursor_continues_under_the_filters_it_was_made_under() -> None:
    cursor = USERS.under(ANN).encode(Row("u1", AT))
    assert USERS.under(ANN).decode(cursor, unchecked=False) == (AT, "u1")
    assert USERS.under(dict(reversed(ANN.items()))).decode(cursor) == (AT, "u1")
    assert USERS.decode(USERS.encode(Row("u1", AT)), unchecked=False) == (AT, "u1")


@pytest.mark.parametrize(
    "other", [{"search": "bob", "role": None}, {"search": "ann", "role": "ADMIN"}, None, {}]
)
def test_a_cursor_under_other_filters_is_refused_with_its_own_code(other: Any) -> None:
    """Before, the cursor's key was read against the other filters' rows: a page that skipped
    or repeated rows, and no error."""
    cursor = USERS.under(ANN).encode(Row("u1", AT))
    assert refused(USERS.under(other), cursor) == CHANGED
    assert issubclass(CursorFiltersChanged, ValidationFailed)


def test_a_cursor_of_the_same_field_in_another_order_is_refused_as_filters_changed() -> None:
    """`users(orderBy: NAME)` and `users(orderBy: CREATED)` are two lists (`usersByName`,
    `users`) of one field: each other's cursors are CURSOR_FILTERS_CHANGED, any other list's
    VALIDATION_FAILED."""
    by_name = BY_NAME.encode(SimpleUser("u1", "ann"))
    oldest = BY_CREATED.encode(Row("u1", AT))
    assert refused(BY_CREATED, by_name) == CHANGED
    assert refused(BY_NAME, oldest) == CHANGED
    assert refused(BY_NAME, by_created("myReferrals").encode(Row("u1", AT))) == NOT_OURS


class SimpleUser(NamedTuple):
    id: str
    sort_name: str


KEY = b64("2025-06-01T12:30:00+00:00|u1")


@pytest.mark.parametrize(
    "cursor",
    [
        f"users.{KEY}.",
        f"users.{KEY}.abc",
        f"users.{KEY}.!!!!!!!!",
        f"users.{KEY}.{NO_FILTERS}x",
        f"users.{KEY}.{NO_FILTERS}.{NO_FILTERS}",
        f"users.{b64('no time|u1')}.{NO_FILTERS}",
        f"users..{NO_FILTERS}",
    ],
)
def test_a_mangled_fingerprint_or_key_is_not_a_cursor(cursor: str) -> None:
    assert refused(USERS, cursor) == NOT_OURS


def test_a_cursor_without_its_filters_reads_unchecked_until_turned_off() -> None:
    """`<list>.<base64>`, as cursors were handed out before they carried their filters: read
    under any filters (as before) while `accept_cursors_without_filters` is on; refused as not a
    cursor once off, and so is the unnamed base64 alone (older still)."""
    kept = f"users.{KEY}"
    assert USERS.under(ANN).decode(kept) == (AT, "u1")
    assert USERS.under({"search": "bob"}).decode(kept, unchecked=True) == (AT, "u1")
    assert refused(USERS.under(ANN), kept, unchecked=False) == NOT_OURS
    assert USERS.decode(KEY, unnamed=True, unchecked=True) == (AT, "u1")
    assert refused(USERS, KEY, unnamed=True, unchecked=False) == NOT_OURS
    assert refused(USERS, KEY, unnamed=False, unchecked=True) == NOT_OURS
    assert refused(USERS, f"myReferrals.{KEY}") == NOT_OURS  # another list, as before


class Colour(Enum):
    RED = "RED"


PARIS = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}),  # a mapping's keys in any order
        (frozenset({"x", "y", "z"}), frozenset({"z", "y", "x"})),  # a set in any order
        ({"lat": 48, "lon": 2}, {"lat": 48.0, "lon": 2.0}),  # an Int literal for a Float
        (0.0, -0.0),
        (Decimal("5"), Decimal("5.00")),
        (Colour.RED, "RED"),  # an enum by its value
        (AT, AT.astimezone(PARIS)),  # one moment in any offset
        ((Role.ADMIN, UserSearch.of("  ANN ")), (Role.ADMIN, UserSearch.of("ann"))),
        ((Role.ADMIN, UserSearch.of("Élo")), (Role.ADMIN, UserSearch.of("élo"))),
    ],
)
def test_equal_filters_written_otherwise_have_one_fingerprint(one: object, other: object) -> None:
    assert fingerprint(one) == fingerprint(other)
    assert len(fingerprint(one)) == 8


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (None, ""),
        ("ann", "bob"),
        ([1, 2], [2, 1]),  # a list keeps its order (a set does not)
        (Decimal("5"), Decimal("5.01")),
        (AT, AT + timedelta(seconds=1)),
        ({"a": None}, {}),
        ((None, UserSearch.of("ann")), (Role.PATIENT, UserSearch.of("ann"))),
        ((None, UserSearch.of("elo")), (None, UserSearch.of("élo"))),  # addresses keep accents
    ],
)
def test_other_filters_have_another_fingerprint(one: object, other: object) -> None:
    assert fingerprint(one) != fingerprint(other)


def test_a_filter_value_that_is_not_data_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        fingerprint(object())
