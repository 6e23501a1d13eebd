"""The web app in headless Chromium against a real `metskin serve` on the embedded defaults.

Skips when chromium, chromium-driver or selenium are missing; scripts/with-services.sh installs
the browser, so `make test` runs it.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

import metskin.web
from metskin.cli.seed import DEMO_ACCOUNTS, DEMO_DERMATOLOGIST, DEMO_PASSWORD
from metskin.domain.analysis import colour
from metskin.domain.directory.loader import load_dermatologists
from tests.cluster import graphql, upload
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.test_content_api import SAVE_VIDEO
from tests.e2e.web_browser import (
    Browser,
    api_login,
    browser_fixture,
    server_fixture,
    verify_address,
)
from tests.media_samples import encode, face_jpeg, noise_image

pytestmark = pytest.mark.slow

ANALYSIS_SECONDS = 240  # MediaPipe's first load on a busy two-core machine
WEB_DIR = Path(metskin.web.__file__).parent
DEMO_NAME = next(name for email, name, _ in DEMO_ACCOUNTS if email == DEMO_DERMATOLOGIST)

# Records the address of every page drawn (each visit puts a new `section.view` into the page),
# and when the signed-in profile's language (the catalog asked with ?locale=) has arrived.
DRAWN = """
window.__drawn = [];
window.__profileLanguage = false;
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.matches && node.matches("section.view")) window.__drawn.push(window.location.hash);
    }
  }
}).observe(document, { childList: true, subtree: true });
const nativeFetch = window.fetch;
window.fetch = async (url, init) => {
  const response = await nativeFetch(url, init);
  if (String(url).includes("messages.json?locale=")) {
    response.clone().json().then(() => setTimeout(() => { window.__profileLanguage = true; }, 0));
  }
  return response;
};
"""

# The progress between two analyses a season apart, as the API would send it (finding real
# photos whose tone moves by 29 degrees is not the point): the page's words for it.
SEASON_APART = """
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  if (!String(init.body).includes("progress(from:")) return nativeFetch(url, init);
  const face = (concern, delta, change) => ({ concern, region: "face", delta, change });
  const progress = {
    analyses: [{ id: "a1", createdAt: "2026-01-05T10:00:00Z" },
      { id: "a2", createdAt: "2026-04-05T10:00:00Z" }],
    trends: [],
    comparison: {
      changedConcerns: ["tone", "acne", "redness"], mirrored: false,
      before: { createdAt: "2026-01-05T10:00:00Z" }, after: { createdAt: "2026-04-05T10:00:00Z" },
      comparability: { score: 0.95, flagged: false, reasons: [] },
      deltas: [face("tone", -29.4816, "DECREASED"), face("acne", 12.04, "INCREASED"),
        face("redness", -0.98, "DECREASED"), face("pores", 0.4, "NO_CHANGE")],
      pictures: null,
    },
  };
  return new Response(JSON.stringify({ data: { progress } }),
    { status: 200, headers: { "content-type": "application/json" } });
};
"""
# Three articles for every search, none twice: a card that reads two searches has six to choose
# from, and shows its three.
MOLES_VIDEO = {
    "slug": "moles-on-camera",
    "title": "Checking your moles, on camera",
    "tags": ["moles"],
    "durationSeconds": 95,
    "url": "https://videos.example.org/moles.mp4",
    "transcript": "Look at each mole in a mirror.\n\nNote its size and colour.",
}
MANY_ARTICLES = """
const nativeFetch = window.fetch;
let made = 0;
window.fetch = async (url, init = {}) => {
  if (!String(init.body).includes("articles(filter:")) return nativeFetch(url, init);
  const edges = [1, 2, 3].map(() => {
    made += 1;
    return { node: { slug: `article-${made}`, title: `Article ${made}`, url: `/learn/a-${made}`,
      readingMinutes: 3, locale: "en" } };
  });
  return new Response(JSON.stringify({ data: { articles: { edges } } }),
    { status: 200, headers: { "content-type": "application/json" } });
};
"""

PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True}
server = server_fixture("web")
browser = browser_fixture()


async def test_the_app_is_served_with_content_types_and_a_strict_policy(
    client: GraphQLClient,
) -> None:
    page = await client.http.get("/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert {"default-src 'none'", "script-src 'self'", "connect-src 'self'"} <= set(
        policy.split("; ")
    ) and "unsafe" not in policy
    for path, content_type in (
        ("app.js", "text/javascript"),
        ("views/analysis.js", "text/javascript"),
        ("style.css", "text/css"),
    ):
        served = await client.http.get(f"/static/{path}")
        assert served.headers["content-type"].startswith(content_type), path
        assert served.headers["x-content-type-options"] == "nosniff"
    for path in ("__init__.py", "views/", ".hidden.js", "nothing.js", "views/%2e%2e/app.js"):
        assert (await client.http.get(f"/static/{path}")).status_code == 404, path
    sources = [*WEB_DIR.rglob("*.js"), *WEB_DIR.rglob("*.html"), *WEB_DIR.rglob("*.css")]
    assert len(sources) > 5
    assert not [
        f.name for f in sources if re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", f.read_text())
    ]  # no external URLs


def register(browser: Browser, email: str, *, photo_consent: bool = True) -> None:
    browser.open()
    browser.find("a[href='#/register']").click()
    browser.sign_up("Maya", email, PASSWORD, photo_consent=photo_consent)
    browser.until(lambda: browser.hash() == "#/analyse", "the upload page")
    assert browser.who() == "Maya"


def later_slot(container: Any, after: datetime, avoid: str | None = None) -> Any:
    for button in container.find_elements("css selector", "button.slot"):
        start = button.get_attribute("data-start")
        if start != avoid and datetime.fromisoformat(start) > after:
            return button
    return None


def read_as_dermatologist(server: str, name: str, analysis_id: str) -> None:
    """The shared analysis read through the API by the dermatologist: one audited access."""
    emails = {doctor.name: doctor.email for doctor in load_dermatologists()}
    emails[DEMO_NAME] = DEMO_DERMATOLOGIST
    token = api_login(server, emails[name], DEMO_PASSWORD)
    read = graphql(server, "query($id: ID!) { analysis(id: $id) { id } }", token, id=analysis_id)
    assert read["analysis"]["id"] == analysis_id


def test_the_whole_journey_in_a_browser(browser: Browser, server: str, tmp_path: Path) -> None:
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    browser.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": MANY_ARTICLES}
    )
    admin = api_login(server, "admin@demo.metskin.local", DEMO_PASSWORD)
    graphql(server, SAVE_VIDEO, admin, i=MOLES_VIDEO)
    register(browser, "journey@example.com")

    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.find("#upload-form img.preview")
    browser.submit("#upload-form")
    browser.find('#progress-stage[data-stage="DONE"]', timeout=ANALYSIS_SECONDS)
    assert browser.text("#progress-stage") == "Done"  # the stage in words, not its code
    assert browser.text("#progress-percent") == "100%"
    note = browser.driver.find_element(browser.by, "#progress-note").get_attribute("textContent")
    assert note == ""  # live over the websocket: no fallback to polling

    monk = browser.text("#tone #monk", "of 10")
    assert 1 <= int(monk.split()[0]) <= 10
    assert browser.text("#tone #fitzpatrick")
    assert "° ± " in browser.text("#tone #ita")  # ITA with its uncertainty
    # why the chosen swatch need not be the one nearest the measured colour
    assert "display swatches" in browser.text("#tone #monk-note")
    assert browser.text("#skin-type .big")
    cards = browser.visible("#concerns li.concern")
    concerns = {card.get_attribute("data-concern") for card in cards}
    assert {"redness", "acne", "wrinkles", "pores", "dark_circles", "shine"} <= concerns
    titles = {card.find_element(browser.by, "h3").text for card in cards}
    assert "Dark circles" in titles and not any("_" in title for title in titles)
    assert all(
        card.find_element(browser.by, ".chip").text in {"None", "Mild", "Moderate", "Marked"}
        for card in cards
    )
    assert browser.text("#summary")
    assert not browser.driver.find_elements(browser.by, "#concerns table")
    browser.image("#overlay")
    items = browser.visible("#overlay-legend li")
    legend = {item.get_attribute("data-concern"): item.text for item in items}
    assert concerns <= set(legend), legend  # the overlay's legend in words, one per concern
    assert legend["dark_circles"].startswith("Dark circles: ")
    browser.text("#referral", "dermatologist")
    # Nothing to refer: said once (the card said it, then its disclaimer said it again).
    assert browser.text("#referral #no-referral").count("see one anyway") == 1
    assert browser.text("#referral").count("suggests") == 1
    analysis_id = browser.find("#analysis").get_attribute("data-analysis-id")

    browser.find("#referral details.questionnaire summary").click()
    browser.find("#symptoms-form [name=spotGrowing]").click()
    browser.find("#symptoms-form [name=spotChangingColour]").click()
    browser.submit("#symptoms-form")
    browser.text("#referral", "We suggest seeing a dermatologist")
    assert "Urgent Skin cancer" in browser.text("#referral")
    assert len(browser.visible("#referral-articles > ul:not(.videos) li")) == 3  # of six found
    # The video an editor added on moles, under the articles: the app listed no video before.
    (video,) = browser.visible("#referral-articles .videos li")
    assert video.text == "Checking your moles, on camera · 2 min · Transcript"
    link, words = video.find_elements(browser.by, "a")
    assert link.get_attribute("href") == MOLES_VIDEO["url"]
    # Its words for who cannot hear it (a muted phone): the transcript's page, in their language.
    assert words.get_attribute("href").startswith(f"{server}/learn/videos/moles-on-camera?locale=")
    assert "Note its size and colour." in httpx.get(words.get_attribute("href")).text
    assert browser.text("#referral").count("This is not a diagnosis.") == 1  # said once

    browser.find("a[href^='#/dermatologists?share=']").click()
    # A London patient's directory starts nearest London (not a Chicago doctor first).
    assert browser.find("#directory-form [name=place]").get_attribute("value") == "london"
    browser.text("#doctors .doctor .distance", "km")
    card = browser.find("#doctors .doctor")
    sharer = card.find_element(browser.by, "h3").text
    card.find_element(browser.by, "button.share").click()
    browser.text("#doctors .doctor .actions", f"Shared with {sharer}")
    shared = card.find_element(browser.by, "button.share")
    assert not shared.is_enabled() and shared.text == "Shared"  # not shared twice
    read_as_dermatologist(server, sharer, analysis_id)

    browser.go(f"#/analysis/{analysis_id}")
    browser.find("#routine-link").click()
    browser.find("#routine #am .step")
    browser.find("#routine #pm .step")
    assert browser.visible("#tips a[href^='/learn/']")
    assert browser.find("form.rate [name=rating]").get_attribute("value") == ""  # no preset
    browser.select("form.rate [name=rating]", "4")
    browser.submit("form.rate")
    browser.text("form.rate .rated", "Thanks: rated 4/5")

    browser.go("#/history")
    browser.find("#history .history-item img.thumb")

    browser.go(f"#/analysis/{analysis_id}")
    browser.find("#find-dermatologist").click()  # the referral's specialty, linked to it
    browser.text(".notice", "Booking for your referral")
    assert browser.find("#directory-form [name=specialty]").get_attribute("value") == "skin_cancer"
    browser.select("#directory-form [name=place]", "london")
    browser.submit("#directory-form")
    browser.text("#doctors .doctor .distance", "km")
    card = browser.visible("#doctors .doctor")[0]
    doctor = card.find_element(browser.by, "h3").text
    # the practice's number to call, a link that dials it (the seed's fictional London one),
    # grouped as people read it (it read "+442079460101")
    dial = card.find_element(browser.by, ".practice-phone a[href^='tel:+4420794601']")
    assert re.fullmatch(r"\+44 20 7946 01\d\d", dial.text), dial.text
    card.find_element(browser.by, ".show-slots").click()
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # cancelling needs two hours' notice
    browser.until(lambda: later_slot(card, tomorrow), "a free slot after tomorrow").click()
    browser.fill(".book-form", reason="a spot on my cheek")
    browser.submit(".book-form")
    browser.text(".booking", "Booked: ")
    browser.find("#to-appointments").click()

    booked = browser.find("#appointments .appointment.booked")
    assert doctor in booked.text and "a spot on my cheek" in booked.text
    assert "For your referral (Urgent, Skin cancer)" in booked.text
    booked.find_element(browser.by, ".reschedule-open").click()
    first_start = booked.get_attribute("data-start")
    browser.until(lambda: later_slot(booked, tomorrow, avoid=first_start), "another slot").click()
    browser.text("#appointments .appointment.booked", "Appointment moved.")
    assert "Moved 1 time" in browser.text("#appointments .appointment.booked")
    booked = browser.find("#appointments .appointment.booked")
    booked.find_element(browser.by, ".cancel-open").click()
    browser.fill(".cancel-form", reason="found an earlier time")
    browser.submit(".cancel-form")
    browser.text("#appointments .appointment.cancelled", "Appointment cancelled.")
    assert "found an earlier time" in browser.text("#appointments .appointment.cancelled")

    browser.go("#/sharing")
    assert sharer in browser.text("#access-log tbody tr", analysis_id)
    share = browser.find("#shares tbody tr")
    assert sharer in share.text and "Active" in share.text
    share.find_element(browser.by, "button.revoke").click()
    browser.text("#shares tbody tr .state", "Revoked")

    assert browser.severe_console_messages() == []  # nothing broke the CSP or the scripts


def test_a_photo_without_a_face_gets_retake_guidance(browser: Browser, tmp_path: Path) -> None:
    photo = tmp_path / "wall.jpg"
    photo.write_bytes(encode(noise_image(320, 240), "JPEG"))
    register(browser, "retake@example.com")
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    retake = browser.text("#retake", "Please retake", timeout=ANALYSIS_SECONDS)
    assert browser.visible("#retake li[data-code=NO_FACE]")
    assert len(retake.splitlines()) > 3  # the reason and what to do about it
    # The progress above it showed every step done, "Measuring" too (the tenth session's walk)
    skipped = browser.until(
        lambda: [e.get_attribute("data-stage") for e in browser.visible(".stages li.skipped")],
        "the steps the photo did not reach, marked",
    )
    assert skipped == ["MEASURING", "RECOMMENDING"], skipped
    assert "retake" in browser.text("#progress-heading").lower()
    assert not browser.visible("#routine-link")
    browser.find("#retake a[href='#/analyse']").click()
    browser.find("#upload-form")
    browser.find("#inbox-link").click()  # it said "Your analysis is ready" of the wall
    told = browser.text("#inbox li[data-kind=ANALYSIS_DONE]", "could not be measured")
    assert "ready" not in told


def test_a_retake_lists_what_else_to_fix_under_what_blocked(
    browser: Browser, tmp_path: Path
) -> None:
    """A photo that must be retaken showed only what blocked; the warnings a retake should fix
    too (the face too small, a smile) were not shown. They are now listed under it. The photo:
    the astronaut blurred and a stop under, refused as underexposed and blurred."""
    sharp = np.asarray(Image.open(io.BytesIO(face_jpeg(512))).convert("RGB"))
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.5)
    dark = (colour.linear_to_srgb(colour.srgb_to_linear(blurred) * 0.5) * 255).round()
    photo = tmp_path / "blurred-and-dark.jpg"
    photo.write_bytes(encode(Image.fromarray(dark.astype(np.uint8)), "JPEG"))
    register(browser, "retake-also@example.com")
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    browser.text("#retake", "Please retake", timeout=ANALYSIS_SECONDS)
    codes = [item.get_attribute("data-code") for item in browser.visible("#retake li")]
    blocking = [
        item.get_attribute("data-code")
        for item in browser.visible("#retake ul.quality:not(.also) li")
    ]
    assert "UNDEREXPOSED" in blocking and "BLURRY" in codes, codes
    assert "For the new photo, also:" in browser.text("#retake .also-heading")
    also = [item.get_attribute("data-code") for item in browser.visible("#retake ul.also li")]
    assert "FACE_TOO_SMALL" in also and not set(also) & set(blocking), (also, blocking)
    assert "closer" in browser.text("#retake ul.also li[data-code=FACE_TOO_SMALL]")


def test_progress_is_polled_when_websockets_are_unavailable(
    browser: Browser, tmp_path: Path
) -> None:
    no_sockets = "window.WebSocket = class { constructor() { throw new TypeError('off') } }"
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": no_sockets})
    photo = tmp_path / "wall.jpg"
    photo.write_bytes(encode(noise_image(240, 180, seed=3), "JPEG"))
    register(browser, "polling@example.com")
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")
    browser.text("#retake", "Please retake", timeout=ANALYSIS_SECONDS)
    assert browser.attribute("#progress-stage", "data-stage") == "DONE"
    assert "checking every few seconds" in browser.text("#progress-note")


def test_errors_are_shown_next_to_the_form(browser: Browser, tmp_path: Path) -> None:
    browser.open("#/login")
    about = browser.text("#about", "Your data")  # a visitor first reads what MetSkin does
    assert "dermatologist" in about and "erase your account" in about
    browser.fill("#login-form", email="nobody@example.com", password=PASSWORD)
    browser.submit("#login-form")
    assert "INVALID_CREDENTIALS" in browser.text("#login-form .form-error", "INVALID_CREDENTIALS")
    words = browser.text("#login-form .form-error strong")  # in words; the code in a detail line
    assert len(words) > 10 and "INVALID_CREDENTIALS" not in words
    assert "INVALID_CREDENTIALS" in browser.text("#login-form .form-error .error-detail")

    register(browser, "errors@example.com")
    not_a_photo = tmp_path / "holiday.jpg"
    not_a_photo.write_text("just some text, not a photo")
    browser.find("#upload-form input[name=file]").send_keys(str(not_a_photo))
    browser.submit("#upload-form")
    shown = browser.text("#upload-form .form-error", "UNSUPPORTED_MEDIA")
    assert len(shown.replace("UNSUPPORTED_MEDIA", "").strip()) > 10  # the server's message too
    assert browser.hash() == "#/analyse"

    browser.go("#/profile")
    options = {
        name: [
            o.get_attribute("value")
            for o in browser.find(f"#profile-form select[name={name}]").find_elements(
                "css selector", "option"
            )
        ]
        for name in ("currency", "locale", "timeZone")
    }  # chosen from lists, not typed
    assert {"EUR", "GBP", "USD"} <= set(options["currency"]) and "XXX" not in options["currency"]
    assert {"en-GB", "fr-FR", "de-DE"} <= set(options["locale"])
    assert {"Europe/London", "America/New_York", "UTC"} <= set(options["timeZone"])
    browser.fill("#profile-form", birthYear="1800")
    browser.submit("#profile-form")
    assert "Birth year" in browser.text(".field-error[data-field=birthYear]", "Birth year")
    assert browser.find("#profile-form [name=birthYear]").get_attribute("aria-invalid") == "true"
    browser.text("#profile-form .form-error", "VALIDATION_FAILED")


def test_a_person_enters_the_actives_a_doctor_prescribed(browser: Browser) -> None:
    register(browser, "prescribed@example.com")
    browser.go("#/profile")
    browser.fill("#profile-form", prescribed="x" * 81)
    browser.submit("#profile-form")
    assert "prescribed actives" in browser.text(
        ".field-error[data-field=prescribed]", "prescribed actives"
    )
    # A misspelt active is refused beside the field, with the name it was meant to be; the
    # field's hint lists the actives our products are sold on prescription for.
    browser.fill("#profile-form", prescribed="tretinion")
    browser.submit("#profile-form")
    browser.text(".field-error[data-field=prescribed]", 'Did you mean "tretinoin"?')
    browser.text("#profile-form .form-error", "UNKNOWN_PRESCRIPTION")
    browser.text("#profile-form", "Adapalene, Azelaic Acid, Hydroquinone, Tazarotene, Tretinoin")
    browser.fill("#profile-form", prescribed="tretinoin, Hydroquinone")
    browser.submit("#profile-form")
    browser.text("#profile-form .saved", "Profile saved.")
    browser.reload("#/profile")
    field = browser.find("#profile-form [name=prescribed]")
    browser.until(lambda: field.get_attribute("value") == "tretinoin, Hydroquinone", "saved")


def stored_session(browser: Browser) -> Any:
    return browser.driver.execute_script(
        "return JSON.parse(localStorage.getItem('metskin.session') || 'null')"
    )


def change_stored_session(browser: Browser, change: str) -> None:
    browser.driver.execute_script(
        "const s = JSON.parse(localStorage.getItem('metskin.session'));"
        f"{change}; localStorage.setItem('metskin.session', "
        "JSON.stringify(s));"
    )


def test_tokens_are_refreshed_and_logout_ends_the_session(browser: Browser, server: str) -> None:
    register(browser, "tokens@example.com")
    first = stored_session(browser)
    change_stored_session(browser, "s.accessToken = 'forged'")  # refused: refreshed, then retried
    browser.reload("#/history")
    browser.find("#history-empty")
    second = stored_session(browser)
    assert second["refreshToken"] != first["refreshToken"]

    change_stored_session(browser, "s.expiresAt = Date.now()")  # refreshed before the request
    browser.reload("#/profile")
    browser.find("#profile-form")
    third = stored_session(browser)
    assert third["refreshToken"] != second["refreshToken"]
    assert third["expiresAt"] > datetime.now(UTC).timestamp() * 1000

    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browser.in_nav("#logout")  # in the menu on a phone
    browser.until(lambda: browser.hash() == "#/login", "the login page")
    assert stored_session(browser) is None
    # back to log in on a phone: the form on the first screen, what MetSkin is after it (the
    # intro filled the screen and the form began about 1,100 px down)
    assert browser.text("h1") == "Log in" and browser.find("#about h2")
    form_top = "return document.querySelector('#login-form').getBoundingClientRect().bottom"
    assert browser.driver.execute_script(form_top) < PHONE["height"]
    refused = httpx.post(
        f"{server}/graphql",
        json={
            "query": "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
            "variables": {"t": third["refreshToken"]},
        },
    ).json()
    codes = [error["extensions"]["code"] for error in refused.get("errors", [])]
    assert codes == ["INVALID_REFRESH_TOKEN"], json.dumps(refused)


def emailed_link(
    tmp_path_factory: pytest.TempPathFactory,
    to: str,
    subject: str,
    link: str = r'href="([^"]+/appointments/[^"]+)"',
) -> str:
    """The link (`link`'s group; by default the manage link of a booking) of the email to `to`
    whose subject holds `subject` (the outbox)."""
    # This module's server ("web0"), not another module's ("web-fr0") run before it.
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("web[0-9]*/var/outbox"))
    for _ in range(100):
        for path in outbox.glob("*.json"):
            email = json.loads(path.read_text())
            if email["to"] == to and subject in email["subject"]:
                return str(re.search(link, email["html"])[1])
        time.sleep(0.1)
    raise AssertionError(f"no email to {to} about {subject!r} in {outbox}")


# The page's "now" (a `new Date()` without arguments) moved on by arguments[0] milliseconds;
# Date.now (the session's token clock) and dates of a given moment stay as they are.
SHIFT_CLOCK = """
const shift = arguments[0];
window.RealDate = window.RealDate || Date;
const Real = window.RealDate;
window.Date = class extends Real {
  constructor(...given) { super(...(given.length ? given : [Real.now() + shift])); }
};
"""


def test_a_booking_emails_link_opens_the_appointment_page(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    email = "linked@example.com"
    token = graphql(
        server,
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        i={"email": email, "password": PASSWORD, "displayName": "Lin"},
    )["register"]["accessToken"]
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("web[0-9]*")) / "var" / "outbox"
    verify_address(server, outbox, email, PASSWORD)  # else the booking's email is held
    doctors = """{ dermatologists(first: 1) { edges { node { id name
      practice { address phone phoneInternational } } } } }"""
    doctor = graphql(server, doctors)["dermatologists"]["edges"][0]["node"]
    phone, shown = doctor["practice"]["phone"], doctor["practice"]["phoneInternational"]
    assert phone and phone.startswith("+")  # seeded: a fictional number
    assert shown.replace(" ", "").replace("-", "") == phone and shown != phone  # grouped
    start = datetime.now(UTC) + timedelta(days=2)
    slots = graphql(
        server,
        """query($d: ID!, $f: DateTime!, $t: DateTime!) { availableSlots(dermatologistId: $d,
          from: $f, to: $t) { start consultationTypes freeCancellation } }""",
        token,
        d=doctor["id"],
        f=start.isoformat(),
        t=(start + timedelta(days=7)).isoformat(),
    )["availableSlots"]
    slot = next(s for s in slots if s["freeCancellation"])
    booked = graphql(
        server,
        "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
        token,
        i={
            "slotStart": slot["start"],
            "dermatologistId": doctor["id"],
            "consultationType": slot["consultationTypes"][0],
        },
    )["bookAppointment"]
    link = emailed_link(tmp_path_factory, email, "is confirmed")
    assert link == f"{server}/appointments/{booked['id']}"  # the served address, not :8000
    dial = r'href="(tel:[^"]+)"'
    assert emailed_link(tmp_path_factory, email, "is confirmed", dial) == f"tel:{phone}"

    browser.driver.get(link)  # not logged in here: log in, then on to the linked page
    browser.until(lambda: browser.hash().startswith("#/login?next="), "the login page")
    browser.fill("#login-form", email=email, password=PASSWORD)
    browser.submit("#login-form")
    page = browser.find("#appointment")
    assert page.get_attribute("data-appointment-id") == booked["id"]
    assert browser.hash() == f"#/appointments/{booked['id']}"
    assert doctor["name"] in browser.text("#appointment") and "cancel or move it until" in page.text
    # where to go: the street address (it said the practice's name and city only)
    assert doctor["practice"]["address"] in browser.text("#appointment .practice")
    # and the number to call, dialled from the page, shown grouped
    assert browser.find(f"#appointment .practice-phone a[href='tel:{phone}']").text == shown
    # Past its cancellation deadline (the page's clock moved on to an hour before the start),
    # "please call the practice" gives the number to call: it gave none.
    hours = (datetime.fromisoformat(slot["start"]) - datetime.now(UTC)).total_seconds() / 3600
    browser.driver.execute_script(SHIFT_CLOCK, (hours - 1) * 3_600_000)
    browser.go("#/appointments")
    browser.go(f"#/appointments/{booked['id']}")
    terms = browser.text("#appointment .cancellation-terms", "please call the practice on")
    assert terms.endswith(f"on {shown}.") and not browser.visible("#appointment .cancel-open")
    assert browser.find(f"#appointment .cancellation-terms a[href='tel:{phone}']")
    browser.driver.execute_script("window.Date = window.RealDate;")
    browser.go("#/appointments")
    browser.go(f"#/appointments/{booked['id']}")
    page = browser.find("#appointment")
    page.find_element(browser.by, ".cancel-open").click()
    browser.submit(".cancel-form")
    browser.text("#appointment", "Appointment cancelled.")
    # booked again with the same dermatologist from here (before: a link to the whole
    # directory), or with another
    again = browser.find("#appointment .book-again-open")
    assert again.text == f"Book again with {doctor['name']}"
    assert browser.find("#appointment a.book-another").text == "or another dermatologist"
    again.click()
    browser.find("#appointment .book-again button.slot")
    assert browser.severe_console_messages() == []


def test_a_forgotten_password_is_reset_from_the_login_form(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Before, the login form offered no way back to someone who forgot their password, and the
    profile no way to change it."""
    email, new = "forgetful@example.com", "rain-on-the-roof-42"
    graphql(
        server,
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        i={"email": email, "password": PASSWORD, "displayName": "Fay"},
    )
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("web[0-9]*")) / "var" / "outbox"
    verify_address(server, outbox, email, PASSWORD)  # else no reset link
    browser.open("#/login")
    browser.click("#forgot-password")
    browser.fill("#forgot-form", email=email)
    browser.submit("#forgot-form")
    browser.text("section.view [role=status]", "If an account uses this address")
    link = emailed_link(
        tmp_path_factory, email, "Reset your", r'href="([^"]+/reset-password#token=[^"]+)"'
    )
    assert link.startswith(f"{server}/reset-password#token=")  # the token never reaches a log

    browser.driver.get(link)
    browser.fill("#reset-form", newPassword="password123")
    browser.submit("#reset-form")
    browser.text(".field-error[data-field=newPassword]", "too easy to guess")
    browser.fill("#reset-form", newPassword=new)
    browser.submit("#reset-form")
    browser.until(lambda: browser.hash() == "#/login?reset=1", "the login page")
    browser.text("section.view", "Your password was changed.")
    browser.log_in(email, new)

    browser.go("#/profile")
    browser.fill("#password-form", currentPassword="not-it-at-all-1", newPassword=PASSWORD)
    browser.submit("#password-form")
    browser.text(".field-error[data-field=currentPassword]", "not right")
    browser.fill("#password-form", currentPassword=new, newPassword=PASSWORD)
    browser.submit("#password-form")
    browser.text("#password-form [role=status]", "Password changed.")
    assert browser.hash() == "#/profile"  # still signed in here

    browser.driver.get(link)  # used, and the password changed since: a clear refusal
    browser.fill("#reset-form", newPassword="yet-another-one-5")
    browser.submit("#reset-form")
    browser.text("#reset-form .form-error", "RESET_LINK_INVALID")
    assert "Ask for a new link" in browser.text("section.view")
    assert browser.severe_console_messages() == []


def test_an_admin_edits_articles_in_the_admin_area(browser: Browser, server: str) -> None:
    browser.open("#/admin")
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.fill("#login-form", email="admin@demo.metskin.local", password=DEMO_PASSWORD)
    browser.submit("#login-form")
    browser.find("#admin-articles-list li[data-slug='spf-basics']")
    assert browser.find("a[href='#/admin']").text == "Admin"
    browser.fill(
        "#admin-articles-form",
        slug="night-cream",
        title="Choosing a night cream",
        tags="dryness, routine",
        readingMinutes="2",
        summary="What a night cream adds.",
        body="## At night\n\nSkin loses more water.",
    )
    browser.submit("#admin-articles-form")
    # A draft first (it went live at the first save before): previewed, then published.
    browser.text("#admin-articles-list li[data-slug='night-cream'] .draft", "Draft")
    assert httpx.get(f"{server}/learn/night-cream").status_code == 404
    browser.find("#admin-articles-list li[data-slug='night-cream'] .preview-item").click()
    frame = browser.find("#admin-articles-preview iframe")
    browser.until(lambda: "Choosing a night cream" in (frame.get_attribute("srcdoc") or ""), "it")
    assert frame.get_attribute("sandbox") == ""
    browser.driver.switch_to.frame(frame)
    assert browser.find("article h1").text == "Choosing a night cream"
    browser.driver.switch_to.default_content()
    browser.find("#admin-articles-list li[data-slug='night-cream'] .publish").click()
    browser.find("#admin-articles-list li[data-slug='night-cream'] .unpublish")
    page = httpx.get(f"{server}/learn/night-cream")
    assert page.status_code == 200 and "Choosing a night cream" in page.text
    browser.find("#admin-articles-list li[data-slug='night-cream'] .edit").click()
    # French chosen: the words to write are empty, the English beside them as placeholders
    # (before, the English stayed in the fields and was saved as the French).
    title = browser.find("#admin-articles-form [name=title]")
    browser.select("#admin-articles-form [name=locale]", "fr")
    browser.until(lambda: title.get_attribute("lang") == "fr", "the French words")
    assert title.get_attribute("value") == ""
    assert title.get_attribute("placeholder") == "Choosing a night cream"
    browser.fill(
        "#admin-articles-form",
        title="Choisir une crème de nuit",
        summary="Ce qu'une crème de nuit apporte.",
        body="## La nuit\n\nLa peau perd plus d'eau.",
    )
    browser.submit("#admin-articles-form")
    browser.text("#admin-articles-list li[data-slug='night-cream']", "en, fr")
    # Back to English and to French again: each language's saved words, to correct them.
    browser.select("#admin-articles-form [name=locale]", "en")
    browser.until(lambda: title.get_attribute("value") == "Choosing a night cream", "English")
    browser.select("#admin-articles-form [name=locale]", "fr")
    browser.until(lambda: title.get_attribute("value") == "Choisir une crème de nuit", "French")
    body = browser.find("#admin-articles-form [name=body]").get_attribute("value")
    assert body.startswith("## La nuit")
    french = httpx.get(f"{server}/learn/night-cream", headers={"accept-language": "fr"})
    assert '<article lang="fr">' in french.text and "Choisir une crème de nuit" in french.text
    assert "Choosing a night cream" in httpx.get(f"{server}/learn/night-cream").text
    browser.select("#admin-articles-form [name=locale]", "en")  # the English changes
    browser.until(lambda: title.get_attribute("value") == "Choosing a night cream", "English")
    browser.fill("#admin-articles-form", title="Choosing a night cream (revised)")
    browser.submit("#admin-articles-form")
    browser.text(
        "#admin-articles-list li[data-slug='night-cream'] .stale",
        "Translation older than the English: fr",
    )
    assert "Saved." in browser.text("#admin-articles-form")
    browser.fill("#admin-articles-form", slug="Bad Slug")
    browser.submit("#admin-articles-form")
    browser.text("#admin-articles-form .form-error", "slug")
    assert browser.find("#admin-articles-form [name=slug]").get_attribute("aria-invalid") == "true"
    # The refusal alone: the earlier save's "Saved." stood beside it before.
    assert "Saved." not in browser.text("#admin-articles-form")
    # A delete asks first (it took the article off every page at one click before).
    delete = "#admin-articles-list li[data-slug='night-cream'] .delete"
    browser.find(delete).click()
    asked = browser.until(lambda: browser.driver.switch_to.alert, "the question")
    assert "Choosing a night cream (revised)" in asked.text
    asked.dismiss()
    assert browser.find(delete)
    assert httpx.get(f"{server}/learn/night-cream").status_code == 200
    # Unpublished: off /learn, its French kept, back when published again.
    browser.find("#admin-articles-list li[data-slug='night-cream'] .unpublish").click()
    browser.text("#admin-articles-list li[data-slug='night-cream']", "Draft")
    assert httpx.get(f"{server}/learn/night-cream").status_code == 404
    browser.text("#admin-articles-list li[data-slug='night-cream']", "en, fr")
    browser.find(delete).click()
    browser.until(lambda: browser.driver.switch_to.alert, "the question").accept()
    browser.until(
        lambda: not browser.visible("#admin-articles-list li[data-slug='night-cream']"),
        "the article gone",
    )
    assert "deleted article" in browser.text("#admin-log")
    assert browser.severe_console_messages() == []


BIO = "query($id: ID!) { dermatologist(id: $id) { bio bioLocale } }"
PHONE_OF = "query($id: ID!) { dermatologist(id: $id) { practice { phone } } }"


def bio_in(server: str, doctor_id: str, language: str) -> dict[str, str]:
    body = httpx.post(
        f"{server}/graphql",
        json={"query": BIO, "variables": {"id": doctor_id}},
        headers={"accept-language": language},
        timeout=30,
    ).json()
    return dict(body["data"]["dermatologist"])


def test_an_admin_translates_a_dermatologist_s_bio(browser: Browser, server: str) -> None:
    browser.open("#/admin")
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.fill("#login-form", email="admin@demo.metskin.local", password=DEMO_PASSWORD)
    browser.submit("#login-form")
    item = browser.find("#admin-doctor-list li[data-id]")
    doctor_id = item.get_attribute("data-id")
    english = bio_in(server, doctor_id, "en")["bio"]
    phone = graphql(server, PHONE_OF, id=doctor_id)["dermatologist"]["practice"]["phone"]
    item.find_element(browser.by, ".edit-bio").click()
    bio = browser.find("#admin-bio-form [name=bio]")
    browser.until(lambda: bio.get_attribute("value") == english, "the English bio")
    browser.select("#admin-bio-form [name=locale]", "de")
    browser.until(lambda: bio.get_attribute("lang") == "de", "the German bio")
    assert bio.get_attribute("value") == bio_in(server, doctor_id, "de")["bio"] != english
    browser.fill("#admin-bio-form", bio="Neue Biografie, von der Redaktion geschrieben.")
    browser.submit("#admin-bio-form")
    browser.text("#admin-bio-form", "Bio saved.")
    german = bio_in(server, doctor_id, "de")
    assert german == {"bio": "Neue Biografie, von der Redaktion geschrieben.", "bioLocale": "de"}
    assert bio_in(server, doctor_id, "en")["bio"] == english  # the English stays
    # the listing is sent back whole: the practice's phone stays too
    assert graphql(server, PHONE_OF, id=doctor_id)["dermatologist"]["practice"]["phone"] == phone
    assert phone
    assert "updated" in browser.text("#admin-log")
    assert browser.severe_console_messages() == []


def test_a_person_consents_downloads_and_erases_from_the_profile(browser: Browser) -> None:
    register(browser, "rights@example.com")
    browser.go("#/profile")
    browser.find("#learning-consent [name=learningConsent]").click()
    browser.text("#learning-consent .saved", "help the models learn")
    browser.find("#export-data").click()
    link = browser.find("#export-link", timeout=90)
    assert "/exports/" in link.get_attribute("href")

    browser.fill("#erase-form", password=PASSWORD)
    browser.submit("#erase-form")
    browser.until(lambda: browser.driver.switch_to.alert, "the confirmation").accept()
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.find("#about h1")  # an erased account leaves no "signed in before" behind
    browser.fill("#login-form", email="rights@example.com", password=PASSWORD)
    browser.submit("#login-form")
    browser.text("#login-form .form-error", "INVALID_CREDENTIALS")  # the account is gone


def test_a_person_who_did_not_tick_the_box_is_asked_at_the_first_upload(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    browser.open("#/register")
    assert not browser.find("#register-form [name=photoConsent]").is_selected()  # unticked
    assert browser.attribute("#photo-consent a.consent-link", "href") == "#/consent"
    register(browser, "asked@example.com", photo_consent=False)  # the account works without
    assert "health data" in browser.text("#upload-consent")  # asked before choosing a file

    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.submit("#upload-form")  # not agreed: not sent, the box asks, its tick box focused
    browser.until(
        lambda: (
            browser.driver.execute_script("return document.activeElement.id")
            == "upload-consent-box"
        ),
        "the consent's tick box focused",
    )
    browser.find("#give-photo-consent").click()  # without ticking: nothing is given
    browser.text("#upload-consent .form-error", "CONSENT_REQUIRED")
    browser.find("#upload-consent-box").click()
    browser.find("#give-photo-consent").click()  # agreed: the same file goes up
    browser.until(lambda: browser.hash().startswith("#/analysis/"), "the analysis page")

    browser.go("#/profile")
    browser.text("#photo-consent-panel", "You agreed on")
    assert "revoke those shares" in browser.text("#photo-consent-panel")  # what withdrawing does
    browser.find("#withdraw-photo-consent").click()
    browser.text("#photo-consent-panel", "You have not agreed")
    token = api_login(server, "asked@example.com", PASSWORD)
    state = graphql(server, "{ me { photoConsent { given needsAsking } } }", token)
    assert state["me"]["photoConsent"] == {"given": False, "needsAsking": True}
    browser.go("#/analyse")
    browser.text("#upload-consent", "health data")
    browser.go("#/consent")
    assert "Who sees it" in browser.text(".consent-points")
    assert browser.severe_console_messages() == []


def two_free_slots(server: str, token: str) -> Callable[[int], None]:
    """A dermatologist with two free slots in the next fortnight: `booked(i)` books the i-th
    as the token's patient (each booking tells them in their inbox)."""
    doctors = graphql(
        server, "query { dermatologists(first: 10) { edges { node { id } } } }", token
    )
    start = datetime.now(UTC) + timedelta(days=2)
    free = "query($d: ID!, $f: DateTime!, $t: DateTime!) { availableSlots(dermatologistId: $d, "
    free += "from: $f, to: $t) { start consultationTypes } }"
    window = {"f": start.isoformat(), "t": (start + timedelta(days=14)).isoformat()}
    doctor, slots = next(
        (edge["node"]["id"], slots[:2])
        for edge in doctors["dermatologists"]["edges"]
        if len(
            slots := graphql(server, free, token, d=edge["node"]["id"], **window)["availableSlots"]
        )
        > 1
    )
    book = "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }"

    def booked(index: int) -> None:
        slot = slots[index]
        input_ = {"slotStart": slot["start"], "dermatologistId": doctor}
        graphql(server, book, token, i={**input_, "consultationType": slot["consultationTypes"][0]})

    return booked


def test_the_inbox_badge_counts_live_and_the_inbox_marks_read(
    browser: Browser, server: str
) -> None:
    register(browser, "inbox@example.com")
    browser.find("#inbox-link")
    assert browser.attribute("#inbox-badge", "hidden") == ""  # nothing unread
    booked = two_free_slots(server, api_login(server, "inbox@example.com", PASSWORD))
    booked(0)
    assert browser.text("#inbox-badge", "1") == "1"  # live, without a reload

    browser.find("#inbox-link").click()
    browser.until(lambda: browser.hash() == "#/inbox", "the inbox")
    assert browser.text("#inbox li.unread", "Appointment booked")
    # Followed, a notification is read (before, only "Mark all read" marked anything)
    browser.click("#inbox li.unread a")
    browser.until(lambda: browser.hash() == "#/appointments", "the appointments")
    browser.until(lambda: browser.attribute("#inbox-badge", "hidden") == "", "the badge to clear")
    browser.find("#inbox-link").click()
    browser.find("#inbox li[data-kind=APPOINTMENT_BOOKED]")
    assert browser.visible("#inbox li.unread") == []

    booked(1)
    assert browser.text("#inbox-badge", "1") == "1"
    browser.go("#/analyse")
    browser.find("#inbox-link").click()
    assert browser.text("#inbox li.unread", "Appointment booked")
    browser.click("#inbox-read-all")
    browser.until(lambda: browser.attribute("#inbox-badge", "hidden") == "", "the badge to clear")
    assert browser.visible("#inbox li.unread") == []
    assert browser.severe_console_messages() == []


# Every socket the page opens, kept in `window.sockets` (to be closed as a lost connection).
SOCKETS = """window.sockets = [];
const RealSocket = window.WebSocket;
window.WebSocket = class extends RealSocket {
  constructor(...args) { super(...args); window.sockets.push(this); }
};"""


def test_the_inbox_badge_listens_again_once_its_stream_is_lost(
    browser: Browser, server: str
) -> None:
    """The badge's stream, once lost (a connection dropped or given up as dead, or ended by
    the server when its token expires, every 15 minutes), was never made again: the count
    moved only on the next page. It now connects again, as the dashboard's does."""
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SOCKETS})
    register(browser, "inbox-again@example.com")
    browser.find("#inbox-link")
    open_sockets = "return window.sockets.filter((s) => s.readyState === 1).length"
    browser.until(lambda: browser.driver.execute_script(open_sockets) >= 1, "the badge's stream")
    booked = two_free_slots(server, api_login(server, "inbox-again@example.com", PASSWORD))
    browser.driver.execute_script("window.sockets.forEach((socket) => socket.close())")
    browser.until(lambda: browser.driver.execute_script(open_sockets) >= 1, "a new stream")
    time.sleep(1)  # its subscription made on the server
    booked(0)
    assert browser.text("#inbox-badge", "1") == "1"  # live, on the page left open
    assert browser.hash() == "#/analyse"


def test_the_progress_page_shows_trends_and_the_aligned_faces(
    browser: Browser, server: str
) -> None:
    register(browser, "progress@example.com")
    token = api_login(server, "progress@example.com", PASSWORD)
    start = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
    status = "query($id: ID!) { analysis(id: $id) { status } }"
    analyses = [  # two photos of one visit
        graphql(server, start, token, m=upload(server, token, face_jpeg()))["startAnalysis"]["id"]
        for _ in range(2)
    ]

    def done() -> bool:
        found = [graphql(server, status, token, id=i)["analysis"]["status"] for i in analyses]
        return found == ["DONE", "DONE"]

    browser.until(done, "the analyses", timeout=ANALYSIS_SECONDS)
    browser.find("a[href='#/progress']").click()
    assert "No change" in browser.text("#no-change")
    charts = browser.visible("#trends figure.trend")
    assert {"redness", "tone"} <= {chart.get_attribute("data-concern") for chart in charts}
    loaded = "return [...document.querySelectorAll(arguments[0])].map(i => i.naturalWidth)"
    browser.until(
        lambda: browser.driver.execute_script(loaded, "#compare-pictures img") == [384, 384],
        "the two aligned faces",
    )
    assert all(browser.driver.execute_script(loaded, "#trends img"))
    # on a phone each chart is shown at about its own size (it was 0.65: words 6-8 px high)
    browser.driver.set_window_size(375, 800)
    shown = (
        "return [...document.querySelectorAll('#trends img')].map(i => i.width / i.naturalWidth)"
    )
    assert min(browser.driver.execute_script(shown)) >= 0.85
    browser.driver.set_window_size(1280, 1024)
    # the check-in cadence: 4 weeks from the newest routine, changed to 2 on the page
    schedule = "{ checkIn { cadenceWeeks nextCheckIn } }"
    before = graphql(server, schedule, token)["checkIn"]
    assert before["cadenceWeeks"] == 4 and before["nextCheckIn"]
    assert "Next check-in photo" in browser.text("#next-check-in")
    browser.select("#check-in-form select[name=weeks]", "2")
    browser.submit("#check-in-form")
    browser.until(
        lambda: graphql(server, schedule, token)["checkIn"]["cadenceWeeks"] == 2, "the cadence"
    )
    browser.text("#next-check-in", "Next check-in photo")
    assert browser.severe_console_messages() == []


def test_each_visit_draws_its_page_once(browser: Browser) -> None:
    """Logging in loads the profile's language (here en-IE, not the browser's); the page is
    drawn in it once, not drawn and then drawn again (which read everything twice: a doctor's
    audited reads too). A sign-up made in the app speaks the app's language: no load then."""
    graphql(
        browser.base,
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        i={"email": "drawn@example.com", "password": PASSWORD, "locale": "en-IE"},
    )
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DRAWN})
    browser.log_in("drawn@example.com", PASSWORD)
    browser.until(
        lambda: browser.driver.execute_script("return window.__profileLanguage"),
        "the profile's language",
    )
    pages = ["#/history", "#/progress", "#/dermatologists", "#/appointments", "#/sharing"]
    pages += ["#/profile", "#/analyse"]
    for link in pages:
        browser.click(f"#nav a[href='{link}']")
        browser.until(lambda link=link: browser.hash() == link, link)
    drawn = browser.driver.execute_script("return window.__drawn")
    assert drawn[-8:] == ["#/analyse", *pages], drawn  # logging in led to the upload page
    assert [hash for hash, after in itertools.pairwise(drawn) if hash == after] == [], drawn
    assert browser.severe_console_messages() == []


def test_a_returning_user_chooses_among_the_offered_languages(browser: Browser) -> None:
    """A stored session in the default language still loads the catalog's list of languages."""
    register(browser, "returning@example.com")
    browser.reload("#/profile")
    select = browser.find("#profile-form select[name=locale]")
    offered = {o.get_attribute("value") for o in select.find_elements("css selector", "option")}
    assert {"en-GB", "fr-FR", "de-DE"} <= offered


def test_back_leads_past_redirects_and_the_login_form(browser: Browser, server: str) -> None:
    register(browser, "back@example.com")
    browser.click("#logout")
    browser.until(lambda: browser.hash() == "#/login", "the login page")
    browser.driver.get("data:text/html,<h1>Webmail</h1>")
    browser.driver.get(f"{server}/#/history")  # a link from an email, logged out
    browser.until(lambda: browser.hash() == "#/login?next=%2Fhistory", "the login page")
    browser.fill("#login-form", email="back@example.com", password=PASSWORD)
    browser.submit("#login-form")
    browser.until(lambda: browser.hash() == "#/history", "the page the link named")
    browser.driver.back()  # not the login form again, nor the redirect to it
    browser.until(lambda: browser.driver.current_url.startswith("data:"), "the webmail")
    browser.driver.forward()
    browser.find("#history-empty")

    browser.go("#/dashboard")  # a dermatologist's page: this patient's home instead
    browser.until(lambda: browser.hash() == "#/analyse", "the patient's home")
    browser.driver.back()
    browser.until(lambda: browser.hash() == "#/history", "the page before")
    browser.go("#/login")  # logged in already
    browser.until(lambda: browser.hash() == "#/analyse", "the patient's home")
    assert browser.visible("#login-form") == []


def test_progress_says_each_change_rounded_with_its_unit(browser: Browser) -> None:
    browser.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": SEASON_APART}
    )
    register(browser, "season@example.com")
    browser.go("#/progress")
    browser.find("#changes li")
    shown = [li.text for li in browser.visible("#changes li")]
    assert shown == ["Skin tone: down 29.5° ITA", "Acne: up 12 points", "Redness: down 1 point"]
