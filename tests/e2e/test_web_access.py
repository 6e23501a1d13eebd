"""The web app as a person using only a keyboard, a screen reader or a small phone meets it, in
headless Chromium (tests/e2e/web_access.py says what is measured). Skips like
tests/e2e/test_web_app.py when Chromium or its driver is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_app import ANALYSIS_SECONDS
from tests.e2e.test_web_dashboard import LONDON, Patient, catalogue_doctor, doctor_id
from tests.e2e.web_access import audit, focus_ring, focused_matches, phone, press, tab_to
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

server = server_fixture("web-access")
browser = browser_fixture()

# What the polite live region of the progress panel said, one entry per change.
HEARD = """
window.__heard = [];
new MutationObserver(() => {
  const region = document.querySelector("#progress-said");
  const said = region ? region.textContent : "";
  if (said && said !== window.__heard[window.__heard.length - 1]) window.__heard.push(said);
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


def keys() -> Any:
    from selenium.webdriver.common.keys import Keys

    return Keys


def description(browser: Browser, css: str) -> str:
    """What a screen reader reads after a field's name: the texts its aria-describedby names."""
    return str(
        browser.driver.execute_script(
            "const ids = document.querySelector(arguments[0]).getAttribute('aria-describedby');"
            "return (ids || '').split(' ').map((id) => document.getElementById(id)?.textContent"
            " || '').join(' ')",
            css,
        )
    )


def choose_slot(browser: Browser, scope: str) -> str:
    """The time the person picks (the test's choice, as a sighted person's would be): the first
    one from tomorrow on that is not the one booked; a selector for it, to reach it by Tab."""
    browser.find(f"{scope} button.slot")
    browser.driver.execute_script(
        "const after = Date.now() + 86400000;"
        "const booked = document.querySelector('.appointment')?.dataset.start;"
        "const pick = [...document.querySelectorAll(arguments[0] + ' button.slot:not(.late)')]"
        "  .find((b) => Date.parse(b.dataset.start) > after && b.dataset.start !== booked);"
        "pick.dataset.picked = 'yes';",
        scope,
    )
    return "button.slot[data-picked]"


def pick_a_time(browser: Browser, opener: str, scope: str, *, then: str) -> None:
    """Open the free times with `opener` (which says it is open), reach a time by Tab and take
    it with Enter: the focus lands on `then`, not back at the top of the page."""
    tab_to(browser, opener)
    press(browser, keys().ENTER)
    assert browser.attribute(opener, "aria-expanded") == "true"
    picked = choose_slot(browser, scope)
    # One Tab stop a day (the day's group), then the arrow keys along its times.
    day = f"{scope} .slot-buttons:has({picked})"
    tab_to(browser, f"{day} button.slot[tabindex='0']", most=20)
    press(browser, keys().END)
    assert focused_matches(browser, f"{day} button.slot:last-child")
    press(browser, keys().HOME)
    assert focused_matches(browser, f"{day} button.slot:first-child")
    for _ in range(40):
        if focused_matches(browser, picked):
            break
        press(browser, keys().ARROW_RIGHT)
        assert focus_ring(browser) is None
    assert focused_matches(browser, picked)
    press(browser, keys().ENTER)
    browser.until(lambda: focused_matches(browser, then), f"the focus on {then}")


def heading_has_focus(browser: Browser, text: str) -> None:
    """The view changed: the focus is on its heading, and the title says which page it is."""
    browser.until(lambda: focused_matches(browser, "main h1"), f"the focus on the h1 {text!r}")
    assert text in browser.text("main h1")
    assert browser.driver.title == f"{browser.text('main h1')} · MetSkin"


def test_a_keyboard_user_goes_from_sign_up_to_a_cancelled_appointment(
    browser: Browser, tmp_path: Path
) -> None:
    k = keys()
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HEARD})
    browser.open("#/register")
    browser.find("#register-form")
    tab_to(browser, "#skip-link")  # the first stop skips the navigation
    press(browser, k.ENTER)
    assert focused_matches(browser, "main, main h1")
    tab_to(browser, "#register-form [name=displayName]")
    press(browser, "Ada", k.TAB, "keys@example.com", k.TAB, PASSWORD, k.TAB)
    assert focused_matches(browser, "[name=photoConsent]")
    press(browser, k.SPACE)
    tab_to(browser, "#register-form button[type=submit]")
    press(browser, k.ENTER)
    heading_has_focus(browser, "Analyse your skin")

    browser.find("#upload-form input[name=file]").send_keys(str(photo))  # the system's picker
    tab_to(browser, "#upload-form button[type=submit]")
    press(browser, k.ENTER)
    browser.find('#progress-stage[data-stage="DONE"]', timeout=ANALYSIS_SECONDS)
    heading_has_focus(browser, "Your analysis")
    heard = browser.driver.execute_script("return window.__heard")
    assert heard[-1].startswith("Analysis finished"), heard
    assert len(heard) <= 7, heard  # each stage once, not every tick of the bar
    assert browser.attribute("#progress-said", "aria-live") == "polite"

    # The delete dialog: Escape closes it and the focus goes back to its button.
    tab_to(browser, "#delete-analysis")
    press(browser, k.ENTER)
    browser.until(lambda: focused_matches(browser, "dialog[open] *"), "the focus in the dialog")
    press(browser, k.ESCAPE)
    browser.until(lambda: focused_matches(browser, "#delete-analysis"), "the focus back")

    tab_to(browser, "#routine-link", back=True)
    press(browser, k.ENTER)
    heading_has_focus(browser, "Your routine")
    # A rating sent without one: the error is on the field, which takes the focus.
    tab_to(browser, "form.rate button[type=submit]")
    press(browser, k.ENTER)
    browser.until(
        lambda: focused_matches(browser, "form.rate [name=rating][aria-invalid=true]"),
        "the rating marked wrong and focused",
    )
    assert "Choose a rating from 1 to 5 first." in description(browser, "form.rate [name=rating]")

    tab_to(browser, "#nav a[href='#/dermatologists']", back=True, most=120)
    press(browser, k.ENTER)
    heading_has_focus(browser, "Find a dermatologist")
    browser.text("#doctors .doctor .distance", "km")
    pick_a_time(browser, "#doctors .doctor .show-slots", "#doctors", then=".book-form .book-when")
    tab_to(browser, ".book-form [name=reason]")
    press(browser, "my cheek", k.ENTER)
    browser.until(lambda: focused_matches(browser, ".booking .notice"), "the focus on Booked")
    tab_to(browser, "#to-appointments")
    press(browser, k.ENTER)
    heading_has_focus(browser, "Your appointments")

    pick_a_time(
        browser, ".appointment.booked .reschedule-open", ".appointment", then=".appointment .notice"
    )
    assert "Appointment moved." in browser.text(".appointment .notice")
    tab_to(browser, ".appointment .cancel-open")
    press(browser, k.ENTER)
    tab_to(browser, ".cancel-form [name=reason]")
    press(browser, "better time found", k.ENTER)
    browser.until(
        lambda: focused_matches(browser, ".appointment.cancelled .notice"), "the focus on it"
    )
    assert focus_ring(browser) is None

    # Deleting from the history takes the button away with the item: the focus goes to the top.
    tab_to(browser, "#nav a[href='#/history']", back=True)
    press(browser, k.ENTER)
    heading_has_focus(browser, "Your analyses")
    tab_to(browser, "#history button.delete-analysis")
    press(browser, k.ENTER)
    tab_to(browser, "#confirm-delete")
    press(browser, k.ENTER)
    browser.find("#history-empty")
    heading_has_focus(browser, "Your analyses")
    assert browser.severe_console_messages() == []


@pytest.fixture(scope="module")
def patient(server: str) -> dict[str, str]:
    """A patient with an analysis done and an appointment booked, through the API."""
    person = Patient(server, "phone@example.com", "Noor")
    analysis_id = person.analyse()
    person.wait_until_done(analysis_id)
    doctor = doctor_id(server, catalogue_doctor("London").email)
    person.book(doctor, person.free_day(doctor, LONDON)[0], "a red patch")
    return {"email": "phone@example.com", "analysis": analysis_id}


PAGES = [
    "#/analyse",
    "#/analysis/{analysis}",
    "#/routine/{analysis}",
    "#/history",
    "#/progress",
    "#/dermatologists",
    "#/appointments",
    "#/sharing",
    "#/inbox",
    "#/profile",
    "#/consent",
]


def walk(browser: Browser, analysis: str) -> dict[str, dict[str, list[str]]]:
    """Every page a patient uses, with what it got wrong."""
    found = {}
    for page in PAGES:
        browser.go(page.format(analysis=analysis))
        browser.until(
            lambda: browser.driver.execute_script(
                "return document.querySelector('main h1') && !document.querySelector('[aria-busy]')"
                " && !document.querySelector('.loading')"
            ),
            f"the page {page}",
        )
        if "analysis/" in page:
            browser.image("#overlay")
            browser.find("#referral h2")
        if page == "#/dermatologists":
            browser.find("#doctors .show-slots").click()
            browser.find("#doctors button.slot")
        problems = audit(browser)
        if problems:
            found[page] = problems
    return found


def test_every_patient_page_reads_on_a_small_phone_and_at_200_percent_text(
    browser: Browser, patient: dict[str, str]
) -> None:
    browser.open("#/login")
    for scale in (1, 2):
        phone(browser, text_scale=scale)
        for page, form in (("#/login", "#login-form"), ("#/register", "#register-form")):
            browser.go(page)
            browser.find(form)
            assert audit(browser) == {}, (page, scale)
    browser.log_in(patient["email"], PASSWORD)
    for scale in (1, 2):
        phone(browser, text_scale=scale)
        assert walk(browser, patient["analysis"]) == {}, scale


LEARN_PAGES = ["/learn", "/learn?search=sunscreen", "/learn/caring-for-oily-skin", "/learn/nope"]


def test_the_learn_pages_read_on_a_small_phone_and_at_200_percent_text(browser: Browser) -> None:
    """The pages "Read more" opens had browser defaults (no stylesheet): audited as the app's."""
    for scale in (1, 2):
        phone(browser, text_scale=scale)
        for path in LEARN_PAGES:
            browser.driver.get(f"{browser.base}{path}")
            browser.find("main.learn h1")
            assert (
                browser.driver.execute_script(
                    "return getComputedStyle(document.querySelector('.top')).display"
                )
                == "flex"
            ), path  # the app's stylesheet applies
            assert audit(browser) == {}, (path, scale)


def test_the_screen_reader_hears_names_errors_and_the_language(
    browser: Browser, patient: dict[str, str]
) -> None:
    browser.log_in(patient["email"], PASSWORD)
    browser.go(f"#/analysis/{patient['analysis']}")
    overlay = browser.image("#overlay")
    legend = browser.text("#overlay-legend")
    described = overlay.get_attribute("aria-describedby")
    assert described and browser.text(f"#{described}") == legend
    assert "Lines and wrinkles" in overlay.get_attribute("alt")  # the concerns, in words

    browser.go("#/profile")
    browser.fill("#profile-form", birthYear="1800")
    browser.submit("#profile-form")
    browser.text("#profile-form .form-error", "VALIDATION_FAILED")
    year = browser.find("#profile-form [name=birthYear]")
    assert year.get_attribute("aria-invalid") == "true"
    assert "Birth year" in description(browser, "#profile-form [name=birthYear]")
    assert focused_matches(browser, "[name=birthYear]")  # taken to the field to mend it
    assert browser.attribute("#profile-form .form-error", "role") == "alert"

    browser.select("#profile-form [name=locale]", "fr-FR")
    browser.fill("#profile-form", birthYear="1990")
    browser.submit("#profile-form")
    browser.until(
        lambda: browser.driver.execute_script("return document.documentElement.lang") == "fr-FR",
        "the page in French",
    )
    browser.until(lambda: browser.driver.title == "Votre profil · MetSkin", "the French title")
    assert (
        browser.driver.execute_script("return document.getElementById('skip-link').textContent")
        == "Aller au contenu"
    )  # translated too
