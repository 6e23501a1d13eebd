"""`me { analyses }` (issue 17 point 1): the session check the token owes, the viewer and their
page are read in one unit of work, so a request costs one transaction on one worker-thread hop,
and three SELECTs whatever the page size; the body is the same either way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, update

from metskin.adapters.db.accounts import RefreshTokenRow
from metskin.bootstrap import Container
from metskin.graphql.context import Context
from metskin.graphql.execution import FastExecutionContext
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import add_done_analysis

PAGE = (
    "query($n: Int!, $a: String) { me { id analyses(first: $n, after: $a) { edges { cursor "
    "node { id createdAt summary { monk skinType topConcerns } } } } } }"
)

BESIDE = PAGE.replace(
    "query($n: Int!, $a: String) {",
    "query($n: Int!, $a: String) { products(first: 1) { edges { cursor } }",
)


@contextmanager
def transactions(container: Container) -> Iterator[dict[str, int]]:
    """Transactions ended (every read-only unit of work ends in a rollback) and SELECTs run."""
    seen = {"ended": 0, "selects": 0}

    def ended(*_: Any) -> None:
        seen["ended"] += 1

    def statement(*args: Any) -> None:
        seen["selects"] += args[2].lstrip().upper().startswith("SELECT")

    event.listen(container.engine, "rollback", ended)
    event.listen(container.engine, "commit", ended)
    event.listen(container.engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(container.engine, "rollback", ended)
        event.remove(container.engine, "commit", ended)
        event.remove(container.engine, "before_cursor_execute", statement)


async def test_me_and_a_page_of_analyses_are_one_read(
    client: GraphQLClient, container: Container
) -> None:
    owner = (await client.register("pages@example.com"))["user"]["id"]
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    made = [add_done_analysis(container, owner, {}, start + timedelta(hours=i)) for i in range(7)]
    after, found = None, []
    for size in (2, 5):
        with transactions(container) as seen:
            body = await client.data(PAGE, n=size, a=after)
        assert seen == {"ended": 1, "selects": 3}  # session check, user and page together
        edges = body["me"]["analyses"]["edges"]
        assert body["me"]["id"] == owner and len(edges) == size
        found += [edge["node"]["id"] for edge in edges]
        after = edges[-1]["cursor"]
    assert found == made[::-1]


async def test_an_ended_session_is_refused_before_the_read(
    client: GraphQLClient, container: Container
) -> None:
    """The check that rides in the read's unit of work refuses a logged-out session and an
    expired one with the same coded error, and reads neither the user nor the page."""
    for ending in ("logout", "expiry"):
        registered = await client.register(f"{ending}@example.com")
        add_done_analysis(
            container, registered["user"]["id"], {}, datetime(2026, 11, 1, tzinfo=UTC)
        )
        assert (await client.data(PAGE, n=2))["me"]["id"] == registered["user"]["id"]
        if ending == "logout":
            logout = "mutation($t: String!) { logout(refreshToken: $t) }"
            assert await client.data(logout, t=registered["refreshToken"]) == {"logout": True}
        else:
            with container.engine.begin() as connection:
                connection.execute(
                    update(RefreshTokenRow).values(expires_at=datetime(2026, 1, 1, tzinfo=UTC))
                )
        with transactions(container) as seen:
            body = await client.call(PAGE, n=2)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"] == "This session has ended; log in again."
        assert seen == {"ended": 1, "selects": 1}  # the check only
        both = await client.call(BESIDE, n=2)  # only `me` is refused (non-null: no data)
        assert [e["path"] for e in both["errors"]] == [["me"]] and both["data"] is None


async def test_a_read_leaves_no_garbage_for_the_cycle_collector(
    client: GraphQLClient, container: Container
) -> None:
    """The request's context and its executor are freed as soon as the request is answered,
    by their reference counts: a cycle through them (a translator holding its context, the
    executor's helpers holding the executor) left every request's objects to the cyclic
    collector, whose full passes over the server's heap came every few hundred requests."""
    owner = (await client.register("garbage@example.com"))["user"]["id"]
    add_done_analysis(container, owner, {}, datetime(2026, 11, 1, tzinfo=UTC))
    await client.data(PAGE, n=2)  # every cache filled
    gc.collect()
    gc.disable()  # what the request leaves unreachable stays until the collection below
    try:
        assert (await client.data(PAGE, n=2))["me"]["id"] == owner
        gc.set_debug(gc.DEBUG_SAVEALL)  # the unreachable kept in gc.garbage, to be seen
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, Context | FastExecutionContext)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
