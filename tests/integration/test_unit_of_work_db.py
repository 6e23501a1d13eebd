"""The SQL unit of work turns a MariaDB deadlock into a clear Conflict, not an internal error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.bootstrap import Container
from metskin.domain.errors import Conflict
from tests.integration.test_analysis_db import add_analyses, add_user
from tests.integration.test_care_booking import make_patient


@pytest.mark.mariadb
@pytest.mark.parametrize("database_url", ["mariadb"], indirect=True)
def test_a_deadlock_is_a_conflict_and_the_other_transaction_commits(
    container: Container,
) -> None:
    first = make_patient(container, "first@example.com").id
    second = make_patient(container, "second@example.com").id
    both_hold_one = threading.Barrier(2)
    outcomes: list[str] = []

    def lock_in_order(order: tuple[str, str]) -> None:
        try:
            with container.new_uow() as uow:
                assert isinstance(uow, SqlUnitOfWork)
                lock = text("SELECT id FROM users WHERE id = :id FOR UPDATE")
                uow.session.execute(lock, {"id": order[0]})
                both_hold_one.wait(timeout=10)
                uow.session.execute(lock, {"id": order[1]})  # one of the two is the victim
                uow.session.execute(
                    text("UPDATE users SET display_name = 'won' WHERE id = :id"), {"id": order[1]}
                )
                uow.commit()
            outcomes.append("committed")
        except Conflict as error:
            assert "try again" in error.message
            outcomes.append(error.code)

    threads = [
        threading.Thread(target=lock_in_order, args=(order,))
        for order in ((first, second), (second, first))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["CONFLICT", "committed"]
    with container.new_uow() as uow:
        names = {user.profile.display_name for user in uow.users.list_by_ids([first, second])}
    assert "won" in names


def _transactions(container: Container) -> dict[str, int]:
    seen = {"begin": 0, "commit": 0, "rollback": 0}
    for name in seen:
        event.listen(
            container.engine, name, lambda *_, name=name: seen.__setitem__(name, seen[name] + 1)
        )
    return seen


def test_a_core_read_then_an_orm_write_are_one_transaction(container: Container) -> None:
    """The unit of work hands out a plain connection first (LazySession); the ORM Session
    built later joins it: one transaction, committed once, and the write is kept."""
    patient = make_patient(container, "lazy@example.com").id
    seen = _transactions(container)
    with container.new_uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        assert [user.id for user in uow.users.list_by_ids([patient])] == [patient]
        uow.session.execute(
            text("UPDATE users SET display_name = 'joined' WHERE id = :id"), {"id": patient}
        )
        uow.commit()
    assert seen == {"begin": 1, "commit": 1, "rollback": 0}
    with container.new_uow() as uow:
        (user,) = uow.users.list_by_ids([patient])
    assert user.profile.display_name == "joined"


def test_an_uncommitted_orm_write_after_a_core_read_is_rolled_back(container: Container) -> None:
    patient = make_patient(container, "undone@example.com").id
    seen = _transactions(container)
    with container.new_uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        uow.users.list_by_ids([patient])
        uow.session.execute(
            text("UPDATE users SET display_name = 'undone' WHERE id = :id"), {"id": patient}
        )
    assert seen == {"begin": 1, "commit": 0, "rollback": 1}
    with container.new_uow() as uow:
        (user,) = uow.users.list_by_ids([patient])
    assert user.profile.display_name != "undone"


def test_the_workers_locked_read_and_save_build_no_orm_session(container: Container) -> None:
    """The analysis worker's begin and finish are Core statements: asking whether the session
    holds the row (`identity_map`) must not build the ORM Session the answer is about."""
    owner = add_user(container, "worker@example.com")
    add_analyses(container, owner, 4)
    with container.new_uow() as uow:
        queued = uow.analyses.list_for_owner(owner, None, 1)[0]
    sessions: list[object] = []

    def began(session: object, *_: object) -> None:
        sessions.append(session)

    event.listen(Session, "after_begin", began)
    try:
        with container.new_uow() as uow:
            analysis = uow.analyses.get(queued.id, for_update=True)
            assert analysis is not None
            analysis.progress = 0.25
            uow.analyses.save(analysis)
            uow.commit()
    finally:
        event.remove(Session, "after_begin", began)
    assert sessions == []
    with container.new_uow() as uow:
        assert uow.analyses.get(queued.id) == analysis
