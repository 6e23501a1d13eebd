"""The progress page when the two photos may not be of the same person (a partner's photo
under one account): it says so and calls no change, rather than "No change" or a change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.test_web_app import ANALYSIS_SECONDS, register
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

server = server_fixture("web-progress")
browser = browser_fixture()

# The comparison as the API sends it for two people (every delta NO_CHANGE, DIFFERENT_PERSON
# first among the reasons): tests/e2e/test_progress_api.py shows the API does.
TWO_PEOPLE = """
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  if (!String(init.body).includes("progress(from:")) return nativeFetch(url, init);
  const face = (concern, delta) => ({ concern, region: "face", delta, change: "NO_CHANGE" });
  const progress = {
    analyses: [{ id: "a1", createdAt: "2026-01-05T10:00:00Z" },
      { id: "a2", createdAt: "2026-02-05T10:00:00Z" }],
    trends: [],
    comparison: {
      changedConcerns: [], mirrored: false,
      before: { createdAt: "2026-01-05T10:00:00Z" }, after: { createdAt: "2026-02-05T10:00:00Z" },
      comparability: { score: 0.53, flagged: true, reasons: ["DIFFERENT_PERSON"],
        differentPerson: true },
      deltas: [face("acne", -31.0), face("tone", -12.5)],
      pictures: null,
    },
  };
  return new Response(JSON.stringify({ data: { progress } }),
    { status: 200, headers: { "content-type": "application/json" } });
};
"""


def test_two_people_are_told_and_no_change_is_shown(browser: Browser) -> None:
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TWO_PEOPLE})
    register(browser, "family@example.com")
    browser.go("#/progress")
    said = browser.text("#different-person")
    assert said.startswith("These photos may not be of the same person, so no change is shown")
    assert browser.visible("#no-change") == [] and browser.visible("#changes li") == []
    assert browser.visible("#not-comparable") == []  # one warning, not two
    assert browser.severe_console_messages() == []


def analysed(browser: Browser, photo: Path) -> str:
    browser.go("#/analyse")
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.find("#upload-form img.preview")
    browser.submit("#upload-form")
    browser.find('#progress-stage[data-stage="DONE"]', timeout=ANALYSIS_SECONDS)
    browser.find("#result")
    return str(browser.find("#analysis").get_attribute("data-analysis-id"))


def test_the_second_result_says_what_changed_since_the_photo_before(
    browser: Browser, tmp_path: Path
) -> None:
    """A person back with a new photo: its result page compares it with their photo before,
    in the progress page's words (the same photo again: within the band, no change called).
    Before, the result page said nothing of the earlier photo; only the progress page did,
    and only of the first against the last."""
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    register(browser, "back@example.com")
    first = analysed(browser, photo)
    browser.find("#referral")  # drawn after the result, as the comparison would be
    assert browser.visible("#since-last") == []  # nothing before the first photo
    second = analysed(browser, photo)
    assert second != first
    said = browser.text("#since-last")
    assert said.startswith("Since your last photo")
    assert "No change beyond what a retake of the same day moves." in said
    assert browser.find("#since-last a[href='#/progress']")
    # the card stands right under the summary, near the top of the result
    order = browser.driver.execute_script(
        "return [...document.querySelectorAll('#result > *')].map((e) => e.id).slice(0, 2)"
    )
    assert order == ["summary", "since-last"], order
    assert browser.severe_console_messages() == []


def next_check_in(browser: Browser, schedule: dict[str, str], zone: str, now: str) -> str:
    """checkin.js's sentence for `schedule`, of a person whose profile is in `zone`, at `now`,
    in the page (whose zone is London: web_browser.py)."""
    return str(
        browser.driver.execute_async_script(
            "const [schedule, zone, now, done] = arguments;"
            "import('/static/views/checkin.js').then((m) => "
            "done(m.nextText(schedule, zone, new Date(now))));",
            schedule,
            zone,
            now,
        )
    )


def test_the_check_in_day_is_read_where_the_person_lives_as_its_reminder_is(
    browser: Browser,
) -> None:
    """A person in Tokyo reading on a browser in London: their check-in, due at 01:00 on
    Tuesday 15 December in Tokyo (16:00 on Monday in London), is held for 09:00 there. Before,
    the day was the browser's ("since Mon 14 Dec") and the hour Tokyo's; and a reminder on the
    day after an evening's due date read as the same day's."""
    browser.open()
    # the app's locale (en-US or en-GB) orders the day and writes the hour its own way
    tue, mon, nine = r"Tue,? (15 Dec|Dec 15)", r"Mon,? (14 Dec|Dec 14)", r"(09:00|9:00\sAM)"
    held = {"nextCheckIn": "2026-12-14T16:00:00Z", "reminder": "HELD"}
    night = next_check_in(
        browser, {**held, "reminderAt": "2026-12-15T00:00:00Z"}, "Asia/Tokyo", "2026-12-14T17:00Z"
    )
    assert re.fullmatch(
        rf"Your check-in photo is due \(since {tue}\)\. "
        rf"We'll remind you at {nine}\.",
        night,
    ), night
    evening = next_check_in(
        browser,
        {**held, "nextCheckIn": "2026-12-14T12:00:00Z", "reminderAt": "2026-12-15T00:00:00Z"},
        "Asia/Tokyo",
        "2026-12-14T13:00Z",
    )
    assert re.fullmatch(
        rf"Your check-in photo is due \(since {mon}\)\. "
        rf"We'll remind you on {tue} at {nine}\.",
        evening,
    ), evening
    ahead = next_check_in(
        browser,
        {"nextCheckIn": "2026-12-14T16:00:00Z", "reminder": "SCHEDULED"},
        "Asia/Tokyo",
        "2026-12-10T00:00Z",
    )
    assert re.fullmatch(rf"Next check-in photo: {tue}\.", ahead), ahead
