"""The .ics invite, parsed back line by line as a calendar client would (RFC 5545)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metskin.domain.appointments.calendar import ics_invite, invite_attachment
from metskin.domain.errors import ValidationFailed

START = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
STAMP = datetime(2026, 5, 1, 12, 0, 5, tzinfo=UTC)


@dataclass(frozen=True)
class Prop:
    name: str
    params: dict[str, str]
    value: str


def split_outside_quotes(text: str, separator: str, limit: int = -1) -> list[str]:
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == separator and not quoted and limit != 0:
            parts.append(current)
            current, limit = "", limit - 1
            continue
        current += ch
    return [*parts, current]


def parse(ics: bytes) -> list[Prop]:
    """Check the physical lines (CRLF, 75 octets, whole UTF-8), unfold, split each property."""
    assert ics.endswith(b"\r\n")
    physical = ics.split(b"\r\n")[:-1]
    for raw in physical:
        assert len(raw) <= 75, raw
        assert b"\r" not in raw and b"\n" not in raw
        raw.decode("utf-8")  # a fold never cuts a character in two
    logical: list[str] = []
    for raw in physical:
        line = raw.decode("utf-8")
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    props = []
    for line in logical:
        head, value = split_outside_quotes(line, ":", limit=1)
        name, *params = split_outside_quotes(head, ";")
        props.append(Prop(name, dict(p.split("=", 1) for p in params), value))
    return props


def unescape(value: str) -> str:
    out, chars = "", iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out += "\n" if nxt in "nN" else nxt
        else:
            assert ch not in ",;", f"unescaped {ch!r} in TEXT {value!r}"
            out += ch
    return out


def event(props: list[Prop]) -> dict[str, Prop]:
    """The VEVENT's properties by name, each present once."""
    names = [p.name for p in props]
    inside = props[names.index("BEGIN", 1) + 1 : names.index("END")]
    by_name = {p.name: p for p in inside}
    assert len(by_name) == len(inside), "a property appears twice"
    return by_name


def invite(**overrides: object) -> bytes:
    values: dict[str, object] = {
        "uid": "appt-42@metskin",
        "start_utc": START,
        "end_utc": START + timedelta(minutes=30),
        "summary": "Skin appointment with Dr Rui Costa",
        "description": "Video consultation. See or change it at https://metskin.test/a/42",
        "location": "Rua Augusta 10, 2º, Lisboa",
        "organizer_email": "clinic@example.org",
        "attendee_email": "ana@example.org",
        "sequence": 0,
        "method": "REQUEST",
        "stamp": STAMP,
    }
    values.update(overrides)
    return ics_invite(**values)  # type: ignore[arg-type]


def test_a_request_has_the_calendar_and_event_structure() -> None:
    props = parse(invite(organizer_name="Clínica Sol", attendee_name="Ana"))

    names = [p.name for p in props]
    assert names[:2] == ["BEGIN", "VERSION"] and props[0].value == "VCALENDAR"
    assert [(p.name, p.value) for p in props if p.name in ("BEGIN", "END")] == [
        ("BEGIN", "VCALENDAR"),
        ("BEGIN", "VEVENT"),
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    calendar = {p.name: p.value for p in props[: names.index("BEGIN", 1)]}
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["PRODID"]
    vevent = event(props)
    assert vevent["UID"].value == "appt-42@metskin"
    assert vevent["DTSTAMP"].value == "20260501T120005Z"
    assert vevent["DTSTART"].value == "20260504T083000Z"
    assert vevent["DTEND"].value == "20260504T090000Z"
    assert vevent["SEQUENCE"].value == "0"
    assert vevent["STATUS"].value == "CONFIRMED"
    assert unescape(vevent["LOCATION"].value) == "Rua Augusta 10, 2º, Lisboa"
    assert vevent["ORGANIZER"].value == "mailto:clinic@example.org"
    assert vevent["ORGANIZER"].params["CN"] == '"Clínica Sol"'
    assert vevent["ATTENDEE"].value == "mailto:ana@example.org"
    assert vevent["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"


def test_local_times_are_written_in_utc_with_z() -> None:
    lisbon = ZoneInfo("Europe/Lisbon")
    start = datetime(2026, 7, 1, 9, 30, tzinfo=lisbon)  # WEST, UTC+1

    vevent = event(parse(invite(start_utc=start, end_utc=start + timedelta(hours=1))))

    assert vevent["DTSTART"].value == "20260701T083000Z"
    assert vevent["DTEND"].value == "20260701T093000Z"


def test_a_cancellation_keeps_the_uid_and_marks_the_event_cancelled() -> None:
    booked = event(parse(invite(sequence=0)))
    moved = event(
        parse(
            invite(
                sequence=1,
                start_utc=START + timedelta(days=1),
                end_utc=START + timedelta(days=1, minutes=30),
            )
        )
    )
    props = parse(invite(sequence=2, method="CANCEL"))
    cancelled = event(props)

    assert next(p.value for p in props if p.name == "METHOD") == "CANCEL"
    assert cancelled["STATUS"].value == "CANCELLED"
    assert booked["UID"] == moved["UID"] == cancelled["UID"]
    assert [int(e["SEQUENCE"].value) for e in (booked, moved, cancelled)] == [0, 1, 2]
    assert moved["DTSTART"].value == "20260505T083000Z"


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    summary = "Consulta de pele — " + "ação é ótima 😊 " * 20

    props = parse(invite(summary=summary))

    assert unescape(event(props)["SUMMARY"].value) == summary
    assert invite(summary=summary).count(b"\r\n ") > 3


def test_special_characters_are_escaped_and_line_breaks_become_backslash_n() -> None:
    description = "Bring: a list; your products,\r\nand C:\\notes\nsee you"

    raw = invite(description=description)
    vevent = event(parse(raw))

    assert b"DESCRIPTION:Bring: a list\\; your products\\,\\nand C:\\\\notes\\nsee you" in raw
    assert unescape(vevent["DESCRIPTION"].value) == description.replace("\r\n", "\n")


def test_names_in_parameters_are_quoted_without_inner_quotes() -> None:
    vevent = event(parse(invite(organizer_name='Clinic "Sol": Lisbon; Porto')))

    assert vevent["ORGANIZER"].params["CN"] == '"Clinic Sol: Lisbon; Porto"'
    assert vevent["ORGANIZER"].value == "mailto:clinic@example.org"


text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(",;\\\n"), max_size=300
)


@settings(max_examples=150, deadline=None)
@given(summary=text, description=text, location=text)
def test_any_text_round_trips(summary: str, description: str, location: str) -> None:
    vevent = event(parse(invite(summary=summary, description=description, location=location)))

    assert unescape(vevent["SUMMARY"].value) == summary
    for name, value in (("DESCRIPTION", description), ("LOCATION", location)):
        if value:
            assert unescape(vevent[name].value) == value
        else:
            assert name not in vevent


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_utc": datetime(2026, 5, 4, 8, 30)}, "start_utc"),
        ({"stamp": datetime(2026, 5, 1)}, "stamp"),
        ({"end_utc": START}, "end_utc"),
        ({"sequence": -1}, "sequence"),
        ({"method": "PUBLISH"}, "method"),
        ({"uid": "x\r\nATTENDEE:mailto:evil@example.org"}, "uid"),
        ({"attendee_email": "ana@example.org\nX-INJECTED:1"}, "attendee_email"),
        ({"organizer_email": ""}, "organizer_email"),
    ],
)
def test_bad_input_is_rejected(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        invite(**overrides)

    assert caught.value.field == field


def test_the_attachment_names_the_method() -> None:
    request = invite_attachment(b"BEGIN:VCALENDAR\r\n", "REQUEST")
    cancel = invite_attachment(b"BEGIN:VCALENDAR\r\n", "CANCEL")

    assert (request.filename, request.content_type) == (
        "invite.ics",
        "text/calendar; charset=utf-8; method=REQUEST",
    )
    assert (cancel.filename, cancel.content_type) == (
        "cancellation.ics",
        "text/calendar; charset=utf-8; method=CANCEL",
    )
