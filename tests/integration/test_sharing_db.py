"""Sharing on the real database: share requests at the same moment (two tabs, a
double submit, a retried request) leave one active share, and revoking it ends the access."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest

from metskin.adapters.db.sharing import SqlShareRepository
from metskin.adapters.db.uow import Repo, SqlUnitOfWork
from metskin.bootstrap import Container
from metskin.domain.appointments.dashboard import DashboardEventKind
from metskin.domain.sharing.model import Share, patient_order
from metskin.domain.sharing.service import SharingService
from tests.fakes.infra import FakeClock
from tests.integration.test_care_booking import make_doctor, make_patient

REQUESTS = 3  # two tabs and a retried request


class LookingTogether(SqlShareRepository):
    """Each request finds no active share before any of them writes its own."""

    all_looked = threading.Barrier(REQUESTS, timeout=60)

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        found = super().active_between(patient_id, doctor_id, now)
        self.all_looked.wait()
        return found


class RacingUnitOfWork(SqlUnitOfWork):
    shares = Repo(LookingTogether)


def share_at_once(
    container: Container, clock: FakeClock, patient_id: str, doctor_id: str
) -> list[str]:
    """`share` calls at the same moment, each in its own thread and unit of work (its own
    connection), that all find no active share; the ids they return, or their errors."""
    racing = SharingService(lambda: RacingUnitOfWork(container.engine, container.dispatch), clock)
    outcomes: list[str] = []
    lock = threading.Lock()
    LookingTogether.all_looked.reset()

    def share() -> None:
        try:
            result = racing.share(patient_id, doctor_id, None, None).id
        except Exception as error:  # the losers must not see one
            result = f"{type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=share) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.parametrize("earlier", ["none", "expired"])
def test_shares_at_once_leave_one_active_share_that_one_revoke_ends(
    container: Container, earlier: str
) -> None:
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com").id
    clock = FakeClock(container.clock())
    sharing = SharingService(container.new_uow, clock)
    if earlier == "expired":  # an expired share of the same: it must not stand in the way
        old = sharing.share(patient, doctor.id, None, clock.now + timedelta(days=1))
        clock.advance(days=2)

    outcomes = share_at_once(container, clock, patient, doctor.id)

    assert len(outcomes) == REQUESTS and len(set(outcomes)) == 1, outcomes  # one share, no error
    (share,) = sharing.shares_of(patient)[:1]
    assert share.id == outcomes[0]
    assert [s.id for s in sharing.shares_of(patient) if s.is_active(clock.now)] == [share.id]
    if earlier == "expired":
        assert sorted(s.id for s in sharing.shares_of(patient)) == sorted([share.id, old.id])
    with container.new_uow() as uow:
        kinds = Counter(e.kind for e in uow.dashboard_events.after(doctor.id, 0, 100))
    assert kinds[DashboardEventKind.SHARED] == (2 if earlier == "expired" else 1)

    sharing.revoke(patient, share.id)
    assert sharing.patients(doctor.id, None, 10) == []  # no access left through a twin
    assert sharing.shared_analyses(doctor.id, patient, None, 10) == []
    assert not any(s.is_active(clock.now) for s in sharing.shares_of(patient))
    assert sharing.share(patient, doctor.id, None, None).id != share.id  # a new one after revoke


class LooksFirst(SqlShareRepository):
    """The request looks for an active share, then waits while another one shares."""

    looked = threading.Event()
    go_on = threading.Event()

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        found = super().active_between(patient_id, doctor_id, now)
        self.looked.set()
        assert self.go_on.wait(timeout=60)
        return found


class LateUnitOfWork(SqlUnitOfWork):
    shares = Repo(LooksFirst)


def test_a_request_that_lost_the_race_keeps_the_later_expiry_it_asked_for(
    container: Container,
) -> None:
    """The loser's insert fails on the key; its unit of work still reads the winner, extends
    it and commits (the failed statement left the transaction usable)."""
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com").id
    clock = FakeClock(container.clock())
    sharing = SharingService(container.new_uow, clock)
    late = SharingService(lambda: LateUnitOfWork(container.engine, container.dispatch), clock)
    LooksFirst.looked.clear()
    LooksFirst.go_on.clear()
    longer = clock.now + timedelta(days=100)
    outcome: list[Share] = []
    thread = threading.Thread(
        target=lambda: outcome.append(late.share(patient, doctor.id, None, longer))
    )
    thread.start()
    assert LooksFirst.looked.wait(timeout=60)  # it found no active share
    won = sharing.share(patient, doctor.id, None, clock.now + timedelta(days=10))
    LooksFirst.go_on.set()
    thread.join(timeout=120)

    assert [(s.id, s.expires_at) for s in outcome] == [(won.id, longer)]
    assert [(s.id, s.expires_at) for s in sharing.shares_of(patient)] == [(won.id, longer)]
    with container.new_uow() as uow:
        kinds = [e.kind for e in uow.dashboard_events.after(doctor.id, 0, 100)]
    assert kinds == [DashboardEventKind.SHARED]


def test_two_requests_extending_a_share_at_once_keep_the_later_expiry(
    container: Container,
) -> None:
    """One request read the share (10 days) and waited; another extended it to 100 days and
    committed; the first then wrote its 45 days over them (a lost update: access ended
    earlier than the person asked)."""
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com").id
    clock = FakeClock(container.clock())
    sharing = SharingService(container.new_uow, clock)
    late = SharingService(lambda: LateUnitOfWork(container.engine, container.dispatch), clock)
    first = sharing.share(patient, doctor.id, None, clock.now + timedelta(days=10))
    LooksFirst.looked.clear()
    LooksFirst.go_on.clear()
    outcome: list[Share] = []
    thread = threading.Thread(
        target=lambda: outcome.append(
            late.share(patient, doctor.id, None, clock.now + timedelta(days=45))
        )
    )
    thread.start()
    assert LooksFirst.looked.wait(timeout=60)  # it found the share at 10 days
    longest = clock.now + timedelta(days=100)
    assert sharing.share(patient, doctor.id, None, longest).expires_at == longest
    LooksFirst.go_on.set()
    thread.join(timeout=120)

    assert [(s.id, s.expires_at) for s in outcome] == [(first.id, longest)]
    assert [(s.id, s.expires_at) for s in sharing.shares_of(patient)] == [(first.id, longest)]


def test_sharing_again_after_expiry_makes_a_new_share(container: Container) -> None:
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com").id
    clock = FakeClock(container.clock())
    sharing = SharingService(container.new_uow, clock)
    first = sharing.share(patient, doctor.id, None, clock.now + timedelta(days=1))
    assert sharing.share(patient, doctor.id, None, first.expires_at).id == first.id  # active
    clock.advance(days=2)
    second = sharing.share(patient, doctor.id, None, None)
    assert second.id != first.id
    clock.advance(days=1)
    assert sharing.share(patient, doctor.id, None, None).id == second.id
    sharing.revoke(patient, first.id)  # revoking the expired one changes nothing
    assert [s.id for s in sharing.shares_of(patient) if s.is_active(clock.now)] == [second.id]
    assert [e.user.id for e in sharing.patients(doctor.id, None, 10)] == [patient]


PATIENT_NAMES = {  # display name, "" for none (the address is shown)
    "zoe1": "Zoe",
    "zoe2": "zoë",
    "zoe3": "Zoe Smith",
    "elo": "Élodie",
    "eve": "eve",
    "ang": "Ångström",
    "adam": "",
    "oyv": "Øyvind",
    "str": "Straße",
    "zed": "",
}


def test_patients_by_name_are_ordered_and_paged_in_sql_as_in_memory(container: Container) -> None:
    """The order is the stored key's (`User.sort_name`), compared as code points by the
    engine: the same as Python's sort of the same keys (the fake's), on SQLite and MariaDB,
    whatever the accents and case; pages of 3 continue on the (key, id) cursor; a rename
    moves the patient at once. Before, the list was sorted in Python after loading them all."""
    doctor = make_doctor(container)
    clock = FakeClock(container.clock())
    sharing = SharingService(container.new_uow, clock)
    patients = {}
    for key, name in PATIENT_NAMES.items():
        user = make_patient(container, f"{key}@example.com", display_name=name)
        patients[user.id] = key
        sharing.share(user.id, doctor.id, None, clock.now + timedelta(days=10 + len(patients)))

    def listed(page: int) -> list[str]:
        names, after = [], None
        while True:
            found = sharing.patients(doctor.id, after, page)
            names += [patients[e.user.id] for e in found[:page]]
            if len(found) <= page:
                return names
            after = (found[page - 1].user.sort_name, found[page - 1].user.id)

    expected = [
        "adam",  # adam@example.com
        "ang",  # angstrom
        "elo",  # elodie
        "eve",
        "oyv",  # oyvind: ø has no mark to drop, and is read as the o people type for it
        "str",  # strasse
        "zed",  # zed@example.com
        "zoe1",  # zoe
        "zoe2",  # zoë, after zoe
        "zoe3",  # zoe smith
    ]
    in_memory = sorted(sharing.patients(doctor.id, None, 20), key=lambda e: patient_order(e.user))
    assert [patients[e.user.id] for e in in_memory] == expected
    assert listed(20) == expected
    assert listed(3) == expected
    assert listed(1) == expected

    zoe = next(ident for ident, key in patients.items() if key == "zoe2")
    container.accounts.update_profile(zoe, {"display_name": "Aaron"})
    assert listed(3) == ["zoe2", *(key for key in expected if key != "zoe2")]
    until = {patients[e.user.id]: e.shares_until for e in sharing.patients(doctor.id, None, 20)}
    assert until["adam"] == clock.now + timedelta(days=17)
