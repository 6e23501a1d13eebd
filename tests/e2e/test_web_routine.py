"""The routine page over weeks: a product said to irritate leaves the routine at once, the
page says so, and the rating can be taken back from "products left out for you"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, text

from metskin.adapters.db.inbox import NotificationRow
from metskin.domain.inbox.entries import routine_changed
from tests.e2e.test_web_app import ANALYSIS_SECONDS, register
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture
from tests.media_samples import face_jpeg

pytestmark = pytest.mark.slow

server = server_fixture("web-routine")
browser = browser_fixture()


def in_routine(browser: Browser) -> set[str]:
    forms = browser.visible("#routine form.rate")
    return {form.get_attribute("data-product-id") for form in forms}


def test_an_irritating_product_leaves_the_routine_and_comes_back(
    browser: Browser, tmp_path: Path
) -> None:
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    register(browser, "routine@example.com")
    browser.find("#upload-form input[name=file]").send_keys(str(photo))
    browser.find("#upload-form img.preview")
    browser.submit("#upload-form")
    browser.find('#progress-stage[data-stage="DONE"]', timeout=ANALYSIS_SECONDS)
    analysis_id = browser.find("#analysis").get_attribute("data-analysis-id")
    browser.go(f"#/routine/{analysis_id}")
    browser.find("#routine #pm .step")
    product = browser.find("#pm .step:last-child form.rate").get_attribute("data-product-id")
    assert product in in_routine(browser)

    form = f'#pm form.rate[data-product-id="{product}"]'
    browser.select(f"{form} [name=rating]", "3")
    browser.select(f"{form} [name=outcome]", "IRRITATED")
    browser.submit(form)
    browser.text("#routine-said", "we left it out of your routine")
    assert product not in in_routine(browser)
    assert browser.find("#excluded").get_attribute("open") is not None
    browser.find(f'#excluded button.take-back[data-product-id="{product}"]').click()
    browser.text("#routine-said", "is taken back")
    assert product in in_routine(browser)
    assert browser.visible("#excluded button.take-back") == []
    # The inbox says what changed the routine, twice: the rating, then taking it back.
    browser.go("#/inbox")
    browser.text("#inbox", "Your routine changed after your rating")
    said = [item.text for item in browser.visible('#inbox li[data-kind="ROUTINE_CHANGED"]')]
    assert len(said) == 2 and all("after your rating" in text for text in said)
    assert browser.severe_console_messages() == []


def test_the_inbox_says_every_change_said_while_a_photo_was_measured(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A change told with several whys (`details.whys`: a profile saved, then a rating, while
    the photo was measured) names both, in the person's language; before, the entry named
    only one of them."""
    email = "twice@example.com"
    register(browser, email)
    var = next(Path(tmp_path_factory.getbasetemp()).glob("web-routine*/var"))
    engine = create_engine(f"sqlite:///{(var / 'metskin.db').as_posix()}")
    with engine.begin() as connection:
        user_id = connection.execute(
            text("SELECT id FROM users WHERE email = :e"), {"e": email}
        ).scalar_one()
        details = {"analysis_id": "a1", "added": [], "removed": ["pm:x"], "why": "PROFILE"}
        entry = routine_changed(user_id, "r1", {**details, "whys": ["PROFILE", "RATING"]})
        connection.execute(
            insert(NotificationRow).values(
                user_id=user_id, kind=entry.kind.value, key=entry.key, payload=entry.payload,
                at=datetime.now(UTC),
            )
        )  # fmt: skip
        # the routine of a newer photo: before, no why, and the inbox said only "Your
        # routine changed"
        new_photo = routine_changed(user_id, "r2", {**details, "why": "NEW_PHOTO"})
        connection.execute(
            insert(NotificationRow).values(
                user_id=user_id, kind=new_photo.kind.value, key=new_photo.key,
                payload=new_photo.payload, at=datetime.now(UTC),
            )
        )  # fmt: skip
    engine.dispose()
    browser.go("#/inbox")
    browser.text("#inbox", "Your routine changed after your profile update and your rating")
    browser.text("#inbox", "Your routine changed with the result of your new photo")
    browser.in_french()
    browser.go("#/inbox")
    browser.text(
        "#inbox", "Votre routine a changé après la mise à jour de votre profil et votre note"
    )
    browser.text("#inbox", "Votre routine a changé avec le résultat de votre nouvelle photo")
    assert browser.severe_console_messages() == []


def test_an_earlier_photo_s_routine_says_it_is_not_the_one_followed(
    browser: Browser, tmp_path: Path
) -> None:
    """Read again from the history, an older photo's routine read "Your routine" as the
    current one does, though the check-ins count from the latest photo's. It now says so and
    links the routine followed."""
    from tests.e2e.test_web_progress import analysed

    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    register(browser, "two-routines@example.com")
    first = analysed(browser, photo)
    browser.go(f"#/routine/{first}")
    browser.find("#routine #am .step")
    assert browser.visible("#not-followed") == []  # the one followed
    second = analysed(browser, photo)
    browser.go(f"#/routine/{first}")
    said = browser.text("#not-followed")
    assert said.startswith("This is the routine of an earlier photo"), said
    link = browser.find("#not-followed a").get_attribute("href")
    assert link.endswith(f"#/routine/{second}"), link
    browser.go(f"#/routine/{second}")
    browser.find(f"#view a[href='#/analysis/{second}']")  # that routine's page is drawn
    assert browser.visible("#not-followed") == []
    assert browser.severe_console_messages() == []
