"""The progress page when the two photos may not be of the same person (a partner's photo
under one account): it says so and calls no change, rather than "No change" or a change."""

from __future__ import annotations

import pytest

from tests.e2e.test_web_app import register
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

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
