"""Check-in schedules in SQL: a routine's save writes the schedule with Core statements (an
UPDATE, and an INSERT for the first one) and keeps a row the session already holds current."""

from __future__ import annotations

from datetime import timedelta

from metskin.bootstrap import Container
from metskin.domain.checkins.model import CheckIn
from tests.integration.test_analysis_db import START, add_user


def test_the_first_save_inserts_and_the_next_updates(container: Container) -> None:
    person = add_user(container, "schedule@example.com")
    with container.new_uow() as uow:
        assert uow.check_ins.get(person) is None
        uow.check_ins.save(CheckIn(person, 4, START))
        uow.commit()
    with container.new_uow() as uow:
        assert uow.check_ins.get(person) == CheckIn(person, 4, START)
        uow.check_ins.save(CheckIn(person, 6, START + timedelta(days=3)))
        uow.commit()
    with container.new_uow() as uow:
        found = uow.check_ins.get(person)
    assert found == CheckIn(person, 6, START + timedelta(days=3))
    assert found.due_at == START + timedelta(days=3, weeks=6)


def test_a_row_read_by_the_scan_is_saved_through_the_session(container: Container) -> None:
    person = add_user(container, "scanned@example.com")
    with container.new_uow() as uow:
        uow.check_ins.save(CheckIn(person, 1, START))
        uow.commit()
    later = START + timedelta(weeks=2)
    with container.new_uow() as uow:
        (due,) = [c for c in uow.check_ins.due(later, 10) if c.user_id == person]
        due.anchor_at = later
        uow.check_ins.save(due)
        assert uow.check_ins.get(person) == CheckIn(person, 1, later)
        assert uow.check_ins.due(later, 10) == []
        uow.commit()
    with container.new_uow() as uow:
        assert uow.check_ins.get(person) == CheckIn(person, 1, later)
