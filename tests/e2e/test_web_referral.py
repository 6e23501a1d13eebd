"""From a referral to a dermatologist in headless Chromium against a real `metskin serve` (the
seeded directory): the referral's link opens the directory in the person's language, within the
days its urgency advises, says where the list is sorted from, and keeps the advice in view when
nothing matches. Skips without chromium, chromium-driver or selenium, like test_web_app.py.

The seeded directory has eight skin-cancer dermatologists (and the demo one): none speaks
French, one speaks German (in Berlin).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.cluster import graphql, upload, wait_until
from tests.e2e.conftest import PASSWORD
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

ANALYSIS_SECONDS = 240  # MediaPipe's first load on a busy two-core machine
EMAIL = "referred@example.com"
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }"
PROFILE = "mutation($i: ProfileInput!) { updateProfile(input: $i) { id } }"
SYMPTOMS = """mutation($id: ID!) { submitSymptoms(analysisId: $id, answers: {spotGrowing: true,
  spotChangingColour: true}) { referral { urgency specialty } } }"""

server = server_fixture("web-referral")
browser = browser_fixture()


@pytest.fixture(scope="module")
def urgent(server: str) -> Iterator[str]:
    """An analysis with an urgent skin-cancer referral, of the account EMAIL."""
    i = {"email": EMAIL, "password": PASSWORD, "photoConsent": True}
    token = graphql(server, REGISTER, i=i)["register"]["accessToken"]
    start = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
    media = upload(server, token, face_jpeg())
    analysis = graphql(server, start, token, m=media)["startAnalysis"]["id"]
    status = "query($id: ID!) { analysis(id: $id) { status } }"
    wait_until(
        lambda: graphql(server, status, token, id=analysis)["analysis"]["status"] == "DONE",
        "the analysis",
        tries=ANALYSIS_SECONDS * 4,
        pause=0.25,
    )
    referral = graphql(server, SYMPTOMS, token, id=analysis)["submitSymptoms"]["referral"]
    assert referral == {"urgency": "URGENT", "specialty": "SKIN_CANCER"}
    yield analysis


def open_directory_from_referral(
    browser: Browser, server: str, analysis: str, locale: str, zone: str
) -> str:
    """Sign in as a person of `locale` in `zone`, follow the referral's link; the link."""
    token = api_login(server, EMAIL, PASSWORD)
    graphql(server, PROFILE, token, i={"locale": locale, "timeZone": zone})
    browser.log_in(EMAIL, PASSWORD)
    browser.go(f"#/analysis/{analysis}")
    language = locale.split("-")[0]
    browser.until(
        lambda: f"language={language}" in (browser.attribute("#find-dermatologist", "href") or ""),
        "the referral's link in the profile's language",
    )
    link = browser.attribute("#find-dermatologist", "href") or ""
    browser.click("#find-dermatologist")
    browser.find("#doctors .doctor")
    return link


def field(browser: Browser, name: str) -> str:
    return str(browser.find(f"#directory-form [name={name}]").get_attribute("value"))


def place_hint(browser: Browser) -> str:
    """What the page says about where the list is sorted from (empty: nothing to say)."""
    browser.find("#directory-form")
    return str(
        browser.driver.execute_script(
            "const hint = document.querySelector('#place-hint');"
            "return hint ? hint.textContent : null;"
        )
    )


def test_the_urgent_window_is_counted_in_calendar_days_across_the_spring_change(
    browser: Browser,
) -> None:
    """Seven days from 23:30 on Saturday 27 March 2027 in London (the clocks go forward at
    01:00 the next night): 27 March until 2 April, both included (the directory's "Free until"
    is the last day one may come). Before, the window added 7 x 24 hours and took the date:
    00:30 on 4 April, a day too many, from 23:00 on the Saturday a week before."""
    browser.open()
    window = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/static/views/directory.js').then((m) => done(m.advisedWindow("
        "{ urgency: 'URGENT' }, new Date('2027-03-27T23:30:00Z'))));"
    )
    assert window == {"days": 7, "from": "2027-03-27", "to": "2027-04-02"}


def test_a_french_speaker_s_urgent_referral_opens_the_directory_within_days(
    browser: Browser, server: str, urgent: str
) -> None:
    link = open_directory_from_referral(browser, server, urgent, "fr-FR", "Europe/Paris")
    assert "specialty=skin_cancer" in link and f"analysis={urgent}" in link
    assert field(browser, "specialty") == "skin_cancer"
    # Urgent: free within the next 7 days, said, with a way to widen.
    # the browser's today, in London (web_browser.py): the machine's date.today() was a day
    # behind from 23:00 UTC in British summer time, and all day on a machine far from London
    today = datetime.now(ZoneInfo("Europe/London")).date()
    assert field(browser, "availableFrom") == today.isoformat()
    assert field(browser, "availableTo") == (today + timedelta(days=6)).isoformat()  # included
    notes = browser.text("#directory-notes", "7 prochains jours")
    # Nobody among them speaks French: everyone, and said so (not a silent English list).
    assert "Aucun dermatologue correspondant ne parle français" in notes
    assert field(browser, "language") == ""
    cards = browser.visible("#doctors .doctor")
    assert cards and all("Cancer" in card.text for card in cards), [c.text for c in cards]
    # Paris is none of the places the directory knows: said, and how to change it.
    assert "Non trié par distance" in place_hint(browser)
    assert field(browser, "place") == ""

    browser.click("#any-date")
    browser.until(lambda: field(browser, "availableTo") == "", "the dates emptied")
    browser.until(lambda: not browser.visible("#any-date"), "the note on the dates gone")
    browser.find("#doctors .doctor")

    # Insisting on French: nothing matches, and the referral's advice is there, in French.
    browser.fill("#directory-form", language="fr")
    browser.submit("#directory-form")
    browser.text("#no-match", "Aucun dermatologue ne correspond.")
    advice = browser.text("#referral-advice")
    assert "dans les jours qui viennent" in advice and "service d'urgence" in advice
    assert browser.severe_console_messages() == []


def test_a_german_speaker_in_berlin_sees_who_speaks_german_nearest_first(
    browser: Browser, server: str, urgent: str
) -> None:
    link = open_directory_from_referral(browser, server, urgent, "de-DE", "Europe/Berlin")
    assert "language=de" in link
    notes = browser.text("#directory-notes", "Deutsch")
    assert "Dermatologen, die Deutsch sprechen." in notes
    assert field(browser, "language") == "de"
    cards = browser.visible("#doctors .doctor")
    assert [c.find_element(browser.by, "h3").text for c in cards] == ["Dr. Mehmet Yilmaz"]
    assert field(browser, "place") == "berlin"
    assert "Die nächsten zu Berlin zuerst" in place_hint(browser)

    browser.click("#any-language")
    browser.until(lambda: len(browser.visible("#doctors .doctor")) > 1, "every language")
    assert field(browser, "language") == ""
    assert field(browser, "availableTo")  # the dates stay: only the language was widened
    assert browser.severe_console_messages() == []


def test_the_directory_opened_from_the_menu_is_not_narrowed(
    browser: Browser, server: str, urgent: str
) -> None:
    token = api_login(server, EMAIL, PASSWORD)
    graphql(server, PROFILE, token, i={"locale": "en-GB", "timeZone": "Europe/Paris"})
    browser.log_in(EMAIL, PASSWORD)
    browser.go("#/dermatologists")
    browser.find("#doctors .doctor")
    assert field(browser, "language") == "" and field(browser, "availableFrom") == ""
    assert browser.visible("#directory-notes .notice") == []
    assert "Not sorted by distance" in place_hint(browser)
    browser.select("#directory-form [name=place]", "london")
    browser.until(lambda: place_hint(browser) == "", "the hint gone once a place is set")


def test_free_until_a_day_includes_that_day(browser: Browser) -> None:
    """ "Free from 9 December until 9 December" asked the API for the instant between them (a
    window of no length: VALIDATION_FAILED), and "until 10 December" left the 10th out. The
    until day is now included: to the next day's midnight, in the browser's (London) days."""
    browser.open()
    asked = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/static/views/directory.js').then((m) => {"
        "  const form = document.createElement('form');"
        "  for (const [name, value] of [['availableFrom', '2026-12-09'],"
        "    ['availableTo', '2026-12-09'], ['lat', ''], ['lon', '']]) {"
        "    const input = document.createElement('input');"
        "    Object.assign(input, { name, value }); form.append(input); }"
        "  const filter = m.readFilter(form);"
        "  done([filter.availableFrom, filter.availableTo]); });"
    )
    assert asked == ["2026-12-09T00:00:00.000Z", "2026-12-10T00:00:00.000Z"], asked
