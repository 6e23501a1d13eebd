"""A person's analyses page and the viewer's read in SQL (plain Core rows, issue 17 point 1)
give what the ORM rows gave, every field of every analysis and user, page by page, on SQLite and
MariaDB; one SELECT whatever the page size, and no ORM row built or kept in the session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from metskin.adapters.db.accounts import UserRow, user_to_domain
from metskin.adapters.db.analysis import AnalysisRow, analysis_to_domain
from metskin.adapters.db.repository import keyset_page
from metskin.bootstrap import Container
from metskin.domain.accounts.model import Profile, Role, User
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    AnalysisSummary,
    Stage,
)
from metskin.domain.ports import CreatedKey
from tests.e2e.test_care_api import photo_media
from tests.integration.test_catalog_db import selects

START = datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=UTC)


def orm_page(session: Session, owner_id: str, before: CreatedKey | None, limit: int) -> list:
    """The page as it was read before issue 17 point 1: whole ORM rows (`page_where`)."""
    columns = [col(AnalysisRow.created_at), col(AnalysisRow.id)]
    query = select(AnalysisRow).where(AnalysisRow.owner_id == owner_id)
    rows = session.exec(keyset_page(query, columns, before, limit, newest=True))
    return [analysis_to_domain(row) for row in rows]


@contextmanager
def orm_loads(row_type: type[SQLModel]) -> Iterator[list[object]]:
    """The ORM rows of `row_type` built from query results meanwhile (its mapper's `load`)."""
    built: list[object] = []

    def loaded(target: object, _: object) -> None:
        built.append(target)

    event.listen(row_type, "load", loaded)
    try:
        yield built
    finally:
        event.remove(row_type, "load", loaded)


def add_user(container: Container, email: str, **profile: Any) -> str:
    user = User(
        id=str(uuid.uuid4()),
        email=email,
        password_hash="x",
        role=Role.PATIENT,
        created_at=START,
        profile=Profile(**profile),
    )
    with container.new_uow() as uow:
        uow.users.add(user)
        uow.commit()
    return user.id


def add_analyses(container: Container, owner_id: str, count: int) -> None:
    """Analyses of every kind: done with a summary, failed with a reason, running, queued;
    two share a creation time (the keyset's tie on the id)."""
    made: list[Analysis] = []
    with container.new_uow() as uow:
        for n in range(count):
            created = START + timedelta(minutes=n // 2 * 7, microseconds=n)
            if n % 5 == 1:
                created = START + timedelta(minutes=7)
            media = photo_media(owner_id, created)
            kind = n % 4
            status = [AnalysisStatus.DONE, AnalysisStatus.FAILED, AnalysisStatus.RUNNING][kind % 3]
            summary = AnalysisSummary(True, 0.5 + n / 100, 31.5 - n, 1 + n % 10, "IV", None, [])
            if kind == 0:
                summary.top_concerns = ["acne", "redness"][: n % 3]
                summary.skin_type = "oily"
            uow.media.add(media)
            made.append(
                Analysis(
                    id=str(uuid.uuid4()),
                    owner_id=owner_id,
                    media_id=media.id,
                    status=AnalysisStatus.QUEUED if kind == 3 else status,
                    stage=Stage.DONE if kind == 0 else Stage.QUEUED,
                    progress=[1.0, 0.25, 0.5, 0.0][kind],
                    created_at=created,
                    started_at=None if kind == 3 else created + timedelta(seconds=1),
                    finished_at=created + timedelta(seconds=9) if kind < 2 else None,
                    failure_code="NO_FACE" if kind == 1 else None,
                    failure_reason="No face was found." if kind == 1 else None,
                    attempts=kind,
                    summary=summary if kind == 0 else None,
                    event_seq=n * 3,
                )
            )
        uow.commit()
    with container.new_uow() as uow:
        for analysis in made:
            uow.analyses.add(analysis)
        uow.commit()


def test_the_page_read_gives_the_orm_rows_analyses_page_by_page(container: Container) -> None:
    owner = add_user(container, "owner@example.com")
    other = add_user(container, "other@example.com")
    add_analyses(container, owner, 13)
    add_analyses(container, other, 4)
    pages: list[list[Analysis]] = []
    before: CreatedKey | None = None
    while True:
        with container.new_uow() as uow:
            page = uow.analyses.list_for_owner(owner, before, 4)
            assert page == orm_page(uow.session, owner, before, 4)
        if not page:
            break
        pages.append(page)
        before = (page[-1].created_at, page[-1].id)
    found = [analysis for page in pages for analysis in page]
    assert len(found) == 13 and {a.owner_id for a in found} == {owner}
    assert {a.status for a in found} == set(AnalysisStatus)
    assert any(a.summary and a.summary.top_concerns for a in found)
    assert found[0].created_at.tzinfo is not None and found[0].created_at.microsecond
    assert found == sorted(found, key=lambda a: (a.created_at, a.id), reverse=True)
    assert found == container.analyses.history(owner, None, 20)
    (user,) = container.accounts.get_users([owner])
    assert container.analyses.owner_and_history(owner, before, 20) == (user, [])
    assert container.analyses.owner_and_history(owner, None, 4) == (user, pages[0])
    assert container.analyses.owner_and_history("nobody", None, 4) == (None, [])


def test_a_page_is_one_select_and_builds_no_orm_row(container: Container) -> None:
    owner = add_user(container, "owner@example.com")
    add_analyses(container, owner, 12)
    for size, after in ((3, False), (11, False), (11, True)):
        with container.new_uow() as uow:
            before = None
            if after:
                newest = uow.analyses.list_for_owner(owner, None, 1)[0]
                before = (newest.created_at, newest.id)
            with selects(container) as seen, orm_loads(AnalysisRow) as built:
                page = uow.analyses.list_for_owner(owner, before, size)
            assert len(page) == (11 if after else size)
            assert len(seen) == 1
            assert built == [] and not uow.session.identity_map


def test_the_viewers_read_gives_the_orm_rows_users(container: Container) -> None:
    first = add_user(container, "a@example.com", concerns=["acne"], allergies=["Linalool"])
    second = add_user(
        container, "b@example.com", display_name="Zoë", birth_year=1990, pregnant=True
    )
    with container.new_uow() as uow:
        with selects(container) as seen, orm_loads(UserRow) as built:
            found = uow.users.list_by_ids([second, first, "nobody"])
        assert len(seen) == 1 and built == [] and not uow.session.identity_map
        rows = uow.session.exec(select(UserRow).where(col(UserRow.id).in_([first, second])))
        before = {row.id: user_to_domain(row) for row in rows}
        assert uow.users.list_by_ids([]) == []
    assert {user.id: user for user in found} == before
    assert before[second].profile.display_name == "Zoë"
    assert before[first].profile.allergies == ["Linalool"]
    assert container.accounts.get_users([first]) == [before[first]]
    with container.new_uow() as uow, selects(container) as seen:  # one id: its own statement
        assert uow.users.list_by_ids([second]) == [before[second]]
        assert uow.users.list_by_ids(["nobody"]) == []
    assert len(seen) == 2


@contextmanager
def statements(container: Container) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2].lstrip().split()[0].upper())

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", record)


def test_the_locked_read_and_save_are_one_select_and_one_update_without_orm_rows(
    container: Container,
) -> None:
    owner = add_user(container, "owner@example.com")
    add_analyses(container, owner, 4)
    with container.new_uow() as uow:
        queued = next(a for a in uow.analyses.list_for_owner(owner, None, 4) if a.attempts == 3)
    with container.new_uow() as uow:
        with statements(container) as seen, orm_loads(AnalysisRow) as built:
            analysis = uow.analyses.get(queued.id, for_update=True)
            assert analysis == queued
            analysis.status, analysis.stage = AnalysisStatus.DONE, Stage.DONE
            analysis.started_at = START + timedelta(seconds=3, microseconds=7)
            analysis.summary = AnalysisSummary(True, 0.75, 20.5, 4, "III", "oily", ["acne"])
            analysis.attempts, analysis.event_seq, analysis.progress = 4, 4_000_000_001, 1.0
            uow.analyses.save(analysis)
            uow.analyses.add_result(queued.id, {"ok": True, "n": [1, 2]}, "overlays/x.jpg")
            uow.commit()
        # On SQLite the locked read takes the write lock first (`lock_for_writing`)
        locking = ["BEGIN"] if container.engine.dialect.name == "sqlite" else []
        assert seen == [*locking, "SELECT", "UPDATE", "INSERT"]
        assert built == [] and not uow.session.identity_map
    with container.new_uow() as uow:  # read back through the ORM rows
        row = uow.session.get(AnalysisRow, queued.id)
        assert row is not None and analysis_to_domain(row) == analysis
        assert uow.analyses.get_results([queued.id]) == {
            queued.id: ({"ok": True, "n": [1, 2]}, "overlays/x.jpg")
        }
        analysis.progress = 0.5  # saved through the session's row, which stays current
        uow.analyses.save(analysis)
        uow.commit()
        assert uow.session.get(AnalysisRow, queued.id).progress == 0.5
    with container.new_uow() as uow:
        assert uow.analyses.get(queued.id, for_update=True) == analysis
        assert uow.analyses.get("nobody", for_update=True) is None
        analysis.id = "nobody"
        with pytest.raises(LookupError):
            uow.analyses.save(analysis)
        with pytest.raises(IntegrityError):  # one result per analysis
            uow.analyses.add_result(queued.id, {"ok": False}, None)


def test_an_unlocked_read_is_one_select_without_orm_rows_until_the_orm_is_in_use(
    container: Container,
) -> None:
    """A unit of work that has used no ORM row reads an analysis with one Core SELECT (a live
    stream's check before each update, the progress re-read); once the ORM is in use, the read
    goes through it and sees its rows, changed or not."""
    owner = add_user(container, "owner@example.com")
    add_analyses(container, owner, 2)
    with container.new_uow() as uow:
        known = uow.analyses.list_for_owner(owner, None, 2)
    with container.new_uow() as uow:
        with statements(container) as seen, orm_loads(AnalysisRow) as built:
            assert [uow.analyses.get(analysis.id) for analysis in known] == known
            assert uow.analyses.get("nobody") is None
        assert seen == ["SELECT"] * 3
        assert built == [] and not uow.session.identity_map
    with container.new_uow() as uow:
        row = uow.session.get(AnalysisRow, known[0].id)
        assert row is not None
        row.progress = 0.25  # changed in the session, not written yet
        with orm_loads(AnalysisRow) as built:
            assert uow.analyses.get(known[1].id) == known[1]
        assert len(built) == 1  # through the ORM, as before
        found = uow.analyses.get(known[0].id)
        assert found is not None and found.progress == 0.25
