"""Every link the product sends opens the right page (issue 14, point 2).

Each message template (every email, its SMS and calendar invite) is rendered with a real
appointment, through the container's renderer and the public URL; every URL in it must start
with METSKIN_PUBLIC_URL, answer 200 from the app, and be the page it names: an app page that
`web/app.js` routes (and whose appointment the patient can read), or the /learn pages.
"""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

import metskin.web
from metskin.bootstrap import Container
from metskin.domain.appointments.messages import (
    AppointmentMessage,
    AppointmentNotice,
    calendar_attachment,
    email_context,
    sms_text,
)
from metskin.domain.appointments.model import ConsultationType
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient
from tests.integration.test_care_booking import day_slots, make_doctor

PUBLIC = "https://care.example"
URL = re.compile(r"https?://[^\s\"'<>]+")
APP_ROUTES = re.compile(r"path: /\^(.+?)\$/")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The container and client fixtures (tests/conftest.py) build on these settings."""
    return make_settings(tmp_path, database_url=database_url, public_url=PUBLIC + "/")


def template_names() -> set[str]:
    folder = resources.files("metskin").joinpath("templates/mail")
    return {f.name.removesuffix(".subject.j2") for f in folder.iterdir() if ".subject." in f.name}


def app_routes() -> list[re.Pattern[str]]:
    """The hash routes of the web app, as Python patterns."""
    source = (Path(metskin.web.__file__).parent / "app.js").read_text()
    return [re.compile(p.replace("\\/", "/")) for p in APP_ROUTES.findall(source)]


def messages(container: Container, appointment_id: str) -> dict[str, list[str]]:
    """Every message, rendered for this appointment: template name -> its texts."""
    renderer, settings = container.messenger.renderer, container.messenger.settings
    notice = AppointmentNotice(
        name="Maya",
        doctor_name="Dr Test",
        practice_name="Skin Clinic",
        address="1 High Street, London",
        consultation_type=ConsultationType.IN_PERSON,
        start_utc=day_slots()[0],
        time_zone="Europe/London",
        manage_url=settings.manage_url(appointment_id),
    )
    rendered: dict[str, list[str]] = {}
    for kind in AppointmentMessage:
        hours = 24 if kind is AppointmentMessage.REMINDER else None
        previous = notice.start_utc - timedelta(days=1)
        context = email_context(
            kind,
            notice,
            reason="The clinic is closed." if kind is AppointmentMessage.CANCELLED else "",
            hours_before=hours,
            previous_start_utc=previous if kind is AppointmentMessage.RESCHEDULED else None,
        )
        email = renderer.render_email(kind.template, "maya@example.com", context)
        invite = calendar_attachment(
            kind,
            notice,
            uid="u@metskin",
            end_utc=notice.start_utc + timedelta(minutes=30),
            sequence=0,
            stamp=notice.start_utc,
            organizer_email="care@example.com",
            attendee_email="maya@example.com",
        )
        ics = invite.content.decode().replace("\r\n ", "") if invite else ""
        texts = [email.subject, email.html, email.text, sms_text(kind, notice, hours_before=hours)]
        rendered[kind.template] = [*texts, ics]
    welcome_context = {"name": "Maya", "token": "w.e-l_c", "days": 7}  # with its verify link
    welcome = renderer.render_email("welcome", "maya@example.com", welcome_context)
    rendered["welcome"] = [welcome.subject, welcome.html, welcome.text]
    context = {"name": "Maya", "due_day": "Monday 30 November 2026", "weeks": 4}
    check_in = renderer.render_email("check_in_due", "maya@example.com", context)
    rendered["check_in_due"] = [check_in.subject, check_in.html, check_in.text]
    for template, extra in (
        ("password_reset", {"token": "a.b-c_d", "minutes": 30}),
        ("password_changed", {}),
        ("password_reset_unconfirmed", {"release_token": "r.e-l_e"}),
        ("address_release", {"token": "r.e-l_e", "hours": 24}),
        ("verify_email", {"token": "v.e-r_i", "days": 7}),
        ("email_change", {"token": "c.h-a_n", "minutes": 60, "new_email": "new@example.com"}),
        ("email_change_notice", {"new_email": "new@example.com"}),
        ("invitation", {"token": "i.n-v_i", "days": 7}),
    ):
        email = renderer.render_email(template, "maya@example.com", {"name": "Maya", **extra})
        rendered[template] = [email.subject, email.html, email.text]
    return rendered


async def test_every_link_in_every_message_opens_its_page(
    container: Container, client: GraphQLClient
) -> None:
    doctor = make_doctor(container)
    await client.register("maya@example.com")
    booked = await client.data(
        """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }""",
        input={
            "slotStart": day_slots()[0].isoformat(),
            "dermatologistId": doctor.id,
            "consultationType": "IN_PERSON",
        },
    )
    appointment_id = booked["bookAppointment"]["id"]
    rendered = messages(container, appointment_id)
    assert set(rendered) == template_names()  # a new template must be added here

    routes, followed = app_routes(), set()
    for template, texts in rendered.items():
        urls = {url.rstrip(".,)") for text in texts for url in URL.findall(text)}
        assert urls, f"{template} holds no link"
        for url in urls:
            assert url.startswith(PUBLIC + "/"), (template, url)
            path = url.removeprefix(PUBLIC)
            page = await client.http.get(path)
            assert page.status_code == 200, (template, url)
            page_path = re.split(r"[?#]", path)[0]  # the query and the fragment are the page's
            await assert_right_page(client, page_path, page, routes, appointment_id)
            followed.add(page_path)
    assert {f"/appointments/{appointment_id}", "/analyse", "/learn"} <= followed
    assert {"/reset-password", "/forgot-password"} <= followed


async def assert_right_page(
    client: GraphQLClient,
    path: str,
    page: httpx.Response,
    routes: list[re.Pattern[str]],
    appointment_id: str,
) -> None:
    if path == "/learn":
        assert "<h1>Learn about your skin</h1>" in page.text and "/learn/acne-basics" in page.text
        return
    if path.startswith("/learn/"):
        assert "not medical advice" in page.text
        return
    assert '<main id="view"' in page.text and "/static/app.js" in page.text, path
    assert any(route.fullmatch(path) for route in routes), f"app.js has no route for {path}"
    if match := re.fullmatch(r"/appointments/([^/]+)", path):
        assert match.group(1) == appointment_id
        shown: dict[str, Any] = await client.data(
            "query($id: ID!) { appointment(id: $id) { id status cancellableUntil } }",
            id=match.group(1),
        )
        assert shown["appointment"]["status"] == "BOOKED"


async def test_app_pages_and_unknown_paths(client: GraphQLClient) -> None:
    for path in ("/appointments/abc", "/analyses/abc", "/analyse", "/admin"):
        page = await client.http.get(path)
        assert page.status_code == 200 and '<main id="view"' in page.text, path
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
    for path in ("/appointments", "/appointments/a/b", "/nothing", "/learn/nothing"):
        assert (await client.http.get(path)).status_code == 404, path


def test_links_without_a_public_url_follow_the_served_address(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, host="0.0.0.0", port=8123)
    assert settings.effective_public_url == "http://127.0.0.1:8123"
    served = settings.model_copy(update={"host": "app.internal", "port": 9000})
    assert served.effective_public_url == "http://app.internal:9000"
    assert (
        make_settings(tmp_path, public_url="https://x.example/").public_url == "https://x.example"
    )
    with pytest.raises(ValueError, match="METSKIN_PUBLIC_URL"):
        make_settings(tmp_path, public_url="care.example")
