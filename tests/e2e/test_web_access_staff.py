"""The dermatologist's and the administrator's pages as a keyboard, screen-reader or small-phone
user meets them, in headless Chromium, with the checks of tests/e2e/web_access.py: a lesion
placed, sized, moved and removed on the photo by keys alone, the pages at 1280 px and on a
375 px phone at 1x and 2x text, the focus on each new page's heading, and the dashboard saying
a new share once, politely. Skips like tests/e2e/test_web_app.py without Chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest

from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PASSWORD
from tests.e2e.test_web_access import description, heading_has_focus, keys
from tests.e2e.test_web_dashboard import Patient, doctor_id, open_dashboard
from tests.e2e.web_access import audit, focused_matches, phone, press, tab_to
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-access-staff")
browser = browser_fixture()
ADMIN = "admin@demo.metskin.local"
SHARE = "mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a) { id } }"
LABELS = "query($a: ID!) { analysisLabels(analysisId: $a) { lesions { type x y width height } } }"
PHOTO = "query($a: ID!) { analysis(id: $a) { media { width height } } }"
# Every change of a live region's words (aria-live, role status or alert), in order.
HEARD = """
window.__heard = [];
const live = "[aria-live]:not([aria-live=off]), [role=status], [role=alert]";
new MutationObserver((changes) => {
  const regions = new Set();
  for (const change of changes) {
    const at = change.target.nodeType === 1 ? change.target : change.target.parentElement;
    const region = at && at.closest(live);
    if (region) regions.add(region);
  }
  for (const region of regions) {
    const said = region.textContent.trim();
    if (said) window.__heard.push([region.id || region.className, said]);
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


@pytest.fixture(scope="module")
def shared(server: str) -> dict[str, Any]:
    """A patient's analysis, shared with the demo dermatologist."""
    patient = Patient(server, "staff-access@example.com", "Sami Access")
    analysis_id = patient.analyse()
    patient.wait_until_done(analysis_id)
    patient.call(SHARE, a=analysis_id, d=doctor_id(server, DEMO_DERMATOLOGIST))
    media = patient.call(PHOTO, a=analysis_id)["analysis"]["media"]
    return {"patient": patient, "analysis": analysis_id, "media": media}


def said(browser: Browser) -> str:
    return str(
        browser.driver.execute_script("return document.getElementById('lesion-said').textContent")
    )


def shifted(browser: Browser, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(browser.driver).key_down(Keys.SHIFT).send_keys(*keys).key_up(Keys.SHIFT).perform()


def test_a_lesion_is_placed_sized_moved_and_removed_by_keyboard(
    browser: Browser, shared: dict[str, Any]
) -> None:
    k = keys()
    width, height = shared["media"]["width"], shared["media"]["height"]
    step, grow = max(1, round(min(width, height) / 100)), max(1, round(min(width, height) / 50))
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    browser.go(f"#/shared/{shared['analysis']}")
    browser.image("#label-photo")
    tab_to(browser, "#label-form select[name=lesionType]", most=120)
    press(browser, k.ARROW_DOWN)  # Papule to Pustule
    tab_to(browser, "#label-form .label-photo")
    assert browser.attribute(".label-photo", "aria-label") == "Lesion marks on the photo"
    assert "arrow keys" in browser.text("#label-photo-keys")
    shifted(browser, k.ARROW_LEFT, k.ARROW_LEFT)  # 20 % to the left
    press(browser, *[k.ARROW_DOWN] * 5)
    assert "Crosshair at 30% across, 55% down" in said(browser)
    press(browser, k.ENTER)
    assert said(browser) == "Placed: Pustule at 30% across, 55% down. 1 lesion."
    press(browser, "+", "+")
    assert "Pustule at 30% across, 55% down, " in said(browser)
    press(browser, k.ESCAPE, k.ARROW_UP, k.ENTER)  # let go, up a step, a second one
    assert browser.text("#lesion-count") == "2 lesions"
    press(browser, k.DELETE)
    assert said(browser).startswith("Removed: Pustule") and said(browser).endswith("1 lesion.")
    press(browser, "n", k.ARROW_RIGHT)  # take the first again and move it one step right
    assert said(browser).startswith("Pustule at 31% across")
    assert len(browser.visible("#lesion-list li")) == 1
    assert "Move or size lesion 1" in str(
        browser.attribute("#lesion-list .hold-lesion", "aria-label")
    )
    tab_to(browser, "#label-form button[type=submit]")
    press(browser, k.ENTER)
    browser.text("#label-history li", "Dermatologist")

    (label,) = shared["patient"].call(LABELS, a=shared["analysis"])["analysisLabels"]
    (lesion,) = label["lesions"]
    assert (lesion["type"], lesion["width"], lesion["height"]) == ("PUSTULE", 2 * grow, 2 * grow)
    centre_x = width // 2 - 20 * step + step
    centre_y = height // 2 + 5 * step
    assert abs(lesion["x"] + lesion["width"] / 2 - centre_x) <= 1
    assert abs(lesion["y"] + lesion["height"] / 2 - centre_y) <= 1
    assert browser.severe_console_messages() == []


DERMATOLOGIST_PAGES = [
    "#/dashboard",
    "#/patients",
    "#/patients/{patient}",
    "#/shared/{analysis}",
    "#/hours",
    "#/profile",
]


def walk(browser: Browser, pages: list[str], **ids: str) -> dict[str, dict[str, list[str]]]:
    found = {}
    for page in pages:
        browser.go(page.format(**ids))
        browser.until(
            lambda: browser.driver.execute_script(
                "return document.querySelector('main h1') && !document.querySelector('[aria-busy]')"
                " && !document.querySelector('.loading')"
            ),
            f"the page {page}",
        )
        if page == "#/patients":
            browser.find("#patients .patient, .patient")
        if page == "#/admin":
            browser.find("#admin-doctor-list li")
            browser.find("#admin-articles-list li .delete")
        if "shared" in page:
            browser.image("#label-photo")
            browser.find("#label-form")
        problems = audit(browser)
        if problems:
            found[page] = problems
    return found


def sizes(browser: Browser) -> Any:
    """The desk's 1280 px, then a phone at 1x and 2x text."""
    yield "1280 px"
    for scale in (1, 2):
        phone(browser, text_scale=scale)
        yield f"375 px at {scale}x text"
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    phone_text = {"standard": 16, "fixed": 13}
    browser.driver.execute_cdp_cmd("Page.setFontSizes", {"fontSizes": phone_text})


def test_the_staff_pages_read_at_the_desk_and_on_a_phone(
    browser: Browser, shared: dict[str, Any]
) -> None:
    ids = {"patient": shared["patient"].id, "analysis": shared["analysis"]}
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    found = {size: walk(browser, DERMATOLOGIST_PAGES, **ids) for size in sizes(browser)}
    assert not any(found.values()), json.dumps(found, indent=1)
    browser.click("#logout")
    browser.find("#login-form")
    browser.log_in(ADMIN, DEMO_PASSWORD)
    browser.go("#/admin")
    found = {size: walk(browser, ["#/admin"]) for size in sizes(browser)}
    assert not any(found.values()), json.dumps(found, indent=1)

    # Each list's buttons say which item they act on; the focus goes to what they changed.
    k = keys()
    first = browser.find("#admin-articles-list li a").text
    assert browser.attribute("#admin-articles-list li .edit", "aria-label") == f"Edit {first}"
    tab_to(browser, "#admin-articles-list li .edit", most=120)
    press(browser, k.ENTER)
    assert focused_matches(browser, "#admin-articles-form [name=slug]")
    tab_to(browser, "#admin-articles-list li .delete", most=120)
    press(browser, k.ENTER)
    browser.until(lambda: browser.driver.switch_to.alert, "the question").accept()
    browser.until(lambda: focused_matches(browser, "#admin-articles h2"), "the focus on Articles")
    name = browser.attribute("#admin-doctor-list li .delete", "aria-label")
    assert name and name.startswith("Remove ") and len(name) > len("Remove ")


def hours_by_keyboard(browser: Browser) -> None:
    """A new row takes the focus; a row at fault is marked, described and focused; a removed
    row gives the focus to the next, else to its section's Add; a save to what it says."""
    k = keys()
    tab_to(browser, "#add-extra", most=400)  # a date field is three Tab stops
    press(browser, k.ENTER)
    assert focused_matches(browser, "#extra-rows tr.extra:last-child input.date")
    tab_to(browser, "#save-hours", most=400)
    press(browser, k.ENTER)
    row = "#extra-rows tr.extra:last-child"
    browser.until(
        lambda: focused_matches(browser, f"{row} input.date[aria-invalid=true]"),
        "the date at fault focused",
    )
    assert description(browser, f"{row} input.date").startswith("Row 1 (")
    tab_to(browser, f"{row} button.remove")
    press(browser, k.ENTER)
    assert focused_matches(browser, "#add-extra")
    tab_to(browser, "#save-hours", most=400)
    press(browser, k.ENTER)
    browser.until(
        lambda: focused_matches(browser, "#hours-result .notice, #hours-result h2"),
        "the focus on what the save says",
    )


def test_a_dermatologist_moves_by_keyboard_and_hears_a_new_share_once(
    browser: Browser, server: str, shared: dict[str, Any]
) -> None:
    k = keys()
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HEARD})
    open_dashboard(browser, DEMO_DERMATOLOGIST)
    for link, heading in (
        ("#/patients", "Your patients"),
        ("#/hours", "Working hours"),
        ("#/dashboard", "Dashboard"),
    ):
        tab_to(browser, f"#nav a[href='{link}']", back=True, most=120)
        press(browser, k.ENTER)
        heading_has_focus(browser, heading)
        if link == "#/hours":
            hours_by_keyboard(browser)
    # The week by keys: the button pressed keeps the focus while the week loads.
    tab_to(browser, "#next-week", most=120)
    monday = browser.find("#week-of").get_property("value")
    press(browser, k.ENTER)
    browser.until(lambda: browser.find("#week-of").get_property("value") != monday, "the next week")
    assert focused_matches(browser, "#next-week")
    browser.find("#live-status[data-state=live]")
    browser.driver.execute_script("window.__heard = []")
    other = Patient(server, "second-share@example.com", "Noa Second")
    other.call(SHARE, a=None, d=doctor_id(server, DEMO_DERMATOLOGIST))
    browser.find("#feed .event[data-kind=SHARED]")
    browser.until(lambda: browser.driver.execute_script("return window.__heard.length"), "said")
    heard = browser.driver.execute_script("return window.__heard")
    # Once, and only the new event: not the feed again with the share seen before.
    assert len(heard) == 1 and "Noa Second" in heard[0][1], heard
    assert "Sami Access" not in heard[0][1] and heard[0][1].startswith("New: Shared"), heard
    assert browser.attribute("#feed", "aria-live") is None  # the list is not read again
