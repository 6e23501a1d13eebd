"""The fakes keep the promises of the real store: a transaction per `with`, messages released
only by a commit, unique keys checked at commit, keyset pages and leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from metskin.domain.appointments.model import Appointment, AppointmentStatus, ConsultationType
from metskin.domain.appointments.reminders import Reminder, ReminderKind, ReminderStatus
from metskin.domain.audit.model import AccessEntry, Resource
from metskin.domain.errors import Conflict
from metskin.domain.messages import Event, Job
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.appointments import (
    FakeAppointmentRepository,
    FakeDashboardEventLog,
    FakeReminderRepository,
)
from tests.fakes.audit import FakeAccessLog
from tests.unit.builders import T0, user

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
JOB = Job("send_welcome_email", {"user_id": "u1"})
EVENT = Event("channel", {"n": 1})


def appointment(
    appointment_id: str, start: datetime = START, doctor: str = "doc-1", patient: str = "p1"
) -> Appointment:
    return Appointment(
        appointment_id,
        doctor,
        patient,
        start,
        start + timedelta(minutes=30),
        ConsultationType.VIDEO,
        START - timedelta(days=1),
    )


def test_a_commit_keeps_the_changes_and_releases_deferred_messages_in_order() -> None:
    uow = FakeAccountsUnitOfWork()
    dispatched: list[Job | Event] = []
    uow.dispatch = dispatched.extend
    with uow:
        uow.users.add(user("u1"))
        uow.defer(JOB)
        uow.defer(EVENT)
        assert uow.released == []  # nothing leaves before the commit
        uow.commit()
    assert uow.users.get("u1") is not None
    assert uow.released == dispatched == [JOB, EVENT]
    assert (uow.jobs, uow.events, uow.commits, uow.rollbacks) == ([JOB], [EVENT], 1, 0)


def test_leaving_without_a_commit_rolls_back_changes_and_drops_messages() -> None:
    uow = FakeAccountsUnitOfWork()
    with uow:
        uow.users.add(user("u1"))
        uow.commit()
    with pytest.raises(RuntimeError), uow:
        uow.users.add(user("u2"))
        uow.defer(JOB)
        raise RuntimeError("boom")
    with uow:
        person = uow.users.get("u1")
        assert person is not None
        person.profile.display_name = "changed"
        uow.users.save(person)
    assert sorted(uow.users.rows) == ["u1"]
    stored = uow.users.get("u1")
    assert stored is not None and stored.profile.display_name == ""
    assert uow.released == [] and uow.rollbacks == 2 and uow.commits == 1


def test_a_failing_commit_raises_and_keeps_nothing() -> None:
    uow = FakeAccountsUnitOfWork()
    uow.fail_next_commit = ConnectionError("database went away")
    with pytest.raises(ConnectionError), uow:
        uow.users.add(user("u1"))
        uow.defer(JOB)
        uow.commit()
    assert uow.users.rows == {} and uow.released == [] and uow.commits == 0


def test_a_broken_unique_key_fails_the_commit_with_conflict_and_rolls_back() -> None:
    uow = FakeAccountsUnitOfWork()
    with uow:
        uow.users.add(user("u1"))
        uow.commit()
    clash = user("u2")
    clash.email = "u1@example.com"
    with uow:
        uow.users.add(clash)
        uow.defer(JOB)
        with pytest.raises(Conflict):
            uow.commit()
        assert sorted(uow.users.rows) == ["u1"]  # rolled back at once
    assert uow.released == []


def test_the_unit_of_work_is_used_in_a_with_block() -> None:
    with pytest.raises(RuntimeError):
        FakeAccountsUnitOfWork().commit()
    with pytest.raises(RuntimeError):
        FakeAccountsUnitOfWork().defer(JOB)


def test_reads_are_copies_a_change_needs_a_save() -> None:
    repository = FakeAppointmentRepository()
    repository.add(appointment("a1"))
    read = repository.get("a1", for_update=True)
    assert read is not None
    read.status = AppointmentStatus.CANCELLED
    stored = repository.get("a1")
    assert stored is not None and stored.is_active
    with pytest.raises(LookupError):
        repository.save(appointment("unknown"))
    with pytest.raises(Conflict):
        repository.add(appointment("a1"))


def test_one_booked_appointment_per_dermatologist_and_start() -> None:
    repository = FakeAppointmentRepository()
    repository.add(appointment("a1"))
    repository.add(appointment("other-doctor", doctor="doc-2"))
    repository.check_constraints()
    repository.add(appointment("a2"))
    with pytest.raises(Conflict):
        repository.check_constraints()
    cancelled = repository.get("a1")
    assert cancelled is not None
    cancelled.cancel(START - timedelta(days=1))
    repository.save(cancelled)
    repository.check_constraints()  # a cancelled one frees its slot
    assert [
        a.id for a in repository.active_for_doctors(["doc-1"], START, START + timedelta(hours=1))
    ] == ["a2"]


def test_appointment_lists_page_by_start_then_id() -> None:
    repository = FakeAppointmentRepository()
    for index, name in enumerate(["c", "a", "b"]):
        repository.add(appointment(name, START + timedelta(hours=index % 2), doctor=f"d{name}"))
    page = repository.list_for_patient("p1", None, 2)
    assert [a.id for a in page] == ["b", "c"]  # both at START, then by id
    assert [a.id for a in repository.list_for_patient("p1", (page[-1].start, page[-1].id), 2)] == [
        "a"
    ]
    assert repository.patients_of("da", START - timedelta(days=1)) == ["p1"]
    assert repository.patients_of("da", START + timedelta(days=1)) == []  # it is over


def test_due_reminders_are_leased_and_a_lapsed_lease_is_claimed_again() -> None:
    repository = FakeReminderRepository()
    repository.add_many(
        [
            Reminder("a1", ReminderKind.DAY_BEFORE, START - timedelta(hours=24), START),
            Reminder("a1", ReminderKind.HOUR_BEFORE, START - timedelta(hours=1), START),
        ]
    )
    now = START - timedelta(hours=2)
    lease = now + timedelta(minutes=10)
    (claimed,) = repository.claim_due(now, lease, 10)
    assert (claimed.kind, claimed.status, claimed.claimed_until, claimed.attempts) == (
        ReminderKind.DAY_BEFORE,
        ReminderStatus.QUEUED,
        lease,
        1,
    )
    assert repository.claim_due(now, lease, 10) == []
    assert len(repository.claim_due(lease + timedelta(seconds=1), lease, 1)) == 1
    repository.cancel_for("a1")
    assert {r.status for r in repository.for_appointments(["a1"])} == {ReminderStatus.CANCELLED}
    with pytest.raises(Conflict):
        repository.add_many([claimed])


def test_the_access_log_and_dashboard_log_number_their_entries() -> None:
    events = FakeDashboardEventLog()
    for kind in ("BOOKED", "CANCELLED", "BOOKED"):
        events.append("doc-1", kind, {}, T0)
    events.append("doc-2", "SHARED", {}, T0)
    assert [e.id for e in events.newest("doc-1", None, 2)] == [2, 3]
    assert [e.id for e in events.newest("doc-1", 3, 5)] == [1, 2]
    assert [e.id for e in events.after("doc-1", 1, 5)] == [2, 3]
    log = FakeAccessLog()
    log.add_many(
        [
            AccessEntry("doc-1", "p1", Resource.ANALYSIS, "a1", T0),
            AccessEntry("doc-1", "p1", Resource.ANALYSIS, "a2", T0),
        ]
    )
    newest = log.list_for_patient("p1", None, 1)
    assert [(e.id, e.resource_id) for e in newest] == [(2, "a2")]
    assert [e.id for e in log.list_for_patient("p1", (T0, 2), 5)] == [1]
