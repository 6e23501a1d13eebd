"""The web views' dates in a named zone, read in the page (London: web_browser.py) at fixed
instants, with the API's answers stubbed where a view asks for them: an appointment's start in
the inbox as on its page, three calendar years of progress, and a practice's days of free times.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-zones")
browser = browser_fixture()

# Answers the views' queries (`answers`: a part of the query -> its data), keeps what was asked
# (window.asked: [query, variables]) and lets the rest through.
STUB = """
window.asked = [];
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  const body = JSON.parse(String(init.body || "{}"));
  const found = Object.entries(answers).find(([part]) => String(body.query).includes(part));
  if (!found) return nativeFetch(url, init);
  window.asked.push([body.query, body.variables]);
  return new Response(JSON.stringify({ data: found[1] }),
    { status: 200, headers: { "content-type": "application/json" } });
};
"""


def run(browser: Browser, script: str, answers: dict[str, Any] | None = None) -> Any:
    """`script` in the page (an async function body; `done(value)` answers), after the stub."""
    browser.open()
    return browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const answers = arguments[0];"
        f"{STUB}(async () => {{ {script} }})().catch((error) => done(`error: ${{error}}`));",
        answers or {},
    )


def notification(id_: int, kind: str, details: dict[str, str]) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "at": "2026-12-07T10:00:00Z", "read": False,
            "details": details}  # fmt: skip


def test_an_appointment_notification_shows_its_start_as_the_appointments_page_does(
    browser: Browser,
) -> None:
    """A person whose profile is in Tokyo, on a browser in London: the booking's start, 09:00
    UTC, reads 6:00 PM (Japan Standard Time), as the appointments page shows it. Before, 9:00 AM in
    London's time, unlabelled. A notification told before the zone was named keeps the
    browser's zone, unlabelled, as before."""
    start = "2026-12-15T09:00:00+00:00"
    edges = [
        notification(3, "APPOINTMENT_BOOKED", {"appointment_id": "a1", "start": start,
                                               "time_zone": "Asia/Tokyo"}),
        notification(2, "APPOINTMENT_REMINDER", {"appointment_id": "a0", "start": start}),
        notification(1, "ANALYSIS_DONE", {"analysis_id": "x1"}),
    ]  # fmt: skip
    answers = {
        "notifications(first": {
            "unreadNotifications": 3,
            "notifications": {
                "edges": [{"node": node} for node in edges],
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            },
        }
    }
    said = run(
        browser,
        "const { renderInbox } = await import('/static/views/inbox.js');"
        "const view = document.createElement('div'); await renderInbox(view);"
        "done([...view.querySelectorAll('li .muted')].map((item) => item.textContent));",
        answers,
    )
    assert isinstance(said, list), said
    booked, reminder, done = said
    # the app's locale (en-US or en-GB) orders the date and writes the hour its own way
    day, six, nine = r"(Dec 15, 2026|15 Dec 2026)", r"(6:00\sPM|18:00)", r"(9:00\sAM|09:00)"
    # which time is the appointment's, in words (two bare times side by side said not)
    # the zone as people name it (it read "(Asia/Tokyo)", the IANA id: the tenth session's walk)
    assert re.search(rf" · appointment on {day}, {six} \(Japan Standard Time\)$", booked), said
    assert re.search(rf" · appointment on {day}, {nine}$", reminder), said
    assert " · " not in done, said  # no start: the time it was told only


def test_progress_covers_three_calendar_years(browser: Browser) -> None:
    """Three calendar years back from the same hour: from 7 December 2026, 7 December 2023
    (29 February 2024 lies between: 3 x 365 x 24 hours began on the 8th); from 29 February
    2028, 28 February 2025. In London's time: 00:30 on 1 March 2027 goes back to 00:30 on
    1 March 2024."""
    spans = run(
        browser,
        "const { progressSpan } = await import('/static/views/trends.js');"
        "done(answers.instants.map((now) => progressSpan(new Date(now)).from.toISOString()));",
        {"instants": ["2026-12-07T10:00:00Z", "2028-02-29T12:00:00Z", "2027-03-01T00:30:00Z"]},
    )
    assert spans == [
        "2023-12-07T10:00:00.000Z",
        "2025-02-28T12:00:00.000Z",
        "2024-03-01T00:30:00.000Z",
    ], spans


def test_a_day_of_free_times_is_a_day_of_the_practice(browser: Browser) -> None:
    """A practice in Sydney seen from London: "1 day" from Monday 14 December is Sydney's
    Monday, 13:00 UTC on the 13th to 13:00 UTC on the 14th, and its times are asked and shown
    in Sydney's time (one heading, Monday). Before, the span began at London's midnight
    (11:00 in Sydney): the end of Monday and the start of Tuesday there, under two headings.
    The picker starts on today's date in Sydney."""
    slot = {"start": "2026-12-13T22:00:00Z", "end": "2026-12-13T22:30:00Z",
            "startLocal": "2026-12-14T09:00:00+11:00", "endLocal": "2026-12-14T09:30:00+11:00",
            "timeZone": "Australia/Sydney", "consultationTypes": ["VIDEO"],
            "cancellableUntil": "2026-12-12T22:00:00Z", "freeCancellation": True}  # fmt: skip
    asked = run(
        browser,
        "const { slotPicker } = await import('/static/views/slots.js');"
        "const picker = slotPicker('doc-1', () => {}, { timeZone: 'Australia/Sydney' });"
        "document.body.append(picker);"
        "const form = picker.querySelector('form');"
        "const today = form.elements.from.value;"
        "await new Promise((resolve) => setTimeout(resolve, 500));"
        "form.elements.from.value = '2026-12-14'; form.elements.span.value = '1';"
        "form.requestSubmit();"
        "await new Promise((resolve) => setTimeout(resolve, 500));"
        "done({ today, asked: window.asked.map(([, variables]) => variables),"
        "  days: [...picker.querySelectorAll('.slot-day h4')].map((h) => h.textContent),"
        "  said: picker.querySelector('.slot-results p').textContent });",
        {"availableSlots(": {"availableSlots": [slot]}},
    )
    assert isinstance(asked, dict), asked
    first, chosen = asked["asked"]
    sydney_today = browser.driver.execute_script(
        "return new Intl.DateTimeFormat('en-CA', { timeZone: 'Australia/Sydney' })"
        ".format(new Date());"
    )
    assert (chosen["from"], chosen["to"], chosen.get("zone")) == (
        "2026-12-13T13:00:00.000Z",
        "2026-12-14T13:00:00.000Z",
        "Australia/Sydney",
    ), asked
    assert asked["today"] == sydney_today and first.get("zone") == "Australia/Sydney", asked
    assert asked["days"] in (["Monday 14 December"], ["Monday, December 14"]), asked
    assert asked["said"].startswith("Times in Australian Eastern Time."), asked


def test_a_practice_s_day_starts_at_its_midnight_whatever_its_clocks_do(browser: Browser) -> None:
    """The span's days are counted on the practice's calendar: London's day the clocks go back
    is 25 hours; Santiago skips its midnight on 6 September 2026 (the day starts at 01:00)."""
    spans = run(
        browser,
        "const { practiceSpan } = await import('/static/views/slots.js');"
        "done(answers.days.map(([day, zone]) => practiceSpan(day, 1, zone))"
        ".map(({ from, to }) => [from.toISOString(), to.toISOString()]));",
        {"days": [["2027-10-31", "Europe/London"], ["2026-09-06", "America/Santiago"]]},
    )
    assert spans == [
        ["2027-10-30T23:00:00.000Z", "2027-11-01T00:00:00.000Z"],
        ["2026-09-06T04:00:00.000Z", "2026-09-07T03:00:00.000Z"],
    ], spans


def test_the_booking_form_says_the_time_at_the_practice_and_where_the_person_is(
    browser: Browser,
) -> None:
    """A practice in Paris, a person whose profile is in New York (the browser is in London):
    the form said "Dec 8, 2026, 10:00 AM (Central European Time)" only, nor what the visit costs
    or how long it lasts. Now the New York time beside it ("4:00 AM your time (Eastern Time)"),
    with its date when that is another day there (Tokyo), the length and the fee; one time
    where the person's clock reads the same (Paris, and Berlin)."""
    slot = {"start": "2026-12-08T09:00:00Z", "end": "2026-12-08T09:30:00Z",
            "startLocal": "2026-12-08T10:00:00+01:00", "endLocal": "2026-12-08T10:30:00+01:00",
            "timeZone": "Europe/Paris", "consultationTypes": ["IN_PERSON"],
            "cancellableUntil": "2026-12-07T09:00:00Z", "freeCancellation": True}  # fmt: skip
    late = {**slot, "start": "2026-12-08T16:00:00Z", "end": "2026-12-08T16:45:00Z"}
    doctor = {"id": "doc-1", "fee": {"amount": "180.00", "currency": "GBP"}}
    said = run(
        browser,
        "const { slotPicker } = await import('/static/views/slots.js');"
        "const { bookingForm } = await import('/static/views/directory.js');"
        "const doctor = answers.__doctor;"
        "const said = (slot, zone) => {"
        "  const form = bookingForm(doctor, slot, null, () => {}, zone);"
        "  return [form.querySelector('.book-when').textContent,"
        "    form.querySelector('.visit-terms').textContent]; };"
        "const picked = await new Promise((resolve) => {"
        "  const picker = slotPicker('doc-1', (slot, zone) => resolve([slot, zone]),"
        "    { timeZone: 'Europe/Paris', withPersonZone: true });"
        "  document.body.append(picker);"
        "  const wait = () => { const button = picker.querySelector('button.slot');"
        "    if (button) button.click(); else setTimeout(wait, 50); };"
        "  wait(); });"
        "const { __slot: slot, __late: late } = answers;"
        "const { clockNote } = await import('/static/views/slots.js');"
        "done({ zone: picked[1], newYork: said(...picked), tokyo: said(late, 'Asia/Tokyo'),"
        "  paris: said(slot, 'Europe/Paris'), berlin: said(slot, 'Europe/Berlin'),"
        "  note: document.querySelector('.slot-picker .zone-note').textContent,"
        "  tokyoNote: clockNote(late, 'Asia/Tokyo'),"
        "  parisNote: clockNote(slot, 'Europe/Paris') });",
        {
            "availableSlots(": {"availableSlots": [slot]},
            "profile { timeZone }": {"me": {"profile": {"timeZone": "America/New_York"}}},
            "__doctor": doctor,
            "__slot": slot,
            "__late": late,
        },
    )
    assert isinstance(said, dict), said
    assert said["zone"] == "America/New_York", said  # the profile's, not the browser's London
    day, ten = r"(Dec 8, 2026|8 Dec 2026)", r"(10:00\sAM|10:00)"
    paris = rf"{day}, {ten} \(Central European Time\)"
    when, terms = said["newYork"]
    assert re.fullmatch(rf"{paris} · (4:00\sAM|04:00) your time \(Eastern Time\)", when), said
    assert terms == "Length: 30 min · Fee: £180.00", said
    when, terms = said["tokyo"]  # 17:00 in Paris is 01:00 the next day in Tokyo
    assert re.fullmatch(
        rf"{day}, (5:00\sPM|17:00) \(Central European Time\) · "
        r"(Dec 9, 2026|9 Dec 2026), (1:00\sAM|01:00) your time \(Japan Standard Time\)",
        when,
    ), said
    assert terms.startswith("Length: 45 min · "), said
    assert re.fullmatch(paris, said["paris"][0]), said
    assert re.fullmatch(paris, said["berlin"][0]), said  # the same clock: one time
    # The list of times said only "Times in Central European Time."; its buttons are the
    # practice's times. Now it says what the first reads on the person's clock.
    assert re.fullmatch(
        r"Times in Central European Time\. (10:00\sAM|10:00) at the practice is "
        r"(4:00\sAM|04:00) for you \(Eastern Time\)\. The arrow keys move between the times "
        r"of a day\.",
        said["note"],
    ), said
    assert re.fullmatch(
        r"(5:00\sPM|17:00) at the practice is (Dec 9, 2026|9 Dec 2026), (1:00\sAM|01:00) for "
        r"you \(Japan Standard Time\)\.",
        said["tokyoNote"],
    ), said
    assert said["parisNote"] is None, said


def test_a_booking_whose_time_has_passed_reads_past_not_booked(browser: Browser) -> None:
    """The API keeps a booking BOOKED after its time (nothing records whether the visit took
    place): the patient's list and the dashboard's week said "Booked" of last week's visit.
    Now "Past" once its end has passed; until then, and when cancelled, as before."""
    said = run(
        browser,
        "const { appointmentStatus } = await import('/static/dom.js');"
        "const visit = { status: 'BOOKED', start: '2026-12-07T10:00:00Z',"
        "  end: '2026-12-07T10:30:00Z' };"
        "const at = (now) => appointmentStatus(visit, Date.parse(now));"
        "done([at('2026-12-07T10:29:59Z'), at('2026-12-07T10:30:00Z'),"
        "  appointmentStatus({ ...visit, status: 'CANCELLED' },"
        "    Date.parse('2026-12-08T00:00:00Z'))]);",
    )
    assert said == [["booked", "Booked"], ["past", "Past"], ["cancelled", "Cancelled"]], said


def test_a_past_visit_on_the_patient_s_list_says_nothing_of_calling_to_change_it(
    browser: Browser,
) -> None:
    """Yesterday's booking read "Booked" and "It starts too soon to be cancelled or moved
    here; please call the practice on …". Now "Past", and nothing about changing it."""
    doctor = {"id": "doc-1", "name": "Dr Test", "timeZone": "Europe/London",
              "practice": {"name": "Clinic", "address": "1 Road", "city": "London",
                           "phone": "+442079460101"}}  # fmt: skip
    visit = {"id": "a-1", "start": "2026-12-06T10:00:00Z", "end": "2026-12-06T10:30:00Z",
             "timeZone": "Europe/London", "status": "BOOKED", "consultationType": "VIDEO",
             "reason": "", "cancelReason": "", "reschedules": 0, "cancelledAt": None,
             "cancellableUntil": "2026-12-06T08:00:00Z", "dermatologist": doctor,
             "referral": None}  # fmt: skip
    shown = run(
        browser,
        "const { renderAppointments } = await import('/static/views/appointments.js');"
        "const view = document.createElement('main'); document.body.append(view);"
        "await renderAppointments(view);"
        "const item = view.querySelector('.appointment');"
        "done([item.querySelector('.badge.status').textContent,"
        "  item.querySelector('.cancellation-terms')?.textContent ?? null,"
        "  item.querySelector('.practice-phone')?.textContent ?? null]);",
        {"myAppointments(": {"myAppointments": {
            "edges": [{"node": visit}], "pageInfo": {"hasNextPage": False, "endCursor": None}}}},
    )  # fmt: skip
    assert shown == ["Past", None, "Practice phone: +442079460101"], shown
