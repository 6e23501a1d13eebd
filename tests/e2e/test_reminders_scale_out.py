"""Reminders with two `metskin worker` processes on MariaDB + Redis: both scan the same table
at once, and every due reminder still goes out exactly once per channel."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.bootstrap import Container, bootstrap
from metskin.domain.appointments import ConsultationType
from tests.conftest import make_settings
from tests.e2e.conftest import StartCluster
from tests.integration.test_care_booking import day_slots, make_doctor, make_patient

pytestmark = [pytest.mark.slow, pytest.mark.mariadb, pytest.mark.redis]
PATIENTS = 4


def outbox(folder: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def test_two_scanning_workers_send_each_due_reminder_once(
    tmp_path: Path, start_cluster: StartCluster
) -> None:
    with start_cluster(
        redis_db=8,
        env={
            "METSKIN_REMINDER_SCAN_SECONDS": "0.2",
            "METSKIN_WORKER_THREADS": "2",
        },
    ) as (running, database):
        container = bootstrap(
            make_settings(
                tmp_path, database_url=database, redis_url=running.env["METSKIN_REDIS_URL"]
            )
        )
        try:
            doctor = make_doctor(container)
            slots = day_slots(3)
            booked = {}
            for index in range(PATIENTS):
                patient = make_patient(
                    container,
                    f"p{index}@example.com",
                    phone=f"+4477009000{index:02d}",
                    sms_opt_in=True,
                )
                appointment = container.appointments.book(
                    patient.id, doctor.id, slots[index], ConsultationType.VIDEO
                )
                booked[appointment.id] = patient.email
            with container.new_uow() as uow:  # the day-before reminders are due now
                assert isinstance(uow, SqlUnitOfWork)
                uow.session.execute(
                    text("UPDATE appointment_reminders SET due_at = :due WHERE kind = '24h'"),
                    {"due": datetime.now(UTC) - timedelta(minutes=1)},
                )
                uow.commit()

            running.start("worker-1", "worker")
            running.start("worker-2", "worker")
            deadline = time.monotonic() + 90
            # the booking confirmations are jobs of the same workers: waited for too (on a busy
            # machine the last one could still be on its way when the reminders were all sent)
            done = {"24h": {"SENT": PATIENTS}, "1h": {"PENDING": PATIENTS}}
            while statuses(container) != done or confirmed(tmp_path) < PATIENTS:
                assert time.monotonic() < deadline, (statuses(container), confirmed(tmp_path))
                time.sleep(0.2)
            time.sleep(1.0)  # a few more scans by both workers: nothing more may go out
        finally:
            container.close()

    sent = outbox(tmp_path / "var" / "outbox")
    reminders = Counter(
        (m["channel"], m["to"])
        for m in sent
        # due moved forward, not the clock: each says the time really left, days ahead
        if re.search(r"is in \d+ hours", m.get("subject", m.get("body", "")))
    )
    emails = {to for channel, to in reminders if channel == "email"}
    assert emails == set(booked.values())
    assert sorted(reminders.values()) == [1] * (2 * PATIENTS), reminders  # email + SMS, once
    confirmations = Counter(m["to"] for m in sent if "confirmed" in m.get("subject", ""))
    assert confirmations == Counter(booked.values())


def confirmed(tmp_path: Path) -> int:
    """The booking confirmations (emails) in the outbox so far."""
    return sum("confirmed" in m.get("subject", "") for m in outbox(tmp_path / "var" / "outbox"))


def statuses(container: Container) -> dict[str, dict[str, int]]:
    with container.new_uow() as uow:
        rows = uow.session.execute(
            text("SELECT kind, status, COUNT(*) FROM appointment_reminders GROUP BY kind, status")
        ).all()
    found: dict[str, dict[str, int]] = {}
    for kind, status, count in rows:
        found.setdefault(kind, {})[status] = count
    return found
