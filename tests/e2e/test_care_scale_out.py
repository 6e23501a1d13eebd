"""The dermatologist's dashboard over real websockets, across two API processes.

MariaDB + Redis, two `metskin serve` processes. Two dermatologists listen on API 2; a patient
books and cancels through API 1. The store re-read is set to two minutes, so only Redis
pub/sub can deliver within the test's timeouts; and only the dermatologist concerned hears.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PASSWORD
from metskin.domain.directory.loader import load_dermatologists
from tests.cluster import METSKIN, graphql
from tests.e2e.conftest import StartCluster, ws_init, ws_subscribe

pytestmark = [pytest.mark.slow, pytest.mark.mariadb, pytest.mark.redis]
EVENTS = "subscription { dermatologistEvents { id kind patientId appointmentId start } }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


@pytest.fixture
def apis(start_cluster: StartCluster) -> Iterator[tuple[str, str]]:
    recheck = {"METSKIN_SUBSCRIPTION_RECHECK_SECONDS": "120"}
    with start_cluster(redis_db=7, env=recheck) as (running, _database):
        subprocess.run([*METSKIN, "seed"], env=running.env, check=True, capture_output=True)
        yield running.start_api("api-1"), running.start_api("api-2")


class Dashboard:
    """One dermatologistEvents subscription over graphql-transport-ws, read in a thread."""

    def __init__(self, ws: ClientConnection) -> None:
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._ws = ws
        self._ws.send(json.dumps(ws_subscribe(EVENTS)))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self._ws:
                self.messages.put(json.loads(raw))
        except Exception:  # the socket closed at the end of the test
            return

    def next_event(self, timeout: float) -> dict[str, Any]:
        message = self.messages.get(timeout=timeout)
        assert message["type"] == "next", message
        return dict(message["payload"]["data"]["dermatologistEvents"])


def open_socket(sockets: contextlib.ExitStack, base: str, token: str) -> ClientConnection:
    ws = sockets.enter_context(
        connect(
            base.replace("http", "ws") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            open_timeout=10,
        )
    )
    ws.send(json.dumps(ws_init(token)))
    assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
    return ws


def login(base: str, email: str) -> str:
    return str(graphql(base, LOGIN, e=email, p=DEMO_PASSWORD)["login"]["accessToken"])


def test_dashboard_events_cross_processes_and_reach_only_their_dermatologist(
    apis: tuple[str, str],
) -> None:
    api_one, api_two = apis
    with contextlib.ExitStack() as sockets:
        check_dashboards(sockets, api_one, api_two)


def check_dashboards(sockets: contextlib.ExitStack, api_one: str, api_two: str) -> None:
    other_email = next(d.email for d in load_dermatologists() if d.email != DEMO_DERMATOLOGIST)
    booked_doctor = Dashboard(open_socket(sockets, api_two, login(api_two, DEMO_DERMATOLOGIST)))
    other_doctor = Dashboard(open_socket(sockets, api_two, login(api_two, other_email)))

    patient = graphql(
        api_one,
        'mutation { register(input: {email: "dash@example.com", '
        'password: "tea-and-toast-77"}) { accessToken user { id } } }',
    )
    token = patient["register"]["accessToken"]
    doctor_token = login(api_one, DEMO_DERMATOLOGIST)
    doctor_id = graphql(api_one, "query { me { id } }", doctor_token)["me"]["id"]
    now = datetime.now(UTC)
    slots = graphql(
        api_one,
        "query($d: ID!, $f: DateTime!, $t: DateTime!) { availableSlots("
        "dermatologistId: $d, from: $f, to: $t, consultationType: VIDEO) "
        "{ start } }",
        token,
        d=doctor_id,
        f=(now + timedelta(days=2)).isoformat(),
        t=(now + timedelta(days=16)).isoformat(),
    )["availableSlots"]
    booking = graphql(
        api_one,
        "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
        token,
        i={
            "slotStart": slots[0]["start"],
            "dermatologistId": doctor_id,
            "consultationType": "VIDEO",
            "reason": "a changing mole",
        },
    )
    appointment_id = booking["bookAppointment"]["id"]

    booked = booked_doctor.next_event(timeout=30)
    assert (booked["kind"], booked["appointmentId"], booked["patientId"]) == (
        "BOOKED",
        appointment_id,
        patient["register"]["user"]["id"],
    )
    graphql(
        api_one,
        "mutation($id: ID!) { cancelAppointment(id: $id) { status } }",
        token,
        id=appointment_id,
    )
    cancelled = booked_doctor.next_event(timeout=30)
    assert (cancelled["kind"], cancelled["appointmentId"]) == ("CANCELLED", appointment_id)
    assert cancelled["id"] > booked["id"]
    with pytest.raises(queue.Empty):
        other_doctor.next_event(timeout=3)

    # A patient cannot open a dashboard: a clear error on the socket, not a hang.
    patient_ws = open_socket(sockets, api_two, token)
    patient_ws.send(json.dumps(ws_subscribe(EVENTS)))
    denied = json.loads(patient_ws.recv(timeout=10))
    assert denied["type"] == "error", denied
    assert [e["extensions"]["code"] for e in denied["payload"]] == ["FORBIDDEN"]
