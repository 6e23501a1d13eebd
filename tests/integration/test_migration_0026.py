"""Migration 0026 on SQLite and MariaDB: the why a change kept in a routine's payload moves to
`routine_changes_pending` when it still waits for a result, and is dropped when never used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from metskin.adapters.db.analysis import AnalysisRow
from metskin.adapters.db.migrations import upgrade
from metskin.adapters.db.recommendations import RoutineRow
from tests.integration.test_migrations import (  # noqa: F401  (the fixture)
    empty_database,
    old_media,
    old_rows,
    old_user,
    there_and_back,
)


def test_0026_moves_a_waiting_why_out_of_the_routine_and_drops_an_unused_one(
    empty_database: str,  # noqa: F811
) -> None:
    url = empty_database
    upgrade(url, "0025")
    person = old_user(url, "maya")
    now = datetime.now(UTC)
    media = old_media(person, now - timedelta(days=30))
    analyses = [
        AnalysisRow(id=ident, owner_id=person, media_id="m1", status=status, stage="DONE",
                    created_at=now - timedelta(days=days))
        for ident, status, days in (("done", "done", 20), ("measured", "running", 0))
    ]  # fmt: skip
    routines = [
        RoutineRow(id=ident, user_id=person, analysis_id=analysis, profile_hash=ident,
                   created_at=now - timedelta(days=days),
                   routine={"am": [], "pm": [], "why_pending": why})
        for ident, analysis, days, why in (
            ("unused", "done", 20, "RATING"),  # its result came, the products stayed
            ("waiting", "measured", 0, "PROFILE"),  # the photo still measured
        )
    ]  # fmt: skip
    old_rows(url, media, *analyses, *routines)
    there_and_back(url, "0026", "0025")  # the downgrade writes the waiting one back
    engine = create_engine(url)
    with engine.connect() as connection:
        payloads = connection.execute(text("SELECT id, routine FROM routines")).all()
        pending = connection.execute(text("SELECT user_id, why FROM routine_changes_pending")).all()
    engine.dispose()
    assert all("why_pending" not in str(payload) for _, payload in payloads)
    assert [tuple(row) for row in pending] == [(person, "PROFILE")]
