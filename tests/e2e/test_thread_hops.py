"""Worker-thread hops per request (issue 17): a read costs one hop, the session check rides in
it, and no SQL runs on the event loop's thread; an ended session is refused all the same."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
import redis
from sqlalchemy import event

from metskin.bootstrap import Container, bootstrap
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_on
from tests.e2e.test_care_api import DIRECTORY, LONDON_EYE, add_done_analysis, seed_directory
from tests.media_samples import encode, noise_image

PRODUCTS = "query { products(first: 5) { edges { node { id name } } } }"
MY_ANALYSES = "query { me { id analyses(first: 2) { edges { cursor node { id } } } } }"
SECOND_PAGE = "query($a: String) { me { analyses(first: 2, after: $a) { edges { node { id } } } } }"
ME = "query { me { email } }"


@dataclass
class Hops:
    """Thread submissions, and SQL statements run on the event loop's own thread."""

    threads: int = 0
    on_loop: list[str] = field(default_factory=list)


@pytest.fixture
def hops(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hops]:
    with counting_hops(container, monkeypatch) as counted:
        yield counted


@contextmanager
def counting_hops(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hops]:
    counted = Hops()
    submit = anyio.to_thread.run_sync
    loop_thread = threading.get_ident()  # pytest-asyncio runs the loop on this thread

    async def counting(*args: Any, **kwargs: Any) -> Any:
        counted.threads += 1
        return await submit(*args, **kwargs)

    def statement(*args: Any) -> None:
        if threading.get_ident() == loop_thread:
            counted.on_loop.append(args[2])

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    event.listen(container.engine, "before_cursor_execute", statement)
    yield counted
    event.remove(container.engine, "before_cursor_execute", statement)


async def sent(client: GraphQLClient, hops: Hops, query: str, **variables: Any) -> dict[str, Any]:
    hops.threads, hops.on_loop = 0, []
    return await client.call(query, **variables)


async def test_a_read_costs_one_hop_and_no_sql_on_the_event_loop(
    client: GraphQLClient, container: Container, hops: Hops
) -> None:
    registered = await client.register("hops@example.com")
    owner = registered["user"]["id"]
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    made = [add_done_analysis(container, owner, {}, start + timedelta(hours=i)) for i in range(3)]
    anonymous = GraphQLClient(client.http)
    for _ in range(2):  # the first products read fills the catalog's cache
        body = await sent(anonymous, hops, PRODUCTS)
    assert "errors" not in body and (hops.threads, hops.on_loop) == (1, [])

    body = await sent(client, hops, MY_ANALYSES)  # session check, user and page: one hop
    assert (hops.threads, hops.on_loop) == (1, [])
    page = body["data"]["me"]["analyses"]["edges"]
    assert [edge["node"]["id"] for edge in page] == made[:0:-1]  # newest first
    assert body["data"]["me"]["id"] == owner

    body = await sent(client, hops, SECOND_PAGE, a=page[-1]["cursor"])
    assert [e["node"]["id"] for e in body["data"]["me"]["analyses"]["edges"]] == made[:1]
    assert hops.threads == 1

    bad = await sent(client, hops, "query { me { analyses(first: 0) { edges { cursor } } } }")
    assert [e["extensions"]["code"] for e in bad["errors"]] == ["VALIDATION_FAILED"]


async def test_an_ended_session_is_refused_where_the_viewer_is_needed(
    client: GraphQLClient, hops: Hops
) -> None:
    registered = await client.register("ended@example.com")
    logout = "mutation($t: String!) { logout(refreshToken: $t) }"
    assert await client.data(logout, t=registered["refreshToken"]) == {"logout": True}

    for query in (ME, MY_ANALYSES):
        body = await sent(client, hops, query)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"] == "This session has ended; log in again."
    assert hops.on_loop == []
    # A public field answers as for nobody, beside one that needs the viewer (`me` is
    # non-null: no data, but only `me` is refused) or alone.
    both = await sent(client, hops, "query { products(first: 1) { edges { cursor } } me { id } }")
    assert [e["path"] for e in both["errors"]] == [["me"]]
    alone = await sent(client, hops, PRODUCTS)
    assert "errors" not in alone
    login = (
        'mutation($p: String!) { login(email: "ended@example.com", password: $p) { accessToken } }'
    )
    assert (await client.data(login, p=PASSWORD))["login"]["accessToken"]  # the stale token sent


async def test_a_photo_upload_is_parsed_in_memory(client: GraphQLClient, hops: Hops) -> None:
    """A photo past Starlette's own 1 MB spool limit is not written to a temporary file chunk
    by chunk (one hop per 64 KB, and one to read it back): the upload's rate check and its use
    case are its only hops."""
    await client.register("upload-hops@example.com")
    photo = encode(noise_image(1200, 900), "JPEG", quality=95)
    assert len(photo) > 1024 * 1024
    hops.threads = 0
    body = await client.upload(photo)
    assert body["data"]["uploadMedia"]["width"] == 1200
    assert hops.threads == 2


@pytest.fixture
def on_redis(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Container]:
    """Rate limits in Redis (a database of its own, emptied), two directory reads an hour."""
    url = redis_url.rsplit("/", 1)[0] + "/9"
    redis.Redis.from_url(url).flushdb()
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        redis_url=url,
        rate_limit_scale=1.0,
        rate_limits={"directory.ip": "2/3600"},
    )
    container = bootstrap(settings)
    yield container
    container.close()


@pytest.mark.redis
async def test_a_directory_search_on_redis_checks_its_rate_limit_in_the_same_hop(
    on_redis: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_directory(on_redis)
    near = {"near": {**LONDON_EYE, "radiusKm": 30}}
    async with http_on(on_redis) as http:
        client, anonymous = GraphQLClient(http), GraphQLClient(http)
        await client.register("near@example.com")
        with counting_hops(on_redis, monkeypatch) as hops:
            for caller in (anonymous, client):  # the signed-in one's session check rides too
                body = await sent(caller, hops, DIRECTORY, filter=near, first=10)
                cities = {
                    e["node"]["practice"]["city"] for e in body["data"]["dermatologists"]["edges"]
                }
                assert cities == {"London"} and "errors" not in body
                assert (hops.threads, hops.on_loop) == (1, [])

            hops.threads = 0  # the third read from this address is refused, as before
            refused = await http.post(
                "/graphql", json={"query": DIRECTORY, "variables": {"filter": near, "first": 10}}
            )
            body = refused.json()
            assert body["data"] is None
            [error] = body["errors"]
            wait = error["extensions"]["retryAfter"]
            assert error["extensions"]["code"] == "RATE_LIMITED" and "path" not in error
            assert error["message"] == (
                f"Too many dermatologist directory searches; try again in {wait} s."
            )
            assert refused.headers["retry-after"] == str(wait)
            assert hops.threads == 1
