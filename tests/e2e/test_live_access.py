"""A live stream ends when the access it was opened under ends: a revoked share, a logout, an
expired access token. Before, each was checked once, when the stream opened: a dermatologist
kept getting an analysis's progress after the patient revoked the share, and a logged-out
dashboard kept getting patients' names."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from metskin.bootstrap import Container, bootstrap
from metskin.domain.analysis.records import progress_channel
from metskin.domain.messages import Event
from metskin.graphql import streams as live_streams
from metskin.graphql.app import create_app
from metskin.workers.scanning import PeriodicScans
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, PROGRESS, ws_init, ws_subscribe
from tests.integration.test_care_booking import make_doctor
from tests.media_samples import face_jpeg

DASHBOARD = "subscription { dermatologistEvents { id kind patientName } }"
DASHBOARD_AT = "subscription { dermatologistEvents { id kind at patientName shareId } }"
INBOX = "subscription { patientEvents { id kind } }"
WAIT_S = 10.0


class MovableClock:
    """Now, moved on by `offset` (a token's expiry without waiting for it)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def live(tmp_path: Path, database_url: str, clock: MovableClock) -> Iterator[Container]:
    """No embedded worker runs (the app's lifespan is not entered): a queued analysis stays
    queued, and the test publishes its progress as a worker would. Streams wake every 0.2 s."""
    settings = make_settings(tmp_path, database_url=database_url, subscription_recheck_seconds=0.2)
    container = bootstrap(settings, clock=clock)
    yield container
    container.close()


OPEN: list[Stream] = []


@pytest.fixture(autouse=True)
def streams() -> Iterator[None]:
    """Every stream a test opened is closed after it (its socket, its reader, its task)."""
    yield
    while OPEN:
        OPEN.pop().close()


class Stream:
    """A subscription over the app's websocket; its messages read on a thread. Closed by the
    `streams` fixture at the end of the test."""

    def __init__(self, http: TestClient, token: str, query: str, **variables: Any) -> None:
        self._socket = http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
        ws = self._socket.__enter__()
        OPEN.append(self)
        ws.send_json(ws_init(token))
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(ws_subscribe(query, **variables))
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()

        def read() -> None:
            with contextlib.suppress(Exception):  # closed at the end of the test
                while (message := ws.receive_json())["type"] != "complete":
                    self.messages.put(message)
                self.messages.put(message)

        threading.Thread(target=read, daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._socket.__exit__(None, None, None)

    def next(self) -> dict[str, Any]:
        return self.messages.get(timeout=WAIT_S)

    def codes_then_end(self) -> list[str]:
        """The error codes of the next message, which must be the stream's last."""
        message = self.next()
        assert message["type"] == "next" and message["payload"]["data"] is None, message
        assert self.next()["type"] == "complete"
        return [error["extensions"]["code"] for error in message["payload"]["errors"]]


def token(container: Container, email: str) -> str:
    return container.accounts.login(email, PASSWORD).tokens.access_token


def test_a_revoked_share_ends_the_dermatologists_progress_stream(live: Container) -> None:
    patient = live.accounts.register("pat@example.com", PASSWORD, "Perdita Pemberton")
    live.photo_consent.give(patient.id)
    doctor = make_doctor(live, "derm@example.com")
    media = live.media.upload(patient.id, face_jpeg(256), None)
    analysis = live.analyses.start(patient.id, media.id)
    share = live.sharing.share(patient.id, doctor.id, None, None)  # every analysis
    http = TestClient(create_app(live))
    stream = Stream(http, token(live, "derm@example.com"), PROGRESS, id=analysis.id)
    assert stream.next()["payload"]["data"]["analysisProgress"]["stage"] == "QUEUED"
    reads = len(live.sharing.access_log(patient.id, None, 100))

    live.sharing.revoke(patient.id, share.id)
    event = {**analysis.progress_event(), "stage": "DECODING", "seq": 2}
    live.events.publish(Event(progress_channel(analysis.id), event, keep_latest=True))
    assert stream.codes_then_end() == ["FORBIDDEN"]  # not the DECODING event
    # The stream's checks are not reads: the access log holds the opening read only.
    assert len(live.sharing.access_log(patient.id, None, 100)) == reads == 1


def test_the_owner_keeps_following_their_own_analysis(live: Container) -> None:
    patient = live.accounts.register("own@example.com", PASSWORD, "Owen Owner")
    live.photo_consent.give(patient.id)
    media = live.media.upload(patient.id, face_jpeg(256), None)
    analysis = live.analyses.start(patient.id, media.id)
    http = TestClient(create_app(live))
    stream = Stream(http, token(live, "own@example.com"), PROGRESS, id=analysis.id)
    assert stream.next()["payload"]["data"]["analysisProgress"]["stage"] == "QUEUED"
    event = {**analysis.progress_event(), "stage": "DECODING", "seq": 2}
    live.events.publish(Event(progress_channel(analysis.id), event, keep_latest=True))
    assert stream.next()["payload"]["data"]["analysisProgress"]["stage"] == "DECODING"


def test_logging_out_ends_the_dashboard_stream(live: Container) -> None:
    patient = live.accounts.register("quentin@example.com", PASSWORD, "Quentin Quayle")
    doctor = make_doctor(live, "derm2@example.com")
    session = live.accounts.login("derm2@example.com", PASSWORD)
    http = TestClient(create_app(live))
    stream = Stream(http, session.tokens.access_token, DASHBOARD)
    live.sharing.share(patient.id, doctor.id, None, None)
    assert stream.next()["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"

    live.accounts.logout(session.tokens.refresh_token)
    other = live.accounts.register("rita@example.com", PASSWORD, "Rita Rowe")
    live.sharing.share(other.id, doctor.id, None, None)  # news the logged-out page must not get
    assert stream.codes_then_end() == ["UNAUTHENTICATED"]


def test_an_expired_access_token_ends_the_inbox_stream(
    live: Container, clock: MovableClock
) -> None:
    """The web app then refreshes the token and subscribes again (web/live.js)."""
    live.accounts.register("ina@example.com", PASSWORD, "Ina Inbox")
    http = TestClient(create_app(live))
    stream = Stream(http, token(live, "ina@example.com"), INBOX)
    clock.offset = timedelta(minutes=live.settings.access_token_minutes, seconds=1)
    assert stream.codes_then_end() == ["TOKEN_EXPIRED"]


def test_a_share_that_runs_out_ends_the_dermatologists_progress_stream(
    live: Container, clock: MovableClock
) -> None:
    """As a revoke does: the share's end is checked at each wake, not only when it opened."""
    patient = live.accounts.register("sol@example.com", PASSWORD, "Sol Short")
    live.photo_consent.give(patient.id)
    doctor = make_doctor(live, "derm3@example.com")
    media = live.media.upload(patient.id, face_jpeg(256), None)
    analysis = live.analyses.start(patient.id, media.id)
    until = datetime.now(UTC) + timedelta(minutes=2)
    live.sharing.share(patient.id, doctor.id, analysis.id, until)
    http = TestClient(create_app(live))
    stream = Stream(http, token(live, "derm3@example.com"), PROGRESS, id=analysis.id)
    assert stream.next()["payload"]["data"]["analysisProgress"]["stage"] == "QUEUED"

    clock.offset = timedelta(minutes=3)  # the share has run out; the token (15 min) has not
    assert stream.codes_then_end() == ["FORBIDDEN"]
    assert len(live.sharing.access_log(patient.id, None, 100)) == 1  # the opening read only


def test_a_share_that_runs_out_is_told_on_the_dashboard_stream(
    live: Container, clock: MovableClock
) -> None:
    """As a revoke is: the workers' periodic scan (run here by hand) writes SHARE_EXPIRED,
    dated at the expiry, and wakes the dermatologist's stream."""
    scans = [m for m in live.broker.middleware if isinstance(m, PeriodicScans)]
    assert "share-end-scanner" in [scan.name for scan in scans[0]._scans]
    patient = live.accounts.register("ursula@example.com", PASSWORD, "Ursula Until")
    doctor = make_doctor(live, "derm4@example.com")
    until = datetime.now(UTC) + timedelta(minutes=2)
    share = live.sharing.share(patient.id, doctor.id, None, until)
    http = TestClient(create_app(live))
    stream = Stream(http, token(live, "derm4@example.com"), DASHBOARD_AT)
    assert stream.next()["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"
    assert live.share_end_scanner.scan_once() == 0  # it still runs

    clock.offset = timedelta(minutes=3)
    assert live.share_end_scanner.scan_once() == 1
    event = stream.next()["payload"]["data"]["dermatologistEvents"]
    assert (event["kind"], event["patientName"], event["shareId"]) == (
        "SHARE_EXPIRED",
        "Ursula Until",
        share.id,
    )
    assert datetime.fromisoformat(event["at"]) == until
    assert live.share_end_scanner.scan_once() == 0  # told once


def test_one_account_holds_a_bounded_number_of_live_streams(
    live: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, one account opened 100 subscriptions on each of as many sockets as it liked,
    each waking to re-read and check its session: 500 took 43% of the server's core (ninth
    session). Now MAX_STREAMS_PER_ACCOUNT (20; 3 here) over all its sockets, freed as each
    ends; another account is not held back."""
    monkeypatch.setattr(live_streams, "MAX_STREAMS_PER_ACCOUNT", 3)
    patient = live.accounts.register("vera@example.com", PASSWORD, "Vera Many")
    doctor = make_doctor(live, "derm5@example.com")
    other = make_doctor(live, "derm6@example.com", template=1)
    for each in (doctor, other):
        live.sharing.share(patient.id, each.id, None, None)  # each stream's first message
    http = TestClient(create_app(live))
    first = token(live, "derm5@example.com")
    opened = [Stream(http, first, DASHBOARD) for _ in range(3)]
    for stream in opened:
        assert stream.next()["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"

    refused = Stream(http, first, DASHBOARD).next()
    assert refused["type"] == "next" and refused["payload"]["data"] is None
    [error] = refused["payload"]["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_STREAMS"
    assert error["message"].startswith("Too many live updates are open for your account (3)")
    other_stream = Stream(http, token(live, "derm6@example.com"), DASHBOARD)
    assert other_stream.next()["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"

    opened[0].close()  # its slot is free once the server has ended the stream
    deadline = time.monotonic() + WAIT_S
    while (again := Stream(http, first, DASHBOARD).next())["payload"]["data"] is None:
        assert time.monotonic() < deadline, again
        time.sleep(0.1)
    assert again["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"


@pytest.mark.redis
def test_an_account_s_live_streams_are_counted_over_every_api_process(
    tmp_path: Path, database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process counted its own (ninth session): with `serve --workers N` or several hosts,
    an account held MAX_STREAMS_PER_ACCOUNT in each. Two API processes (two containers on one
    database and one Redis) now count the same slots; one given back in either is free in
    both."""
    monkeypatch.setattr(live_streams, "MAX_STREAMS_PER_ACCOUNT", 3)
    settings = make_settings(
        tmp_path, database_url=database_url, redis_url=redis_url, subscription_recheck_seconds=0.2
    )
    one, two = bootstrap(settings), bootstrap(settings)
    try:
        patient = one.accounts.register("wen@example.com", PASSWORD, "Wen Two")
        doctor = make_doctor(one, "derm7@example.com")
        one.sharing.share(patient.id, doctor.id, None, None)
        first, second = TestClient(create_app(one)), TestClient(create_app(two))
        key = token(one, "derm7@example.com")
        opened = [Stream(first, key, DASHBOARD), Stream(first, key, DASHBOARD)]
        opened.append(Stream(second, key, DASHBOARD))
        for stream in opened:
            assert stream.next()["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"
        refused = Stream(second, key, DASHBOARD).next()
        [error] = refused["payload"]["errors"]
        assert error["extensions"]["code"] == "TOO_MANY_STREAMS"
        opened[0].close()  # given back by the first process: the second may open one
        deadline = time.monotonic() + WAIT_S
        while (again := Stream(second, key, DASHBOARD).next())["payload"]["data"] is None:
            assert time.monotonic() < deadline, again
            time.sleep(0.1)
        assert again["payload"]["data"]["dermatologistEvents"]["kind"] == "SHARED"
    finally:
        one.close()
        two.close()
