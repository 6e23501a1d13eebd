"""The navigation on a 375 px phone, in headless Chromium: one line of bar (the brand, the inbox
with its unread count, a Menu button) above the page, at 1x and 2x text; the menu opened and
closed by keys, heard as a button that says whether it is expanded; every page of a patient, a
dermatologist and an administrator reached through it. Before, the links wrapped over four
lines (161-193 px at 1x, 513-654 px of an 812 px screen at 2x) before the page's heading.
Skips like tests/e2e/test_web_app.py without Chromium."""

from __future__ import annotations

import pytest

from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PASSWORD
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_access import heading_has_focus, keys
from tests.e2e.test_web_dashboard import LONDON, Patient, catalogue_doctor, doctor_id
from tests.e2e.web_access import audit, focused_matches, phone, press, tab_to
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-nav")
browser = browser_fixture()

ADMIN = "admin@demo.metskin.local"
PATIENT_PAGES = {
    "#/analyse": "Analyse your skin",
    "#/history": "Your analyses",
    "#/progress": "Your progress",
    "#/dermatologists": "Find a dermatologist",
    "#/appointments": "Your appointments",
    "#/sharing": "Sharing",
    "#/profile": "Your profile",
}
DERMATOLOGIST_PAGES = {
    "#/dashboard": "Dashboard",
    "#/patients": "Your patients",
    "#/hours": "Working hours",
    "#/profile": "Your profile",
}
# Where the page's heading starts, at most, under the bar (the page's own top margin included).
HEADING_TOP = {1: 100, 2: 230}

# The bar's foot, the heading's top on the page less the height of the email banner (a new
# person's "Confirm your email address": a message, not the navigation), the page's width, the
# unread count's foot.
PLACES = """
const top = document.querySelector('header.top').getBoundingClientRect();
const h1 = document.querySelector('main h1').getBoundingClientRect();
const banner = document.getElementById('email-banner');
const message = banner.hidden ? 0 : banner.getBoundingClientRect().height;
const badge = document.getElementById('inbox-badge').getBoundingClientRect();
return [top.bottom, h1.top + scrollY - message, document.documentElement.scrollWidth, badge.bottom];
"""


@pytest.fixture(scope="module")
def patient(server: str) -> str:
    """A patient with one unread inbox entry (an appointment booked through the API)."""
    person = Patient(server, "menu@example.com", "Mina Menu")
    doctor = doctor_id(server, catalogue_doctor("London").email)
    person.book(doctor, person.free_day(doctor, LONDON)[0], "a dry patch")
    return "menu@example.com"


def settled(browser: Browser, heading: str) -> None:
    browser.until(
        lambda: browser.driver.execute_script(
            "return document.querySelector('main h1') && !document.querySelector('[aria-busy]')"
            " && !document.querySelector('.loading')"
        ),
        f"the page {heading!r}",
    )
    assert heading in browser.text("main h1")


def tap(browser: Browser, x: int, y: int) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(browser.driver)
    actions.w3c_actions.pointer_action.move_to_location(x, y).click()
    actions.perform()


def menu_open(browser: Browser) -> bool:
    return browser.attribute("#menu-button", "aria-expanded") == "true"


def test_on_a_phone_the_page_starts_under_one_line_of_bar_with_the_inbox_count_in_it(
    browser: Browser, patient: str
) -> None:
    browser.log_in(patient, PASSWORD)
    for scale in (1, 2):
        phone(browser, text_scale=scale)
        for page, heading in PATIENT_PAGES.items():
            browser.go(page)
            settled(browser, heading)
            bar, h1, wide, count = browser.driver.execute_script(PLACES)
            assert h1 <= HEADING_TOP[scale], (page, scale, bar, h1)
            assert wide <= 375, (page, scale, wide)
            # The menu folded: its links are not on the page, the count is.
            assert not menu_open(browser)
            assert not browser.visible("#nav-menu a"), page
            assert browser.find("#inbox-badge").text == "1" and count <= bar, page
        link = browser.find("#inbox-link")
        assert link.get_attribute("aria-label") == "Inbox, 1 unread"
        assert link.rect["height"] >= 24 and browser.find("#menu-button").rect["height"] >= 24
        # Open, the menu passes the small-phone checks too (targets, contrast, nothing cut).
        browser.click("#menu-button")
        assert menu_open(browser) and len(browser.visible("#nav-menu a")) == len(PATIENT_PAGES)
        assert audit(browser) == {}, scale
        assert browser.attribute("#nav a[aria-current=page]", "href") == "#/profile"
        browser.click("#menu-button")
        assert not menu_open(browser)


def test_the_menu_opens_and_closes_by_keys_and_closes_on_a_chosen_page(
    browser: Browser, patient: str
) -> None:
    k = keys()
    browser.log_in(patient, PASSWORD)
    phone(browser)
    settled(browser, "Analyse your skin")
    button = browser.find("#menu-button")
    assert button.accessible_name == "Menu"
    assert browser.attribute("#menu-button", "aria-controls") == "nav-menu"
    tab_to(browser, "#menu-button")
    press(browser, k.ENTER)
    assert menu_open(browser)
    press(browser, k.TAB)
    assert focused_matches(browser, "#nav-menu a[href='#/analyse'][aria-current=page]")
    press(browser, k.ESCAPE)  # closed, the focus back on its button
    assert not menu_open(browser) and focused_matches(browser, "#menu-button")
    press(browser, k.SPACE)
    assert menu_open(browser)
    tab_to(browser, "#nav-menu a[href='#/history']")
    press(browser, k.ENTER)
    heading_has_focus(browser, "Your analyses")
    assert not menu_open(browser) and not browser.visible("#nav-menu a")
    assert browser.attribute("#nav a[aria-current=page]", "href") == "#/history"

    # The session changes while the menu is open (a refreshed token, a saved profile): the
    # navigation is drawn again, the menu stays open and the focus where it was.
    tab_to(browser, "#menu-button", back=True)
    press(browser, k.ENTER)
    tab_to(browser, "#nav-menu a[href='#/sharing']")
    browser.driver.execute_async_script(
        "const done = arguments[0];"
        "import('/static/graphql.js').then(({ session }) => { session.setUser({}); done(); });"
    )
    assert menu_open(browser) and focused_matches(browser, "#nav-menu a[href='#/sharing']")
    press(browser, k.ESCAPE)

    # Tab out of the open menu (past Log out) closes it: it covered the page.
    tab_to(browser, "#menu-button", back=True)
    press(browser, k.ENTER)
    tab_to(browser, "#logout")
    press(browser, k.TAB)
    assert not menu_open(browser)
    # A tap outside closes it too, and the page the menu was on closes it (no address changes).
    browser.click("#menu-button")
    tap(browser, 180, 640)  # the foot of the screen, under the open menu
    assert not menu_open(browser)
    browser.click("#menu-button")
    browser.click("#nav-menu a[href='#/history']")
    assert not menu_open(browser)
    assert browser.severe_console_messages() == []


@pytest.mark.parametrize(
    ("email", "password", "pages"),
    [
        ("menu@example.com", PASSWORD, PATIENT_PAGES),
        (DEMO_DERMATOLOGIST, DEMO_PASSWORD, DERMATOLOGIST_PAGES),
        (ADMIN, DEMO_PASSWORD, {**PATIENT_PAGES, "#/admin": "Administration"}),
    ],
    ids=["patient", "dermatologist", "administrator"],
)
def test_every_page_is_reached_through_the_menu_on_a_phone(
    browser: Browser, patient: str, email: str, password: str, pages: dict[str, str]
) -> None:
    browser.log_in(email, password)
    phone(browser)
    for page, heading in [*pages.items(), ("#/inbox", "Inbox")]:
        if page == "#/inbox":
            if email == DEMO_DERMATOLOGIST:
                assert not browser.visible("#inbox-link")  # a patient's page
                continue
            browser.click("#inbox-link")  # in the bar: no menu to open
        else:
            browser.in_nav(f"#nav-menu a[href='{page}']")
        browser.until(lambda page=page: browser.hash() == page, page)
        settled(browser, heading)
        assert not menu_open(browser)
        assert browser.attribute("#nav a[aria-current=page]", "href") == page
    browser.in_nav("#logout")
    browser.find("#login-form")
