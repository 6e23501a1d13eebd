"""Check-ins with two `metskin worker` processes on MariaDB + Redis: both scan the schedules at
once, and each due check-in is told once (one inbox entry, read through two API processes) and
sent once per channel; the scans after that send nothing."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from metskin.bootstrap import bootstrap
from metskin.domain.checkins.service import restart
from tests.cluster import graphql
from tests.conftest import make_settings
from tests.e2e.conftest import StartCluster
from tests.integration.test_care_booking import PASSWORD, make_patient

pytestmark = [pytest.mark.slow, pytest.mark.mariadb, pytest.mark.redis]
PATIENTS = 4
INBOX = "{ notifications(first: 20) { edges { node { kind details } } } }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon at `now`: the workers scan with the real
    clock and tell a check-in only in the daytime of the person's zone (09:00 to 20:00)."""
    hours = (12 - now.hour + 12) % 24 - 12  # UTC-12 .. UTC+11
    return f"Etc/GMT{-hours:+d}" if hours else "Etc/GMT"  # Etc/GMT-3 is UTC+3


def test_two_scanning_workers_tell_each_due_check_in_once(
    tmp_path: Path, start_cluster: StartCluster
) -> None:
    env = {"METSKIN_CHECK_IN_SCAN_SECONDS": "0.2", "METSKIN_WORKER_THREADS": "2"}
    with start_cluster(redis_db=9, env=env) as (running, database):
        settings = make_settings(
            tmp_path, database_url=database, redis_url=running.env["METSKIN_REDIS_URL"]
        )
        container = bootstrap(settings)
        try:
            made = datetime.now(UTC) - timedelta(weeks=5)  # routines made 5 weeks ago: due
            time_zone = midday_zone(datetime.now(UTC))
            emails, ids = [], []
            for index in range(PATIENTS):
                phone = f"+4477009001{index:02d}"
                patient = make_patient(
                    container,
                    f"c{index}@example.com",
                    phone=phone,
                    sms_opt_in=True,
                    time_zone=time_zone,
                )
                with container.new_uow() as uow:
                    restart(uow, patient.id, made, time_zone)
                    uow.commit()
                emails.append(patient.email)
                ids.append(patient.id)
            running.start("worker-1", "worker")
            running.start("worker-2", "worker")
            apis = [running.start_api("api-1"), running.start_api("api-2")]
            deadline = time.monotonic() + 90
            while not all(container.check_ins.schedule(p).told() for p in ids):
                assert time.monotonic() < deadline
                time.sleep(0.2)
            time.sleep(1.5)  # more scans by both workers: nothing more may go out
            for email in emails:
                for base in apis:
                    token = graphql(base, LOGIN, e=email, p=PASSWORD)["login"]["accessToken"]
                    edges = graphql(base, INBOX, token)["notifications"]["edges"]
                    kinds = Counter(edge["node"]["kind"] for edge in edges)
                    assert kinds["CHECK_IN_DUE"] == 1, (email, base, kinds)
        finally:
            container.close()
    sent = [json.loads(p.read_text()) for p in sorted((tmp_path / "var" / "outbox").glob("*"))]
    reminders = Counter(
        (m["channel"], m["to"]) for m in sent if "check-in" in m.get("subject", m.get("body", ""))
    )
    assert {to for channel, to in reminders if channel == "email"} == set(emails)
    assert sorted(reminders.values()) == [1] * (2 * PATIENTS), reminders  # email + SMS, once
