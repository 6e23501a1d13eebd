"""The dermatologist's side of the web app in headless Chromium against a real `metskin serve`:
the live dashboard and the week of appointments, patients and shared analyses, working hours.

The patients act through GraphQL over HTTP while the dermatologist watches in the browser.
Skips without chromium, chromium-driver or selenium, like tests/e2e/test_web_app.py.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PASSWORD
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist
from tests.cluster import graphql, upload
from tests.e2e.conftest import PASSWORD
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

ANALYSIS_SECONDS = 240  # MediaPipe's first load on a busy two-core machine
LONDON = "Europe/London"  # the demo dermatologist's practice
# How the pages name it (their IANA id before: the eleventh session), in English
LONDON_NAME = "United Kingdom Time"
# Counts the sockets the page opens and keeps what it sends; while __blockSockets is set they
# go nowhere (and fail).
SOCKET_SWITCH = """
window.__sockets = [];
window.__sent = [];
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(url, protocols) {
    super(window.__blockSockets ? url.replace('/graphql', '/no-socket-here') : url, protocols);
    window.__sockets.push(this);
  }
  send(data) {
    window.__sent.push(JSON.parse(data));
    super.send(data);
  }
};
"""
NO_SOCKETS = "window.WebSocket = class { constructor() { throw new TypeError('off') } }"
# Keeps every GraphQL request the page makes over HTTP with the data it got back.
FETCH_LOG = """
window.__graphql = [];
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  const response = await nativeFetch(url, init);
  try {
    const { query, variables } = JSON.parse(init.body);
    window.__graphql.push({ query, variables, data: (await response.clone().json()).data });
  } catch {
    // not JSON (an upload): not kept
  }
  return response;
};
"""

# Holds the first read of the dashboard's history until a second page asks for it, then lets
# the first through 400 ms later (once the second page has read its week) and the second after
# 1200 ms: a page replaced while loading reads the history before the page that replaced it.
HISTORY_RACE = """
const nativeFetch = window.fetch;
let asked = 0;
let secondAsked;
const second = new Promise((resolve) => { secondAsked = resolve; });
window.fetch = async (url, init = {}) => {
  if (typeof init.body !== "string" || !init.body.includes("dashboardEvents(first:")) {
    return nativeFetch(url, init);
  }
  asked += 1;
  const turn = asked;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  if (turn === 1) {
    await second;
    await sleep(400);
  }
  if (turn === 2) {
    secondAsked();
    await sleep(1200);
  }
  return nativeFetch(url, init);
};
"""

# While __offline is set, the week's appointments cannot be read (the connection is down).
WEEK_OFFLINE = """
window.__offline = false;
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  if (window.__offline && String(init.body).includes("appointments(range:")) {
    throw new TypeError("Failed to fetch");
  }
  return nativeFetch(url, init);
};
"""

server = server_fixture("dashboard")
browser = browser_fixture()


class Patient:
    """A patient acting through GraphQL over HTTP."""

    def __init__(self, server: str, email: str, name: str) -> None:
        self.server = server
        data = graphql(
            server,
            "mutation($input: RegisterInput!) { register(input: $input) {"
            " accessToken user { id } } }",
            input={"email": email, "password": PASSWORD, "displayName": name, "photoConsent": True},
        )
        self.token = data["register"]["accessToken"]
        self.id = data["register"]["user"]["id"]
        self.name = name

    def call(self, query: str, **variables: Any) -> dict[str, Any]:
        return graphql(self.server, query, self.token, **variables)

    def free_day(
        self, doctor_id: str, zone: str = LONDON, days_ahead: int = 2
    ) -> list[dict[str, Any]]:
        """The free slots (times in `zone`) of the first day at least `days_ahead` days ahead
        that has two or more."""
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        slots = self.call(
            """query($id: ID!, $from: DateTime!, $to: DateTime!, $zone: String) {
            availableSlots(dermatologistId: $id, from: $from, to: $to, timeZone: $zone) {
              start startLocal consultationTypes } }""",
            id=doctor_id,
            zone=zone,
            **{
                "from": (start + timedelta(days=days_ahead)).isoformat(),
                "to": (start + timedelta(days=days_ahead + 21)).isoformat(),
            },
        )["availableSlots"]
        days: dict[str, list[dict[str, Any]]] = {}
        for slot in slots:
            days.setdefault(slot["startLocal"][:10], []).append(slot)
        return next(day for day in days.values() if len(day) >= 2)

    def book(self, doctor_id: str, slot: dict[str, Any], reason: str) -> str:
        booked = self.call(
            """mutation($input: BookAppointmentInput!) {
            bookAppointment(input: $input) { id } }""",
            input={
                "slotStart": slot["start"],
                "dermatologistId": doctor_id,
                "consultationType": slot["consultationTypes"][0],
                "reason": reason,
            },
        )
        return str(booked["bookAppointment"]["id"])

    def analyse(self) -> str:
        media_id = upload(self.server, self.token, face_jpeg())
        started = self.call("mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }", m=media_id)
        return str(started["startAnalysis"]["id"])

    def wait_until_done(self, analysis_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + ANALYSIS_SECONDS
        while time.monotonic() < deadline:
            analysis = self.call(
                """query($id: ID!) { analysis(id: $id) { status
                result { retakeNeeded spots { x } } } }""",
                id=analysis_id,
            )["analysis"]
            if analysis["status"] in ("DONE", "FAILED"):
                assert analysis["status"] == "DONE" and not analysis["result"]["retakeNeeded"]
                return dict(analysis["result"])
            time.sleep(1)  # polling the API from the test: nothing to wait on in a browser
        raise AssertionError(f"analysis {analysis_id} did not finish")

    def access_log(self) -> list[tuple[str, str]]:
        log = self.call("{ accessLog(first: 100) { edges { node { resource resourceId } } } }")
        return [(e["node"]["resource"], e["node"]["resourceId"]) for e in log["accessLog"]["edges"]]


def catalogue_doctor(city: str) -> Dermatologist:
    """A seeded dermatologist (password DEMO_PASSWORD) other than the demo one."""
    return next(
        d
        for d in load_dermatologists()
        if d.practice.city == city and len(d.consultation_types) == 2
    )


def doctor_id(server: str, email: str) -> str:
    token = api_login(server, email, DEMO_PASSWORD)
    return str(graphql(server, "{ me { id } }", token)["me"]["id"])


def open_dashboard(browser: Browser, email: str, state: str = "live") -> None:
    browser.log_in(email, DEMO_PASSWORD)
    browser.until(lambda: browser.hash() == "#/dashboard", "the dashboard")
    browser.find(f"#live-status[data-state={state}]")


def show_week_of(browser: Browser, day: str) -> None:
    browser.set_value(browser.find("#week-of"), day)
    browser.find(f"#week .day[data-date='{day}']")


def feed_kinds(browser: Browser, appointment_id: str) -> list[tuple[str, str | None]]:
    """(kind, event id) of the feed's events about one appointment, newest first."""
    return [
        (kind, event_id)
        for kind, event_id in browser.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])]"
            ".map((e) => [e.dataset.kind, e.dataset.eventId || null])",
            f"#feed .event[data-appointment-id='{appointment_id}']",
        )
    ]


def same_moment(one: str | None, other: str) -> bool:
    return one is not None and datetime.fromisoformat(one) == datetime.fromisoformat(other)


def socket_errors_only(messages: list[str]) -> bool:
    return all("WebSocket" in message for message in messages)


def on_new_pages(browser: Browser, *scripts: str) -> None:
    for script in scripts:
        browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})


def event_id(browser: Browser, css: str) -> int:
    """The id of a feed event (waits for it): a real event has one."""
    browser.find(css)
    return int(browser.attribute(css, "data-event-id") or 0)


def graphql_requests(browser: Browser) -> list[dict[str, Any]]:
    """What FETCH_LOG kept."""
    return list(browser.driver.execute_script("return window.__graphql"))


def test_bookings_reach_the_dashboard_live_and_resume_after_a_dropped_connection(
    browser: Browser, server: str
) -> None:
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    patient = Patient(server, "live@example.com", "Lena Live")
    on_new_pages(browser, SOCKET_SWITCH)
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    assert [link.text for link in browser.visible("#nav a")] == [
        "Dashboard",
        "Patients",
        "Working hours",
        "Profile",
    ]
    assert "access log" in browser.text(".audit-note")
    assert browser.text("#week-zone") == LONDON_NAME
    assert browser.attribute("#week-zone", "data-zone") == LONDON

    first, second = patient.free_day(doctor)[:2]
    day = first["startLocal"][:10]
    show_week_of(browser, day)
    browser.driver.execute_script("window.__samePage = true")
    appointment = patient.book(doctor, first, "a mole on my back")

    booked = f"#feed .event[data-appointment-id='{appointment}']"
    browser.text(booked, "New booking")
    assert same_moment(browser.attribute(booked, "data-start"), first["start"])
    browser.text(
        f"#feed .event[data-appointment-id='{appointment}'] .patient-link", patient.name
    )  # named once the week with the appointment is read
    item = browser.text(
        f"#week .day[data-date='{day}'] .appointment[data-appointment-id='{appointment}']",
        patient.name,
    )
    assert first["startLocal"][11:16] in item and "a mole on my back" in item and "Booked" in item
    assert browser.driver.execute_script("return window.__samePage") is True  # no reload
    assert "PROFILE" not in {resource for resource, _ in patient.access_log()}  # no lookup
    booked_id = event_id(browser, booked)

    # The socket drops and cannot come back for a while; two changes happen meanwhile.
    browser.driver.execute_script(
        "window.__blockSockets = true;window.__sockets.forEach((socket) => socket.close(3000))"
    )
    browser.find("#live-status[data-state=reconnecting]")
    assert "Reconnecting" in browser.text("#live-status")
    patient.call(
        "mutation($id: ID!, $s: DateTime!) { rescheduleAppointment(id: $id,"
        " slotStart: $s) { id } }",
        id=appointment,
        s=second["start"],
    )
    patient.call(
        'mutation($id: ID!) { cancelAppointment(id: $id, reason: "feeling better") { id } }',
        id=appointment,
    )
    browser.driver.execute_script("window.__blockSockets = false")
    browser.find("#live-status[data-state=live]", timeout=40)

    # Both come once after reconnecting: every subscription asks for what follows the last
    # event seen (afterId), never for the latest only.
    browser.until(
        lambda: (
            [kind for kind, _ in feed_kinds(browser, appointment)]
            == ["CANCELLED", "RESCHEDULED", "BOOKED"]
        ),
        "the missed events, newest first",
    )
    ids = [int(found or 0) for _, found in feed_kinds(browser, appointment)]
    assert ids[0] > ids[1] > ids[2] == booked_id
    afters = [
        message["payload"]["variables"]["after"]
        for message in browser.driver.execute_script("return window.__sent")
        if message["type"] == "subscribe"
    ]
    assert len(afters) >= 2 and all(isinstance(after, int) for after in afters)
    assert afters == sorted(afters) and afters[-1] >= booked_id
    moved = browser.text(
        f"#week .appointment[data-appointment-id='{appointment}']", "feeling better"
    )
    assert second["startLocal"][11:16] in moved and "Cancelled" in moved
    assert browser.driver.execute_script("return window.__samePage") is True

    browser.click("#next-week")
    browser.until(lambda: not browser.visible(f"#week .day[data-date='{day}']"), "next week")
    browser.click(
        f"#feed .event[data-kind=BOOKED][data-appointment-id='{appointment}'] .show-in-week"
    )
    browser.find(f"#week .day[data-date='{day}'] [data-appointment-id='{appointment}']")
    assert socket_errors_only(browser.severe_console_messages())  # the blocked sockets only

    browser.reload("#/dashboard")  # a new page starts with the recent events
    browser.find("#live-status[data-state=live]")
    browser.until(
        lambda: [int(found or 0) for _, found in feed_kinds(browser, appointment)] == ids,
        "the same events from the history",
    )


def test_a_shared_analysis_opens_in_the_patients_result_view_and_the_read_is_logged(
    browser: Browser, server: str
) -> None:
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    patient = Patient(server, "shares@example.com", "Sami Share")
    analysis_id = patient.analyse()
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    result = patient.wait_until_done(analysis_id)
    share_id = patient.call(
        "mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a) { id } }",
        d=doctor,
        a=analysis_id,
    )["shareAnalysis"]["id"]

    shared = f"#feed .event[data-kind=SHARED][data-patient-id='{patient.id}']"
    assert "One analysis" in browser.text(shared, patient.name)  # the event names them
    browser.click(f"#feed .event[data-kind=SHARED] a[href^='#/shared/{analysis_id}']")
    browser.until(lambda: browser.hash().startswith(f"#/shared/{analysis_id}"), "the analysis")
    assert "access log" in browser.text(".audit-note")
    assert "worded for the patient" in browser.text("#summary #worded-for-patient")
    monk = browser.text("#analysis #tone #monk", "of 10")  # the patient's own result cards
    assert 1 <= int(monk.split()[0]) <= 10
    assert len(browser.visible("#concerns li.concern")) >= 6
    browser.image("#overlay")
    assert not browser.visible("#routine-link")  # the patient's next steps are theirs
    if result["spots"] is None:
        assert not browser.visible("#spots")
    else:
        count = browser.text("#spots-count")
        assert count.split()[0] == str(len(result["spots"]))
        assert len(browser.visible("#spots tr.spot")) == len(result["spots"])
    assert ("ANALYSIS", analysis_id) in patient.access_log()

    browser.click("#nav a[href='#/patients']")
    browser.click(f"#patients .patient[data-patient-id='{patient.id}'] a")
    assert browser.text("h1") == patient.name
    browser.click(f"#shared-analyses [data-analysis-id='{analysis_id}'] a.open-analysis")
    browser.find("#analysis #tone")
    assert ("PROFILE", patient.id) in patient.access_log()

    browser.click("#nav a[href='#/dashboard']")  # the feed is kept and resumed
    browser.find("#live-status[data-state=live]")
    assert len(browser.visible(f"#feed a[href^='#/shared/{analysis_id}']")) == 1
    browser.text(shared, patient.name)

    # Revoked while the dermatologist reads it: the result leaves the page, and the feed no
    # longer leads to it (before, both stayed until the dermatologist left the page).
    browser.click(f"#feed .event[data-kind=SHARED] a[href^='#/shared/{analysis_id}']")
    browser.find("#analysis #tone")
    browser.find("#labelling")
    reads = len(patient.access_log())
    patient.call("mutation($id: ID!) { revokeShare(shareId: $id) { id } }", id=share_id)
    assert "no longer shares" in browser.text("#sharing-ended", patient.name)
    assert not browser.visible("#analysis #tone") and not browser.visible("#labelling")
    assert len(patient.access_log()) == reads  # the refused read again is in no log
    browser.click("#nav a[href='#/dashboard']")
    browser.find(f"#feed .event[data-kind=SHARE_REVOKED][data-patient-id='{patient.id}']")
    assert "Revoked since" in browser.text(shared, patient.name)
    assert not browser.visible(f"#feed a[href^='#/shared/{analysis_id}']")

    # Shared again for seconds: the page says until when, and ends by itself then (before, a
    # share that ran out left the page as it was).
    patient.call(
        """mutation($d: ID!, $a: ID, $e: DateTime) {
        shareAnalysis(dermatologistId: $d, analysisId: $a, expiresAt: $e) { id } }""",
        d=doctor,
        a=analysis_id,
        e=(datetime.now(UTC) + timedelta(seconds=12)).isoformat(),
    )
    browser.go(f"#/shared/{analysis_id}?patient={patient.id}")
    browser.find("#analysis #tone")
    assert "Shared with you until" in browser.text("#shared-until")
    assert "no longer shares" in browser.text("#sharing-ended", patient.name, timeout=40)
    assert not browser.visible("#analysis #tone") and not browser.visible("#labelling")
    assert browser.severe_console_messages() == []


def faulty_rows(browser: Browser, rows: str) -> list[int]:
    """The indexes of the rows marked as at fault among `rows`."""
    return list(
        browser.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].flatMap("
            "(row, index) => row.classList.contains('at-fault') ? [index] : [])",
            rows,
        )
    )


def test_a_dermatologist_cancels_a_booking_from_the_week_saying_why(
    browser: Browser, server: str
) -> None:
    """The API let a dermatologist cancel a patient's booking (cancelPatientAppointment); the
    dashboard had no way to. Now an upcoming booking in the week can be cancelled, with the
    reason the patient is told."""
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    patient = Patient(server, "called-off@example.com", "Cora Calledoff")
    slot = patient.free_day(doctor, days_ahead=3)[0]
    appointment = patient.book(doctor, slot, "itchy patches")
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    day = slot["startLocal"][:10]
    show_week_of(browser, day)
    item = f"#week .appointment[data-appointment-id='{appointment}']"
    browser.click(f"{item} .cancel-appointment summary")
    browser.submit(f"{item} .cancel-form")  # no reason: the API asks for one, said at the field
    assert "Say why" in browser.text(f"{item} .cancel-form .field-error", "Say why")
    browser.set_value(browser.find(f"{item} .cancel-form [name=reason]"), "I am ill that day")
    browser.submit(f"{item} .cancel-form")

    browser.text(f"#week .appointment.cancelled[data-appointment-id='{appointment}']", "ill")
    assert not browser.visible(f"{item} .cancel-form")  # nothing left to cancel
    mine = patient.call("{ myAppointments { edges { node { id status cancelReason } } } }")
    told = [edge["node"] for edge in mine["myAppointments"]["edges"]]
    assert {"id": appointment, "status": "CANCELLED", "cancelReason": "I am ill that day"} in told


def a_visit_begun(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory, email: str, name: str
) -> tuple[str, Patient, str]:
    """A new patient's booking with the demo dermatologist, moved to 40 minutes ago in the
    server's database (no free time is in the past), and its week on the dermatologist's
    dashboard: (the dermatologist's id, the patient, the appointment's id)."""
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    patient = Patient(server, email, name)
    appointment = patient.book(doctor, patient.free_day(doctor)[0], "a rash")
    begun = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=40)
    (database,) = tmp_path_factory.getbasetemp().glob("dashboard[0-9]*/var/metskin.db")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE appointments SET start_at = ?, end_at = ? WHERE id = ?",
            (f"{begun:%Y-%m-%d %H:%M:%S}.000000",
             f"{begun + timedelta(minutes=20):%Y-%m-%d %H:%M:%S}.000000", appointment),
        )  # fmt: skip
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    day = browser.driver.execute_script(
        "return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })"
        ".format(new Date(arguments[0]));",
        begun.isoformat(),
    )
    show_week_of(browser, day)
    return doctor, patient, appointment


def test_a_visit_that_has_begun_is_marked_seen_from_the_week(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A past booking read "Booked" for good: it reads "Past", and its dermatologist marks it
    seen (completePatientAppointment): "Completed", here and on the patient's list. The
    booking is moved to this morning in the server's database (no free time is in the past)."""
    _, patient, appointment = a_visit_begun(
        browser, server, tmp_path_factory, "seen-today@example.com", "Sefa Seen"
    )
    item = f"#week .appointment[data-appointment-id='{appointment}']"
    assert "Past" in browser.text(f"{item} .badge.status", "Past")
    assert not browser.visible(f"{item} .cancel-appointment")  # begun: no longer cancelled
    browser.click(f"{item} .mark-seen")
    browser.text(f"{item} .badge.status", "Completed")
    assert not browser.visible(f"{item} .mark-seen")
    mine = patient.call("{ myAppointments { edges { node { id status } } } }")
    assert {"id": appointment, "status": "COMPLETED"} in [
        edge["node"] for edge in mine["myAppointments"]["edges"]
    ]
    # the patient books a follow-up with the same dermatologist from the visit's card
    browser.click("#logout")
    browser.find("#login-form")
    browser.log_in("seen-today@example.com", PASSWORD)
    browser.go("#/appointments")
    card = f"#past-appointments .appointment[data-appointment-id='{appointment}']"
    assert browser.text(f"{card} .book-again-open").startswith("Book a follow-up with Dr ")
    browser.click(f"{card} .book-again-open")
    browser.find(f"{card} .book-again button.slot")


def test_a_visit_not_attended_is_recorded_corrected_and_the_patient_books_again(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Beside "Mark as seen", "Did not attend" (NO_SHOW); a recorded outcome is corrected under
    "Change the outcome". The patient reads "Did not attend" on their list and books the same
    dermatologist again from it."""
    doctor, patient, missed = a_visit_begun(
        browser, server, tmp_path_factory, "missed-today@example.com", "Mo Missed"
    )
    item = f"#week .appointment[data-appointment-id='{missed}']"
    assert browser.visible(f"{item} .mark-seen") and browser.visible(f"{item} .mark-no-show")
    browser.click(f"{item} .mark-no-show")
    browser.text(f"{item} .badge.status", "Did not attend")
    assert not browser.visible(f"{item} .mark-no-show")  # the outcome it has is not offered
    for button, words in ((".mark-seen", "Completed"), (".mark-no-show", "Did not attend")):
        browser.click(f"{item} .change-outcome summary")  # a mis-click, mended
        browser.click(f"{item} .change-outcome {button}")
        browser.text(f"{item} .badge.status", words)

    browser.click("#logout")
    browser.find("#login-form")
    browser.log_in("missed-today@example.com", PASSWORD)
    browser.go("#/appointments")
    card = f"#appointments .appointment[data-appointment-id='{missed}']"
    assert "Did not attend" in browser.text(f"{card} .badge.status", "Did not attend")
    assert "did not attend" in browser.text(f"{card} .missed")
    assert not browser.visible(f"{card} .cancel-open")
    browser.click(f"{card} .book-again-open")
    browser.find(f"{card} .book-again button.slot")
    browser.driver.execute_script(
        "const after = Date.now() + 86400000;"
        "[...document.querySelectorAll(arguments[0])]"
        "  .find((b) => Date.parse(b.dataset.start) > after).click();",
        f"{card} .book-again button.slot:not(.late)",
    )
    browser.click(f"{card} .book-again .book-form button.book")
    assert "Booked:" in browser.text(f"{card} .book-again .notice", "Booked:")
    query = "{ myAppointments { edges { node { id status dermatologist { id } } } } }"
    mine = patient.call(query)["myAppointments"]["edges"]
    statuses = {edge["node"]["id"]: edge["node"]["status"] for edge in mine}
    assert statuses.pop(missed) == "NO_SHOW"
    assert list(statuses.values()) == ["BOOKED"]
    assert {edge["node"]["dermatologist"]["id"] for edge in mine} == {doctor}
    # Read again, what is ahead comes first, the missed visit under it. Before, one list by
    # start put every past visit above the next one.
    browser.go("#/analyse")
    browser.go("#/appointments")
    browser.find("#upcoming-section h2")
    sections = browser.driver.execute_script(
        "return [...document.querySelectorAll('#appointments section')].map((s) =>"
        " [s.querySelector('h2').textContent,"
        "  [...s.querySelectorAll('.appointment')].map((a) => a.dataset.appointmentId)]);"
    )
    assert sections == [
        ["Upcoming appointments", list(statuses)],
        ["Past and cancelled", [missed]],
    ], sections


def test_an_outcome_recorded_at_the_desk_reaches_the_open_dashboard(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The desk (another session of the same dermatologist) records a visit as not attended,
    then corrects it to seen: the dashboard open in the browser shows each in its feed and in
    its week without a reload. Before, the week kept "Past" and its buttons until reloaded."""
    _, _, visit = a_visit_begun(
        browser, server, tmp_path_factory, "desk-outcome@example.com", "Dee Desk"
    )
    desk = api_login(server, DEMO_DERMATOLOGIST, DEMO_PASSWORD)
    outcome = """mutation($id: ID!, $attended: Boolean!) {
      completePatientAppointment(id: $id, attended: $attended) { id status } }"""
    item = f"#week .appointment[data-appointment-id='{visit}']"
    assert "Past" in browser.text(f"{item} .badge.status", "Past")
    graphql(server, outcome, desk, id=visit, attended=False)
    browser.text(f"{item} .badge.status", "Did not attend")
    missed = f"#feed .event[data-appointment-id='{visit}'][data-kind='NO_SHOW']"
    assert "Did not attend" in browser.text(f"{missed} .what")
    graphql(server, outcome, desk, id=visit, attended=True)
    browser.text(f"{item} .badge.status", "Completed")
    seen = f"#feed .event[data-appointment-id='{visit}'][data-kind='COMPLETED']"
    assert "Corrected (was: Did not attend)" in browser.text(f"{seen} .facts")
    assert [kind for kind, _ in feed_kinds(browser, visit)][:2] == ["COMPLETED", "NO_SHOW"]


def test_the_patient_page_lists_the_visits_with_you_with_the_weeks_actions(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The patient page showed their details and shared analyses only: now their visits with
    you too, the latest first, each with its status, as the week offers them: "Did not attend"
    for a begun one, cancelling with a reason for an upcoming one."""
    doctor, patient, missed = a_visit_begun(
        browser, server, tmp_path_factory, "visits-page@example.com", "Vi Visits"
    )
    later = patient.book(doctor, patient.free_day(doctor, days_ahead=4)[0], "a follow-up")
    browser.go(f"#/patients/{patient.id}")
    visits = "#patient-visits .visit"
    begun, upcoming = (f"{visits}[data-appointment-id='{ident}']" for ident in (missed, later))
    browser.find(begun)
    order = browser.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.dataset.appointmentId)",
        visits,
    )
    assert order == [later, missed]  # the latest first
    assert "Past" in browser.text(f"{begun} .badge.status", "Past")
    assert "Booked" in browser.text(f"{upcoming} .badge.status", "Booked")
    assert "a follow-up" in browser.text(f"{upcoming} .reason")
    assert not browser.visible(f"{begun} .cancel-appointment")
    assert not browser.visible(f"{upcoming} .mark-no-show")

    browser.click(f"{begun} .mark-no-show")
    browser.text(f"{begun} .badge.status", "Did not attend")
    assert not browser.visible(f"{begun} .mark-no-show")
    browser.click(f"{begun} .change-outcome summary")  # corrected as on the week
    assert browser.visible(f"{begun} .change-outcome .mark-seen")

    browser.click(f"{upcoming} .cancel-appointment summary")
    browser.set_value(browser.find(f"{upcoming} .cancel-form [name=reason]"), "Away that week")
    browser.submit(f"{upcoming} .cancel-form")
    assert "Away that week" in browser.text(f"{upcoming} .cancelled-note", "Away that week")
    assert not browser.visible(f"{upcoming} .cancel-form")
    mine = patient.call("{ myAppointments { edges { node { id status } } } }")
    assert {
        edge["node"]["id"]: edge["node"]["status"] for edge in mine["myAppointments"]["edges"]
    } == {
        missed: "NO_SHOW",
        later: "CANCELLED",
    }
    # A booking the patient makes while the page is open is listed without a reload (it was
    # listed only on the next visit to the page), the latest first.
    again = patient.book(doctor, patient.free_day(doctor, days_ahead=5)[-1], "a new patch")
    browser.text(f"{visits}[data-appointment-id='{again}'] .badge.status", "Booked")
    first = browser.driver.execute_script(
        "return document.querySelector(arguments[0]).dataset.appointmentId", visits
    )
    assert first == again


def test_working_hours_mark_the_row_at_fault_and_list_the_bookings_a_day_off_leaves_out(
    browser: Browser, server: str
) -> None:
    berlin = catalogue_doctor("Berlin")
    zone = berlin.availability.time_zone
    doctor = doctor_id(server, berlin.email)
    patient = Patient(server, "hours@example.com", "Hana Hours")
    slot = patient.free_day(doctor, zone, days_ahead=3)[0]
    appointment = patient.book(doctor, slot, "a rash")
    open_dashboard(browser, berlin.email)
    assert (browser.text("#week-zone"), zone) == ("Central European Time", "Europe/Berlin")
    assert (
        event_id(browser, f"#feed .event[data-kind=BOOKED][data-appointment-id='{appointment}']")
        > 0
    )  # the history
    browser.click("#nav a[href='#/hours']")

    # Two rows end when they start; the server names the first (weekly.1), and only it is marked.
    browser.find("#weekly-rows tr.weekly")
    # the zone chosen by its id and its name (the id alone before)
    chosen = "const s = document.querySelector('#hours-form [name=timeZone]');"
    assert browser.driver.execute_script(f"{chosen} return s.selectedOptions[0].textContent;") == (
        "Europe/Berlin (Central European Time)"
    )
    rows = browser.driver.find_elements(browser.by, "#weekly-rows tr.weekly")
    assert len(rows) >= 4
    ends = [row.find_element(browser.by, "input.end") for row in rows]
    kept_ends = [end.get_attribute("value") for end in ends]
    starts = [row.find_element(browser.by, "input.start") for row in rows]
    for index in (1, 3):
        browser.set_value(ends[index], starts[index].get_attribute("value"))
    browser.submit("#hours-form")
    error = browser.text("#hours-form .form-error", "VALIDATION_FAILED")
    assert "end after" in error
    browser.until(lambda: faulty_rows(browser, "#weekly-rows tr.weekly") == [1], "row 2 marked")
    assert ends[1].get_attribute("aria-invalid") == "true"
    assert ends[3].get_attribute("aria-invalid") is None
    assert browser.text(".field-error[data-field=weekly]").startswith("Row 2 (")
    assert not browser.visible("#outside-hours")

    # Then an extra date at fault: extraHours.0, whatever the weekly rows look like.
    for index in (1, 3):
        browser.set_value(ends[index], kept_ends[index])
    browser.click("#add-extra")
    extra = browser.find("#extra-rows tr.extra")
    browser.set_value(extra.find_element(browser.by, "input.date"), slot["startLocal"][:10])
    browser.set_value(extra.find_element(browser.by, "input.start"), "15:00")
    browser.set_value(extra.find_element(browser.by, "input.end"), "14:00")
    browser.submit("#hours-form")
    browser.until(lambda: faulty_rows(browser, "#extra-rows tr.extra") == [0], "the extra row")
    assert faulty_rows(browser, "#weekly-rows tr.weekly") == []
    browser.click("#extra-rows tr.extra button.remove")

    day_off = slot["startLocal"][:10]
    browser.click("#add-day-off")
    browser.set_value(browser.visible("#days-off input.date")[-1], day_off)
    browser.submit("#hours-form")
    outside = browser.text(f"#outside-hours [data-appointment-id='{appointment}']", patient.name)
    assert slot["startLocal"][11:16] in outside and "a rash" in outside
    assert "stay booked" in browser.text("#outside-hours")
    assert not browser.visible("#hours-form .form-error")
    assert not browser.visible("#hours-form tr.at-fault")
    token = api_login(server, berlin.email, DEMO_PASSWORD)
    saved = graphql(server, "{ myWorkingHours { daysOff } }", token)["myWorkingHours"]
    assert day_off in saved["daysOff"]
    shown = [i.get_attribute("value") for i in browser.visible("#days-off input.date")]
    assert shown == saved["daysOff"]  # the form now shows the saved hours
    assert browser.severe_console_messages() == []


def test_without_websockets_the_dashboard_polls_dashboard_events_after_the_last_one_seen(
    browser: Browser, server: str
) -> None:
    manchester = catalogue_doctor("Manchester")
    doctor = doctor_id(server, manchester.email)
    patient = Patient(server, "polling@example.com", "Polly Polling")
    first, second = patient.free_day(doctor)[:2]
    earlier = patient.book(doctor, first, "booked before the dashboard opened")
    on_new_pages(browser, NO_SOCKETS, FETCH_LOG)
    open_dashboard(browser, manchester.email, state="polling")
    assert "checking every" in browser.text("#live-status")
    history_id = event_id(
        browser, f"#feed .event[data-kind=BOOKED][data-appointment-id='{earlier}']"
    )
    assert history_id > 0

    show_week_of(browser, second["startLocal"][:10])
    appointment = patient.book(doctor, second, "seen by polling")
    patient.call("mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }", d=doctor)

    browser.text(f"#week .appointment[data-appointment-id='{appointment}']", patient.name)
    booked = f"#feed .event[data-kind=BOOKED][data-appointment-id='{appointment}']"
    assert patient.name in browser.text(booked, "New booking")
    shared = f"#feed .event[data-kind=SHARED][data-patient-id='{patient.id}']"
    assert "All analyses" in browser.text(shared, patient.name)  # named from the appointment
    new_ids = {event_id(browser, booked), event_id(browser, shared)}

    # Both came from polling dashboardEvents after the last event seen, nothing else.
    requests = graphql_requests(browser)
    polled = [
        request
        for request in requests
        if "dashboardEvents" in request["query"]
        and request["variables"].get("after", -1) >= history_id
    ]
    assert new_ids <= {
        event["id"] for request in polled for event in request["data"]["dashboardEvents"]
    }
    assert not [
        request
        for request in requests
        if "availableSlots" in request["query"] or "patients(" in request["query"]
    ]
    # Logging in draws the dashboard once, in the doctor's language: one read of the history.
    assert len([r for r in requests if "dashboardEvents(first:" in r["query"]]) == 1
    assert "PROFILE" not in {resource for resource, _ in patient.access_log()}
    assert browser.severe_console_messages() == []


def test_the_history_shows_when_the_dashboard_was_replaced_while_it_loaded(
    browser: Browser, server: str
) -> None:
    chicago = catalogue_doctor("Chicago")
    doctor = doctor_id(server, chicago.email)
    patient = Patient(server, "race@example.com", "Rita Race")
    slot = patient.free_day(doctor, chicago.availability.time_zone)[0]
    appointment = patient.book(doctor, slot, "booked before the dashboard opened")
    on_new_pages(browser, HISTORY_RACE)
    browser.log_in(chicago.email, DEMO_PASSWORD)
    browser.until(lambda: browser.hash() == "#/dashboard", "the dashboard")
    browser.find("#feed-empty")  # the first page waits for its history
    browser.driver.execute_script("window.dispatchEvent(new HashChangeEvent('hashchange'))")
    browser.find("#live-status[data-state=live]")  # the second page read it and follows
    assert event_id(browser, f"#feed .event[data-kind=BOOKED][data-appointment-id='{appointment}']")
    assert browser.severe_console_messages() == []


def test_older_events_page_back_through_the_history(browser: Browser, server: str) -> None:
    """Before, the dashboard showed its newest 50 events and nothing before them."""
    doctor = catalogue_doctor("Los Angeles")
    account = doctor_id(server, doctor.email)
    patient = Patient(server, "history@example.com", "Hugo History")
    for _ in range(28):  # 56 events, SHARED and SHARE_REVOKED by turns
        share = patient.call(
            "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }", d=account
        )["shareAnalysis"]["id"]
        patient.call("mutation($id: ID!) { revokeShare(shareId: $id) { id } }", id=share)
    count = "return document.querySelectorAll('#feed .event').length"
    ids = "return [...document.querySelectorAll('#feed .event')].map((e) => +e.dataset.eventId)"
    open_dashboard(browser, doctor.email)
    browser.until(lambda: browser.driver.execute_script(count) == 50, "the newest 50")
    browser.click("#older-events")
    browser.until(lambda: browser.driver.execute_script(count) == 56, "the 6 before them")
    shown = browser.driver.execute_script(ids)
    assert shown == sorted(shown, reverse=True) and len(set(shown)) == 56  # newest first
    assert not browser.visible("#older-events")  # nothing before the first
    assert browser.severe_console_messages() == []


def test_a_week_that_failed_to_load_is_not_stepped_over(browser: Browser) -> None:
    on_new_pages(browser, WEEK_OFFLINE)
    open_dashboard(browser, catalogue_doctor("New York").email)
    monday = browser.attribute("#week .day", "data-date") or ""
    browser.driver.execute_script("window.__offline = true")
    browser.click("#next-week")
    browser.text("#week-form .form-error", "NETWORK")
    assert browser.attribute("#week .day", "data-date") == monday  # still this week
    browser.driver.execute_script("window.__offline = false")
    browser.click("#next-week")
    following = (datetime.fromisoformat(monday) + timedelta(days=7)).date().isoformat()
    browser.find(f"#week .day[data-date='{following}']")  # the next week, not the one after
    assert browser.find("#week-of").get_property("value") == following


PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True}


def sideways(browser: Browser) -> int:
    """How far the page scrolls sideways on the PHONE (0: it does not; a phone widens its
    window to a page wider than the screen, so the screen's width is the measure)."""
    width = browser.driver.execute_script("return document.scrollingElement.scrollWidth")
    return int(width) - PHONE["width"]


def test_on_a_phone_wide_tables_scroll_in_their_box_not_the_page(
    browser: Browser, server: str
) -> None:
    los_angeles = catalogue_doctor("Los Angeles")
    patient = Patient(server, "narrow@example.com", "Nina Narrow")
    share = "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }"
    patient.call(share, d=doctor_id(server, los_angeles.email))
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browser.log_in("narrow@example.com", PASSWORD)
    browser.go("#/sharing")
    browser.find("#shares tbody tr")
    assert sideways(browser) == 0

    browser.in_nav("#logout")  # in the menu on a phone
    browser.find("#login-form")
    browser.log_in(los_angeles.email, DEMO_PASSWORD)
    browser.go("#/hours")
    browser.find("#weekly-rows tr.weekly")
    assert sideways(browser) == 0
    # The hours' rows stack on a phone: every field of a row on screen, nothing to scroll to.
    wide, shown = browser.driver.execute_script(
        "const box = document.querySelector('#weekly-rows').closest('.scroll');"
        "return [box.scrollWidth, box.clientWidth];"
    )
    assert wide <= shown, (wide, shown)
    for field in (".weekday", ".start", ".end", ".slot-minutes", ".type", ".remove"):
        place = browser.find(f"#weekly-rows tr.weekly {field}").rect
        assert place["x"] + place["width"] <= PHONE["width"], field
    label = browser.driver.execute_script(
        "const end = document.querySelector('#weekly-rows tr.weekly .end').closest('td');"
        "return getComputedStyle(end, '::before').content;"
    )
    assert label == '"End"', label  # each stacked field under its column's name


def test_a_dermatologist_sets_language_and_zone_and_has_data_rights_on_the_profile(
    browser: Browser,
) -> None:
    open_dashboard(browser, catalogue_doctor("New York").email)
    browser.click("#nav a[href='#/profile']")
    browser.find("#profile-form [name=locale]")
    assert browser.hash() == "#/profile"
    for shown in ("[name=timeZone]", "[name=displayName]", "~ #my-data #export-data"):
        assert browser.visible(f"#profile-form {shown}"), shown
    assert browser.visible("#erase-form [name=password]")
    for patients_only in ("birthYear", "skinType", "concerns", "pregnant", "budgetTotal"):
        assert not browser.visible(f"#profile-form [name={patients_only}]"), patients_only
    # No consent to analyse their own face photos, or to learn from them: they upload none.
    assert not browser.visible("#photo-consent-panel") and not browser.visible("#learning-consent")
    assert "listing leaves the directory" in browser.text("#erase-what")
    # The zone list names each zone after its id, as the working hours' list does.
    chosen = browser.find("#profile-form [name=timeZone] option:checked")
    zone = chosen.get_attribute("value").replace("_", " ")
    assert chosen.text.startswith(f"{zone} (") and chosen.text.endswith(" Time)"), chosen.text
    browser.submit("#profile-form")
    browser.text("#profile-form .saved", "Profile saved.")
