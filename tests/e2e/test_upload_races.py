"""A deletion of an upload (`deleteMedia`, `deleteAnalysis`) racing a `startAnalysis` of it or
the end of its analysis, on SQLite and MariaDB, through HTTP: the two units of work are put in
a fixed order by holding one at a known point (a `threading.Event`) while the other runs in
another thread. The loser gets a coded error (MEDIA_NOT_FOUND) or finds its analysis gone, and
nothing of the upload is left: no row, no stored object.

The held side waits at most `HOLD` seconds for the other to finish: the other finishes in that
time only when nothing makes it wait (the race the tests pin), else it waits for the held side.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import anyio
from sqlalchemy import text

from metskin.adapters.db import privacy_photos
from metskin.adapters.db.analysis import SqlAnalysisRepository
from metskin.bootstrap import Container
from metskin.domain.analysis import service as analysis_service
from metskin.domain.analysis.records import AnalysisStatus
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_privacy_api import stored_objects
from tests.media_samples import face_jpeg

HOLD = 2.0
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
DELETE_MEDIA = "mutation($id: ID!) { deleteMedia(id: $id) { mediaId analysisIds } }"
DELETE = "mutation($id: ID!) { deleteAnalysis(id: $id) { mediaId analysisIds } }"


class Hold:
    """One side stops at a point (`reached`) until the other side is `done` (or HOLD runs
    out)."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.done = threading.Event()
        self.other_finished_first = False

    def stop_here(self) -> None:
        if self.reached.is_set():
            return  # once
        self.reached.set()
        self.other_finished_first = self.done.wait(HOLD)

    async def other_side(self, call: Callable[[], Any]) -> Any:
        await anyio.to_thread.run_sync(self.reached.wait)
        try:
            return await call()
        finally:
            self.done.set()


@contextmanager
def delete_held_after_reading(hold: Hold) -> Iterator[None]:
    """The deletion's rows step stops once it has read what it deletes (the uploads, their
    analyses and results, under its locks), before it deletes anything."""
    real = privacy_photos.SqlPhotos._ids

    def ids(self: Any, column: Any, where: Any, *, lock: bool = False) -> list[str]:
        found = real(self, column, where, lock=lock)
        if column is privacy_photos.RoutineRow.id:
            hold.stop_here()
        return found

    with mock.patch.object(privacy_photos.SqlPhotos, "_ids", ids):
        yield


@contextmanager
def start_held_after_reading_the_upload(hold: Hold) -> Iterator[None]:
    """`startAnalysis` stops once it has read the upload (under its lock), before it adds the
    analysis."""
    consent = analysis_service.require_photo_consent

    def after_reading_the_upload(records: Any, owner_id: str) -> None:
        consent(records, owner_id)
        hold.stop_here()

    with mock.patch.object(analysis_service, "require_photo_consent", after_reading_the_upload):
        yield


def rows_of(container: Container, media_id: str) -> dict[str, int]:
    with container.engine.connect() as connection:
        return {
            table: connection.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :id"), {"id": media_id}
            ).scalar_one()
            for table, column in (("media", "id"), ("analyses", "media_id"))
        }


async def upload(client: GraphQLClient) -> str:
    return str((await client.upload(face_jpeg()))["data"]["uploadMedia"]["id"])


async def test_a_delete_while_a_start_reads_the_upload_deletes_the_analysis_it_started(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("racer@example.com")
    media_id = await upload(client)
    before = stored_objects(container)
    hold = Hold()
    with start_held_after_reading_the_upload(hold):
        started, deleted = await asyncio.gather(
            client.call(START, m=media_id),
            hold.other_side(lambda: client.call(DELETE_MEDIA, id=media_id)),
        )
    assert not hold.other_finished_first, "the delete ran while the start held the upload"
    # Before: the delete went first and the start's insert broke the foreign key (CONFLICT).
    assert "errors" not in started, started
    analysis_id = started["data"]["startAnalysis"]["id"]
    # and the analysis with it, listed (before: [], the analyses its first step had read)
    assert deleted["data"]["deleteMedia"] == {"mediaId": media_id, "analysisIds": [analysis_id]}
    container.start_embedded_worker()
    container.broker.join("default")  # the queued run finds its analysis gone
    assert rows_of(container, media_id) == {"media": 0, "analyses": 0}
    assert before - stored_objects(container) == {n for n in before if media_id in n}
    assert not {n for n in stored_objects(container) if media_id in n or analysis_id in n}


async def test_a_start_while_a_delete_holds_the_upload_is_media_not_found(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("racer@example.com")
    media_id = await upload(client)
    hold = Hold()
    with delete_held_after_reading(hold):
        deleted, started = await asyncio.gather(
            client.call(DELETE_MEDIA, id=media_id),
            hold.other_side(lambda: client.call(START, m=media_id)),
        )
    assert not hold.other_finished_first, "the start ran while the delete held the upload"
    assert deleted["data"]["deleteMedia"]["analysisIds"] == []
    # Before: the start committed an analysis that the delete's cascade then removed, and
    # answered with its id.
    assert [e["extensions"]["code"] for e in started["errors"]] == ["MEDIA_NOT_FOUND"]
    assert started["errors"][0]["extensions"]["field"] == "mediaId"
    assert rows_of(container, media_id) == {"media": 0, "analyses": 0}
    assert not {n for n in stored_objects(container) if media_id in n}


async def started_analysis(client: GraphQLClient) -> tuple[str, str]:
    await client.register("racer@example.com")
    media_id = await upload(client)
    return media_id, (await client.data(START, m=media_id))["startAnalysis"]["id"]


async def test_a_delete_while_the_analysis_stores_its_result_deletes_its_overlay(
    client: GraphQLClient, container: Container
) -> None:
    media_id, analysis_id = await started_analysis(client)
    hold = Hold()
    add_result = SqlAnalysisRepository.add_result

    def held_add_result(self: Any, *args: Any) -> None:
        hold.stop_here()  # the run holds its analysis (locked) and is about to store the result
        add_result(self, *args)

    with mock.patch.object(SqlAnalysisRepository, "add_result", held_add_result):
        status, deleted = await asyncio.gather(
            anyio.to_thread.run_sync(container.analyses.run, analysis_id),
            hold.other_side(lambda: client.call(DELETE, id=analysis_id)),
        )
    assert not hold.other_finished_first, "the delete ran while the run held its analysis"
    # Before (SQLite): the run's result broke the foreign key and its overlay stayed stored.
    assert status is AnalysisStatus.DONE
    assert deleted["data"]["deleteAnalysis"]["analysisIds"] == [analysis_id]
    assert rows_of(container, media_id) == {"media": 0, "analyses": 0}
    assert not {n for n in stored_objects(container) if media_id in n or analysis_id in n}


async def test_an_analysis_that_ends_while_a_delete_holds_it_keeps_nothing(
    client: GraphQLClient, container: Container
) -> None:
    media_id, analysis_id = await started_analysis(client)
    hold, ready = Hold(), threading.Event()
    finish = analysis_service.AnalysisService._finish

    def finish_once_the_delete_holds_it(self: Any, *args: Any) -> bool:
        ready.set()
        hold.reached.wait()
        try:
            return finish(self, *args)
        finally:
            hold.done.set()

    async def delete() -> dict[str, Any]:
        await anyio.to_thread.run_sync(ready.wait)  # the run has measured, stored its files
        return await client.call(DELETE, id=analysis_id)

    with (
        mock.patch.object(
            analysis_service.AnalysisService, "_finish", finish_once_the_delete_holds_it
        ),
        delete_held_after_reading(hold),
    ):
        status, deleted = await asyncio.gather(
            anyio.to_thread.run_sync(container.analyses.run, analysis_id), delete()
        )
    assert not hold.other_finished_first, "the run ended while the delete held its analysis"
    assert deleted["data"]["deleteAnalysis"]["analysisIds"] == [analysis_id]
    assert status is AnalysisStatus.DONE  # it measured; it found its analysis gone and kept nothing
    assert rows_of(container, media_id) == {"media": 0, "analyses": 0}
    # Before (SQLite): the result was committed after the delete had read the results, so
    # its overlay was not deleted.
    assert not {n for n in stored_objects(container) if media_id in n or analysis_id in n}


async def test_two_starts_of_one_upload_at_once_are_one_analysis(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("racer@example.com")
    media_id = await upload(client)
    hold = Hold()
    with start_held_after_reading_the_upload(hold):
        first, second = await asyncio.gather(
            client.call(START, m=media_id),
            hold.other_side(lambda: client.call(START, m=media_id)),
        )
    assert not hold.other_finished_first, "the second start ran while the first held the upload"
    # Before: two analyses of the one photo, two runs, two rows in the history.
    assert first["data"]["startAnalysis"]["id"] == second["data"]["startAnalysis"]["id"]
    assert rows_of(container, media_id) == {"media": 1, "analyses": 1}
