"""Deleting a photo and its results, in headless Chromium on a phone's 375 px: from the result
page, the dialog says what goes and fits the screen, "Keep it" keeps it, "Delete for good"
deletes it (also while the worker is still on it) and leads back to the history; from the
history, the row goes and the other stays."""

from __future__ import annotations

import pytest

from tests.cluster import graphql, upload
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_app import register
from tests.e2e.test_web_dashboard import PHONE, sideways
from tests.e2e.web_browser import Browser, api_login, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

server = server_fixture("forget")
browser = browser_fixture()
START = "mutation($m: ID!) { startAnalysis(mediaId: $m) { id } }"
HISTORY = "{ me { analyses(first: 5) { edges { node { id } } } } }"


def test_a_person_deletes_a_photo_and_its_results_on_a_phone(browser: Browser, server: str) -> None:
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    register(browser, "forget@example.com")
    token = api_login(server, "forget@example.com", PASSWORD)
    media = upload(server, token, face_jpeg())
    analysis = graphql(server, START, token, m=media)["startAnalysis"]["id"]
    other = graphql(server, START, token, m=upload(server, token, face_jpeg()))["startAnalysis"]
    browser.go(f"#/analysis/{analysis}")  # queued or running: it can go all the same

    browser.click("#delete-analysis")
    dialog = browser.find("#delete-dialog[open]")
    assert "links to them stop working" in browser.text("#delete-dialog .what-goes")
    assert "already made" in browser.text("#delete-dialog")  # what stays
    assert dialog.rect["width"] <= PHONE["width"] and sideways(browser) == 0
    browser.click("#keep-analysis")
    browser.until(lambda: not browser.visible("#delete-dialog"), "the dialog to close")
    assert browser.hash().startswith(f"#/analysis/{analysis}")

    browser.click("#delete-analysis")
    browser.click("#confirm-delete")
    browser.until(lambda: browser.hash() == "#/history", "the history")
    browser.find("#history li")  # drawn after the address changes
    assert [row.get_attribute("data-analysis-id") for row in browser.visible("#history li")] == [
        other["id"]
    ]
    assert sideways(browser) == 0
    browser.click("#history li .delete-analysis")  # the other, from the history list
    browser.click("#confirm-delete")
    browser.find("#history-empty")
    assert browser.hash() == "#/history"
    assert graphql(server, HISTORY, token)["me"]["analyses"]["edges"] == []
    assert browser.severe_console_messages() == []
