"""The dermatologist's lists in headless Chromium against a real `metskin serve`: referrals to
see first at the top of the dashboard, until when each patient shares (in the practice's zone),
a share that runs out on the live feed, and the patient's access log grouped per look.

Skips without chromium, chromium-driver or selenium, like tests/e2e/test_web_dashboard.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from metskin.adapters.db.referrals import SqlReferralRepository
from metskin.cli.seed import DEMO_DERMATOLOGIST, DEMO_PASSWORD
from metskin.domain.referrals.model import Referral, ReferralRecord, Specialty, Urgency
from tests.cluster import graphql
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_dashboard import (
    LONDON,
    LONDON_NAME,
    Patient,
    doctor_id,
    open_dashboard,
)
from tests.e2e.web_browser import Browser, api_login, browser_fixture, web_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("derm-lists")


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[str]:
    """Shares that run out are told within half a second (the workers' scan)."""
    yield from web_server(root, METSKIN_SHARE_END_SCAN_SECONDS="0.5")


browser = browser_fixture()

SHARE_UNTIL = """mutation($d: ID!, $a: ID, $e: DateTime) {
  shareAnalysis(dermatologistId: $d, analysisId: $a, expiresAt: $e) { id } }"""


def take_referral(
    root: Path, patient: Patient, analysis_id: str, doctor: str, urgency: Urgency
) -> str:
    """A referral the patient took to the dermatologist, written to the server's database
    (raising one takes a finished analysis of a severe case: minutes of MediaPipe)."""
    now = datetime.now(UTC)
    said = Referral(urgency, Specialty.ACNE, (), "See a dermatologist.", "")
    record = ReferralRecord(f"ref-{patient.id[:8]}", patient.id, analysis_id, said, now, now)
    record.doctor_id = doctor
    engine = create_engine(f"sqlite:///{(root / 'var' / 'metskin.db').as_posix()}")
    with Session(engine) as session:
        SqlReferralRepository(session).add(record)
        session.commit()
    engine.dispose()
    return record.id


def test_urgent_referrals_come_first_and_shares_say_until_when_then_end_on_the_feed(
    browser: Browser, server: str, root: Path
) -> None:
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    sharing = Patient(server, "sharing@example.com", "Sasha Shares")
    urgent = Patient(server, "urgent@example.com", "Uli Urgent")
    shared_analysis, urgent_analysis = sharing.analyse(), urgent.analyse()
    take_referral(root, sharing, shared_analysis, doctor, Urgency.SOON)
    take_referral(root, urgent, urgent_analysis, doctor, Urgency.URGENT)
    until = datetime.now(UTC) + timedelta(seconds=40)
    sharing.call(SHARE_UNTIL, d=doctor, e=until.isoformat())

    open_dashboard(browser, DEMO_DERMATOLOGIST)
    # Before the feed and the week, the most urgent first (before, nothing listed them).
    order = browser.driver.execute_script(
        "const p = document.querySelector('#urgent-panel');"
        "const d = document.querySelector('.dashboard');"
        "return p && (p.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0"
    )
    assert order
    browser.find("#urgent-referrals [data-urgency=URGENT]")
    items = browser.visible("#urgent-referrals li")
    assert [item.get_attribute("data-patient-id") for item in items] == [urgent.id, sharing.id]
    assert "Uli Urgent" in items[0].text and "Not shared with you" in items[0].text
    link = f"#urgent-referrals [data-patient-id='{sharing.id}'] a.open-analysis"
    assert browser.attribute(link, "href").endswith(
        f"#/shared/{shared_analysis}?patient={sharing.id}"
    )

    # The patients list says until when, in the practice's zone, and says which zone.
    browser.click("#nav a[href='#/patients']")
    assert LONDON_NAME in browser.text(".zone-note", "practice")
    # a patient's zone by its name too (it read "Europe/London")
    about = browser.text(f"#patients .patient[data-patient-id='{sharing.id}'] p.muted")
    assert about.endswith(f" · {LONDON_NAME}") and LONDON not in about, about
    entry = f"#patients .patient[data-patient-id='{sharing.id}'] .shares-until"
    local = until.astimezone(ZoneInfo(LONDON))
    assert local.strftime("%H:%M") in browser.text(entry, "Shares with you until")
    assert not browser.visible(f"#patients .patient[data-patient-id='{urgent.id}']")  # no share
    browser.click(f"#patients .patient[data-patient-id='{sharing.id}'] a")
    assert "Shares with you until" in browser.text("#patient-shares-until")

    # It runs out: the dashboard says so live, and the share's event leads nowhere.
    browser.click("#nav a[href='#/dashboard']")
    browser.find("#live-status[data-state=live]")
    ended = f"#feed .event[data-kind=SHARE_EXPIRED][data-patient-id='{sharing.id}']"
    assert "Sharing ended" in browser.text(ended, sharing.name, timeout=90)
    shared = f"#feed .event[data-kind=SHARED][data-patient-id='{sharing.id}']"
    assert "Ended since" in browser.text(shared)
    assert not browser.visible(f"{shared} .event-actions a")  # only its patient is a link
    assert "Not shared with you" in browser.text(
        f"#urgent-referrals [data-patient-id='{sharing.id}']", "Not shared"
    )  # the referral went with the share
    # Its page says what it lacks: a share and an *upcoming* booking (past visits are listed).
    browser.go(f"#/patients/{sharing.id}")
    said = browser.text("#patient-shares-until", "Not your patient")
    assert said.endswith("have no upcoming booking with you."), said
    assert browser.severe_console_messages() == []


def test_the_access_log_shows_one_look_with_what_was_seen(browser: Browser, server: str) -> None:
    doctor = doctor_id(server, DEMO_DERMATOLOGIST)
    patient = Patient(server, "looked@example.com", "Lou Looked")
    analysis_id = patient.analyse()
    patient.call(SHARE_UNTIL, d=doctor, a=analysis_id, e=None)
    token = api_login(server, DEMO_DERMATOLOGIST, DEMO_PASSWORD)
    media = graphql(
        server,
        "query($id: ID!) { analysis(id: $id) { media { url thumbnailUrl } } }",
        token,
        id=analysis_id,
    )["analysis"]["media"]
    for link in (media["url"], media["thumbnailUrl"]):
        url = link if link.startswith("http") else f"{server}{link}"
        assert httpx.get(url, timeout=30).status_code == 200

    browser.log_in("looked@example.com", PASSWORD)
    browser.go("#/sharing")
    row = browser.find("#access-log tr.look[data-reads='3']")
    assert row.get_attribute("data-parts") == "RESULT PHOTO THUMBNAIL"
    assert row.text.count("An analysis: ") == 1  # in plain words, each part once
    for part in ("the result", "the photo", "the photo's thumbnail"):
        assert part in row.text
    assert len(browser.visible("#access-log tr.look")) == 1  # three reads, one line
    assert browser.severe_console_messages() == []
