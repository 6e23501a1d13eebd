"""In a real browser: the dermatologist opens an analysis shared with them, places a lesion by
clicking on the photo, grades acne and gives the Monk tone; the patient reads the same label
through the API, with the lesion in the photo's own pixels, and the dermatologist's read of the
labels in their access log."""

from __future__ import annotations

from typing import Any

from metskin.cli.seed import DEMO_DERMATOLOGIST
from tests.e2e.test_web_dashboard import Patient, doctor_id, open_dashboard
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture

server = server_fixture("labelling")
browser = browser_fixture()

SHARE = "mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a) { id } }"
LABELS = """query($a: ID!) { analysisLabels(analysisId: $a) {
  source grades { concern grade } lesions { type x y width height } monkTone } }"""
PHOTO = "query($a: ID!) { analysis(id: $a) { media { width height } } }"


def test_a_dermatologist_places_lesions_by_clicking_on_the_photo(
    browser: Browser, server: str
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    patient = Patient(server, "labels@example.com", "Lee Label")
    analysis_id = patient.analyse()
    media = patient.call(PHOTO, a=analysis_id)["analysis"]["media"]
    patient.wait_until_done(analysis_id)
    patient.call(SHARE, a=analysis_id, d=doctor_id(server, DEMO_DERMATOLOGIST))

    open_dashboard(browser, DEMO_DERMATOLOGIST)
    browser.go(f"#/shared/{analysis_id}")
    photo = browser.image("#label-photo")
    assert browser.text("#lesion-count") == "0 lesions"
    browser.select("#label-form select[name=lesionType]", "PUSTULE")
    shown: dict[str, Any] = photo.size
    dx, dy = -shown["width"] // 4, shown["height"] // 8  # from the centre of the photo
    # In view first and at once, so the page does not move under the pointer.
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({ block: 'center', behavior: 'instant' })", photo
    )
    ActionChains(browser.driver).move_to_element_with_offset(photo, dx, dy).click().perform()
    assert browser.text("#lesion-count", "1") == "1 lesion"
    assert len(browser.visible(".lesion-marker[data-type=PUSTULE]")) == 1
    browser.select("#label-form select[name=grade-ACNE]", "3")
    browser.select("#label-form select[name=monkTone]", "5")
    browser.submit("#label-form")
    browser.text("#label-history li", "Dermatologist")

    (label,) = patient.call(LABELS, a=analysis_id)["analysisLabels"]
    assert (label["source"], label["grades"], label["monkTone"]) == (
        "DERMATOLOGIST",
        [{"concern": "ACNE", "grade": 3}],
        5,
    )
    (lesion,) = label["lesions"]
    expected_x = (shown["width"] / 2 + dx) / shown["width"] * media["width"]
    expected_y = (shown["height"] / 2 + dy) / shown["height"] * media["height"]
    assert lesion["type"] == "PUSTULE" and (lesion["width"], lesion["height"]) == (0, 0)
    assert abs(lesion["x"] - expected_x) <= 0.02 * media["width"]
    assert abs(lesion["y"] - expected_y) <= 0.02 * media["height"]
    assert ("LABELS", analysis_id) in patient.access_log()
    assert browser.severe_console_messages() == []
