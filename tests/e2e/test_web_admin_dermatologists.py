"""The admin page's dermatologists beyond the first hundred (Chromium): the list is by name, a
page of 50 at a time with "Show more", says which have not activated their account, and finds
one by part of the name (without accents) or the address. Before, the page read the directory's
and the accounts' first 100 only: past them a dermatologist was not listed at all, and no
status was known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from metskin.cli.seed import DEMO_PASSWORD
from metskin.domain.accounts.model import sort_name
from tests.cluster import graphql
from tests.e2e.test_content_api import DOCTOR_INPUT
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-admin-doctors")
browser = browser_fixture()
ADMIN = "admin@demo.metskin.local"
MANY = 110
CREATE = """mutation($e: String!, $i: DermatologistInput!) {
  createDermatologist(email: $e, input: $i) { id } }"""
SEEDED = "{ users(role: DERMATOLOGIST, first: 100) { edges { node { id } } } }"
ROWS = "#admin-doctor-list li"


def rows(browser: Browser) -> list[str]:
    return [str(e.text) for e in browser.visible(ROWS)]


def show(browser: Browser, count: int, first: str = "") -> list[str]:
    """The rows once `count` are listed, the first starting with `first`: read once, inside the
    wait (read again after it, a list redrawn meanwhile was stale; and after a new search the
    previous search's one row already made a count of 1)."""

    def listed() -> list[str] | None:
        found = rows(browser)
        return found if len(found) == count and found[0].startswith(first) else None

    return list(browser.until(listed, f"{count} dermatologists listed, from {first!r}"))


def test_more_than_a_hundred_dermatologists_paged_and_searched(
    browser: Browser, server: str
) -> None:
    token = api_login(server, ADMIN, DEMO_PASSWORD)
    seeded = len(graphql(server, SEEDED, token)["users"]["edges"])
    names = {f"page{n:03d}": f"Dr Page {n:03d}" for n in range(1, MANY + 1)}
    names["zamora"] = "Élodie Zamora"
    for local, name in names.items():
        doctor = {**DOCTOR_INPUT, "name": name}
        graphql(server, CREATE, token, e=f"{local}@clinic.example", i=doctor)
    everyone = seeded + len(names)
    assert everyone > 100

    browser.log_in(ADMIN, DEMO_PASSWORD)
    browser.go("#/admin")
    assert len(show(browser, 50)) == 50  # the first page, by name
    # A search typed, not submitted: "Show more" continues the rows shown. Before, it sent
    # the shown list's cursor with the typed search (now CURSOR_FILTERS_CHANGED; before that,
    # the matches after the cursor, appended to the unfiltered rows).
    browser.fill("#admin-doctor-search", search="page1")
    browser.click("#admin-doctor-more")
    show(browser, 100)  # the rows after the first 50, all of them: sorted and whole below
    browser.click("#admin-doctor-more")
    listed = show(browser, everyone)
    browser.until(lambda: not browser.visible("#admin-doctor-more"), "no more to show")
    shown = [row.split(" · ")[0] for row in listed]
    assert shown == sorted(shown, key=lambda name: sort_name(name, ""))  # É among the E's
    assert "Élodie Zamora" in shown
    pages = [row for row in listed if row.startswith("Dr Page")]
    assert len(pages) == MANY and all("Not activated yet" in row for row in pages)

    browser.fill("#admin-doctor-search", search="ELODIE")
    browser.submit("#admin-doctor-search")
    (found,) = show(browser, 1, "Élodie")
    assert found.startswith("Élodie Zamora · zamora@clinic.example") and "Not activated" in found
    browser.fill("#admin-doctor-search", search="page107@")
    browser.submit("#admin-doctor-search")
    assert show(browser, 1, "Dr Page 107")[0].startswith("Dr Page 107 · page107@clinic.example")
    browser.fill("#admin-doctor-search", search="nobody at all")
    browser.submit("#admin-doctor-search")
    browser.text(ROWS, "No dermatologist found.")
    assert browser.severe_console_messages() == []


LISTING = {
    "email": "leaving@clinic.example",
    "name": "Dr Lea Ving",
    "specialties": "acne",
    "practiceName": "Ving Skin",
    "address": "3 Wimpole St",
    "city": "London",
    "country": "GB",
}
LISTED = """query($id: ID!) { dermatologist(id: $id) { fee { amount currency } languages
  consultationTypes bio practice { city lat lon } } }"""
SHARE = "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { id } }"


def test_a_listing_is_refused_in_words_and_a_removal_asks_first(
    browser: Browser, server: str
) -> None:
    """Languages in words ("English") were stored as they came, so the patients' language filter
    (by code) never found the dermatologist; an empty latitude and longitude placed the
    practice at 0, 0; the form kept "Listed." beside a later refusal; and "Remove" erased the
    account, its bookings and shares at one click."""
    form = "#admin-doctor-form"
    browser.log_in(ADMIN, DEMO_PASSWORD)
    browser.go("#/admin")
    browser.find(ROWS)
    browser.fill(form, **LISTING, languages="English, French", lat="51.52", lon="-0.15")
    browser.submit(form)
    browser.text(f"{form} .form-error", "is not a language code")
    browser.text(f"{form} .form-error", "VALIDATION_FAILED")
    browser.fill(form, languages="en, fr", lat="", lon="")
    browser.submit(form)
    browser.text(f"{form} .form-error", "Give the practice's latitude and longitude.")
    browser.fill(form, lat="51.52", lon="-0.15")
    browser.submit(form)
    browser.text(form, "Listed.")
    browser.fill(form, email="second@clinic.example", languages="English")
    browser.submit(form)
    browser.text(f"{form} .form-error", "is not a language code")
    assert "Listed." not in browser.text(form)

    # Every French speaker, page by page: the first test lists 111 more of them, and the
    # directory orders a search without a place by id, so one page of 100 may miss this one.
    speakers: list[dict] = []
    after = None
    while True:
        page = graphql(
            server,
            'query($a: String) { dermatologists(first: 100, after: $a, filter: {language: "fr"})'
            " { edges { node { id name practice { lat lon } } }"
            " pageInfo { hasNextPage endCursor } } }",
            a=after,
        )["dermatologists"]
        speakers += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    (doctor,) = [node for node in speakers if node["name"] == LISTING["name"]]
    assert doctor["practice"] == {"lat": 51.52, "lon": -0.15}
    patient = api_login(server, "patient@demo.metskin.local", DEMO_PASSWORD)
    graphql(server, SHARE, patient, d=doctor["id"])

    browser.fill("#admin-doctor-search", search="Lea Ving")
    browser.submit("#admin-doctor-search")
    show(browser, 1, LISTING["name"])
    # The listing changed after it was made: the fee, the languages, the consultations. Only
    # the bio could be edited on this page before (the rest through the API alone).
    browser.click("#admin-doctor-list li .edit-listing")
    lat = browser.find(f"{form} [name=lat]")
    browser.until(lambda: lat.get_attribute("value") == "51.52", "the listing in the form")
    assert browser.find(f"{form} [name=email]").get_attribute("disabled") is not None
    browser.fill(form, feeAmount="95.00", languages="en, de")
    browser.find(f"{form} [name=consultationTypes][value=IN_PERSON]").click()
    browser.submit(form)
    browser.text(form, "Listing saved.")
    changed = graphql(server, LISTED, id=doctor["id"])["dermatologist"]
    assert changed == {
        "fee": {"amount": "95.00", "currency": "GBP"},
        "languages": ["de", "en"],
        "consultationTypes": ["VIDEO"],
        "bio": "",
        "practice": {"city": "London", "lat": 51.52, "lon": -0.15},
    }
    assert browser.find(f"{form} [name=email]").get_attribute("disabled") is None
    browser.click("#admin-doctor-list li .delete")
    asked = browser.until(lambda: browser.driver.switch_to.alert, "the question")
    assert "Dr Lea Ving" in asked.text and "appointments are cancelled" in asked.text
    asked.dismiss()
    assert show(browser, 1, LISTING["name"])
    assert graphql(server, "{ myShares { active } }", patient)["myShares"] == [{"active": True}]
    browser.click("#admin-doctor-list li .delete")
    browser.until(lambda: browser.driver.switch_to.alert, "the question").accept()
    browser.text(ROWS, "No dermatologist found.")
    assert browser.severe_console_messages() == []


def test_an_administrator_reads_a_patient_s_access_log(browser: Browser, server: str) -> None:
    """The audit trail (who read which patient's data): only the patient could read theirs;
    an administrator had no query and no screen for it."""
    patient = api_login(server, "patient@demo.metskin.local", DEMO_PASSWORD)
    doctor = api_login(server, "derm@demo.metskin.local", DEMO_PASSWORD)
    admin = api_login(server, ADMIN, DEMO_PASSWORD)
    doctor_id = graphql(server, DOCTOR_ID, admin)["users"]["edges"][0]["node"]["id"]
    graphql(server, SHARE, patient, d=doctor_id)
    graphql(server, "{ patients(first: 50) { edges { node { id } } } }", doctor)  # audited
    form = "#admin-audit-form"
    browser.log_in(ADMIN, DEMO_PASSWORD)
    browser.go("#/admin")
    browser.fill(form, search="nobody-at-all@example.org")
    browser.submit(form)
    browser.text("#admin-audit", "No patient found.")
    browser.fill(form, search="patient@demo.metskin.local")
    browser.submit(form)
    row = browser.text("#admin-access-log tbody tr", "Dr Ada Derm")
    assert "Dana Patient" in browser.text("#admin-audit h3")
    assert "No reads yet" not in row
    assert browser.severe_console_messages() == []


SLOTS = """query($d: ID!, $f: DateTime!, $t: DateTime!) {
  availableSlots(dermatologistId: $d, from: $f, to: $t) { start consultationTypes } }"""
BOOK = "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }"
DOCTOR_ID = """{ users(role: DERMATOLOGIST, search: "derm@demo", first: 1) {
  edges { node { id } } } }"""


def test_the_link_of_a_removed_dermatologist_s_cancellation_leads_to_the_directory(
    browser: Browser, server: str
) -> None:
    """Removing a dermatologist cancels their bookings and emails each patient "you can book a
    new time here:" with the appointment's link; the erasure deletes the appointment, so the
    link opened on "No such appointment. NOT_FOUND". It now says so in words and offers the
    directory."""
    admin = api_login(server, ADMIN, DEMO_PASSWORD)
    patient = api_login(server, "patient@demo.metskin.local", DEMO_PASSWORD)
    doctor = graphql(server, DOCTOR_ID, admin)["users"]["edges"][0]["node"]["id"]
    start = datetime.now(UTC) + timedelta(days=1)
    window = {"f": start.isoformat(), "t": (start + timedelta(days=7)).isoformat()}
    slot = graphql(server, SLOTS, patient, d=doctor, **window)["availableSlots"][0]
    booking = {
        "slotStart": slot["start"],
        "dermatologistId": doctor,
        "consultationType": slot["consultationTypes"][0],
        "reason": "a spot",
    }
    appointment = graphql(server, BOOK, patient, i=booking)["bookAppointment"]["id"]
    graphql(server, SHARE, patient, d=doctor)
    graphql(server, "mutation($id: ID!) { deleteDermatologist(id: $id) }", admin, id=doctor)

    browser.log_in("patient@demo.metskin.local", DEMO_PASSWORD)
    browser.driver.get(f"{server}/appointments/{appointment}")
    gone = browser.text("#appointment-gone", "no longer on file")
    assert "NOT_FOUND" not in browser.text("#view") and "left MetSkin" in gone
    browser.find("#appointment-gone a[href='#/dermatologists']").click()
    browser.until(lambda: browser.hash().startswith("#/dermatologists"), "the directory")
    # The inbox said "Appointment cancelled" with no reason, and nothing of the share that
    # vanished from the Sharing page: one entry now says who left and what it ended.
    browser.go("#/inbox")
    left = browser.text("#inbox [data-kind=DERMATOLOGIST_LEFT]", "Dr Ada Derm left MetSkin")
    assert "is cancelled." in left and "closed their account" in left
    assert "What you shared with them has ended" in left
    cancelled = browser.text("#inbox [data-kind=APPOINTMENT_CANCELLED]", "Appointment cancelled")
    assert "closed their account" in cancelled
    assert browser.severe_console_messages() == []
