"""Check-in schedules in SQL: a routine's save writes the schedule with Core statements (an
UPDATE, and an INSERT for the first one) and keeps a row the session already holds current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
        due.restart(later, "UTC")
        uow.check_ins.save(due)
        assert uow.check_ins.get(person) == CheckIn(person, 1, later)
        assert uow.check_ins.due(later, 10) == []
        uow.commit()
    with container.new_uow() as uow:
        assert uow.check_ins.get(person) == CheckIn(person, 1, later)


def test_a_due_date_put_off_is_left_out_of_the_due_rows_until_its_moment(
    container: Container,
) -> None:
    night, other = add_user(container, "night@example.com"), add_user(container, "day@example.com")
    with container.new_uow() as uow:
        uow.check_ins.save(CheckIn(night, 1, START))
        uow.check_ins.save(CheckIn(other, 1, START + timedelta(hours=1)))
        uow.commit()
    due = START + timedelta(weeks=1)
    now, morning = due + timedelta(hours=2), due + timedelta(hours=9)

    def due_people(at: datetime, limit: int = 10) -> list[str]:
        with container.new_uow() as uow:
            return [c.user_id for c in uow.check_ins.due(at, limit) if c.user_id in (night, other)]

    with container.new_uow() as uow:
        uow.check_ins.put_off(night, due, morning)
        uow.check_ins.put_off(other, due, morning)  # not its due date: nothing changes
        uow.commit()
    assert due_people(now) == [other]  # the older row put off no longer comes first
    assert due_people(morning) == [night, other]
    with container.new_uow() as uow:
        assert uow.check_ins.get(night) == CheckIn(night, 1, START, None, morning)
        assert uow.check_ins.mark_told(night, due)
        uow.check_ins.put_off(night, due, morning + timedelta(days=1))  # told: nothing changes
        uow.commit()
    with container.new_uow() as uow:
        assert uow.check_ins.get(night) == CheckIn(night, 1, START, due, morning)


def test_the_due_date_counted_in_the_zone_is_stored_and_a_send_job_can_hand_it_back(
    container: Container,
) -> None:
    """A due date counted in calendar days of New York across its clock change (8 March) is
    not the anchor plus 28 x 24 hours: the row keeps the one counted, and the scan's
    conditions use it. A send job that finds the person's night hands the date back."""
    person = add_user(container, "zone@example.com")
    made = datetime(2026, 2, 23, 4, 30, tzinfo=UTC)  # 23:30 on 22 February in New York
    schedule = CheckIn(person)
    schedule.restart(made, "America/New_York")
    due = datetime(2026, 3, 23, 3, 30, tzinfo=UTC)  # 23:30 on 22 March there (summer time)
    assert schedule.due_at == due != made + timedelta(weeks=4)
    with container.new_uow() as uow:
        uow.check_ins.save(schedule)
        uow.commit()
    morning = due + timedelta(hours=10)
    with container.new_uow() as uow:
        assert uow.check_ins.get(person) == schedule
        assert [c.user_id for c in uow.check_ins.due(due, 100)].count(person) == 1
        assert not uow.check_ins.tell_again_at(person, due, morning)  # not told: unchanged
        assert uow.check_ins.mark_told(person, due)
        assert not uow.check_ins.tell_again_at(person, made, morning)  # not its due date
        assert uow.check_ins.tell_again_at(person, due, morning)
        uow.commit()
    with container.new_uow() as uow:
        found = uow.check_ins.get(person)
        assert found is not None and (found.told_due_at, found.notify_at) == (None, morning)
        assert person not in [c.user_id for c in uow.check_ins.due(due + timedelta(hours=1), 100)]
        assert person in [c.user_id for c in uow.check_ins.due(morning, 100)]
