"""An RFC 5545 / RFC 5546 (iTIP) calendar invite for one appointment, as bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from metskin.domain.appointments.model import require_utc
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Attachment

Method = Literal["REQUEST", "CANCEL"]

PRODID = "-//MetSkin//Appointments 1.0//EN"
CRLF = "\r\n"
MAX_LINE_OCTETS = 75  # RFC 5545 3.1, without the CRLF


def ics_invite(
    uid: str,
    start_utc: datetime,
    end_utc: datetime,
    summary: str,
    description: str,
    location: str,
    organizer_email: str,
    attendee_email: str,
    sequence: int,
    method: Method,
    *,
    stamp: datetime,
    organizer_name: str = "",
    attendee_name: str = "",
) -> bytes:
    """A VCALENDAR with one VEVENT, UTF-8 with CRLF line ends and 75-octet folding.

    `sequence` must grow with every change of the event (0 when booked, +1 for each
    reschedule and for the cancellation); `stamp` is when the invite was made (DTSTAMP).
    A CANCEL carries STATUS:CANCELLED, so calendars remove the event with the same UID.
    """
    if method not in ("REQUEST", "CANCEL"):
        unknown = _("unknown iTIP method {method}")
        raise ValidationFailed.translatable(unknown, "method", method=repr(method))
    if sequence < 0:
        raise ValidationFailed(_("sequence cannot be negative"), field="sequence")
    start, end = require_utc(start_utc, "start_utc"), require_utc(end_utc, "end_utc")
    if end <= start:
        raise ValidationFailed(_("an event must end after it starts"), field="end_utc")
    for name, value in (
        ("uid", uid),
        ("organizer_email", organizer_email),
        ("attendee_email", attendee_email),
    ):
        _plain(name, value)

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{format_utc(require_utc(stamp, 'stamp'))}",
        f"DTSTART:{format_utc(start)}",
        f"DTEND:{format_utc(end)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"ORGANIZER{_cn(organizer_name)}:mailto:{organizer_email}",
        f"ATTENDEE{_cn(attendee_name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
        f"RSVP=FALSE:mailto:{attendee_email}",
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")


def invite_attachment(ics: bytes, method: Method) -> Attachment:
    """The invite as an email attachment; the MIME type names the iTIP method."""
    filename = "cancellation.ics" if method == "CANCEL" else "invite.ics"
    return Attachment(filename, f"text/calendar; charset=utf-8; method={method}", ics)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11 TEXT: escape backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in value if ch == "\t" or _printable(ch))


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character.

    Continuation lines start with one space, which counts toward their 75 octets.
    """
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_LINE_OCTETS - 1
        current += ch
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _plain(name: str, value: str) -> None:
    """UIDs and addresses are written unescaped, so they may hold no controls or spaces."""
    if not value or any(ch.isspace() or ord(ch) < 0x20 or ch == '"' for ch in value):
        unplain = _("{name} is empty or holds spaces or control characters")
        raise ValidationFailed.translatable(unplain, name, name=name)


def _cn(name: str) -> str:
    """A quoted CN parameter; DQUOTE and controls cannot appear in a parameter value."""
    cleaned = "".join(ch for ch in name if ch != '"' and _printable(ch))
    return f';CN="{cleaned}"' if cleaned.strip() else ""


def _printable(ch: str) -> bool:
    return ord(ch) >= 0x20 and ord(ch) != 0x7F
