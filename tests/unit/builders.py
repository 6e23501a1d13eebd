"""Test data for the unit tests: users, appointments, analyses and their stored results."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from metskin.domain.accounts.model import Profile, Role, User
from metskin.domain.analysis.records import Analysis, AnalysisStatus, Media, MediaKind, Stage
from metskin.domain.appointments.model import Appointment, ConsultationType, Hours, WeeklyRule

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
# The care tests' week: a Monday 09:00 UTC (GMT in London), and Monday 9-12 hours, 30-minute slots.
MONDAY_9 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
MONDAY_MORNINGS = (WeeklyRule(0, Hours(time(9), time(12), 30)),)
VIDEO = ConsultationType.VIDEO
IN_PERSON = ConsultationType.IN_PERSON


def utc(*parts: int) -> datetime:
    """`datetime(*parts)` in UTC."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def user(user_id: str, role: Role = Role.PATIENT, **profile: Any) -> User:
    """A user whose phone, when given, is verified unless `phone_verified` says otherwise: no
    SMS goes to a number its owner has not proved (`Profile.sms_number`), and the tests that
    give one stand for a person who did (test_phone_verification.py for those who did not).
    Its email address is verified too, unless `email_verified=False` (test_email_address.py):
    no reminder goes to an address its owner has not proved."""
    if profile.get("phone"):
        profile.setdefault("phone_verified", profile["phone"])
    verified_at = T0 if profile.pop("email_verified", True) else None
    return User(
        user_id,
        f"{user_id}@example.com",
        "hashed:pw",
        role,
        T0,
        Profile(**profile),
        email_verified_at=verified_at,
    )


def appointment(
    appointment_id: str,
    doctor_id: str,
    patient_id: str,
    start: datetime,
    *,
    booked_at: datetime,
    minutes: int = 30,
    consultation_type: ConsultationType = ConsultationType.VIDEO,
) -> Appointment:
    """A booked appointment of `minutes` from `start`."""
    return Appointment(
        appointment_id,
        doctor_id,
        patient_id,
        start,
        start + timedelta(minutes=minutes),
        consultation_type,
        booked_at=booked_at,
    )


def analysis(
    analysis_id: str,
    owner_id: str,
    *,
    days: float = 0,
    status: AnalysisStatus = AnalysisStatus.DONE,
) -> Analysis:
    """An analysis created `days` after T0; DONE ones are finished at 100 %."""
    done = status is AnalysisStatus.DONE
    return Analysis(
        analysis_id,
        owner_id,
        f"media-{analysis_id}",
        status,
        Stage.DONE if done else Stage.MEASURING,
        1.0 if done else 0.5,
        T0 + timedelta(days=days),
    )


def media(
    media_id: str, owner_id: str, size: tuple[int, int], kind: MediaKind = MediaKind.PHOTO
) -> Media:
    """Stored media of `size` (width, height), its object named `uploads/<media_id>`."""
    width, height = size
    name = f"uploads/{media_id}"
    return Media(media_id, owner_id, kind, "image/png", 1, width, height, name, "t", "k", "s", T0)


def result(ok: bool = True, **concerns: float | dict[str, Any]) -> dict[str, Any]:
    """A stored analysis result (the shape of `AnalysisResult.to_dict()`) with these concerns:
    a number is the score, a dict the whole concern entry."""
    return {
        "ok": ok,
        "concerns": {
            name: value if isinstance(value, dict) else {"score": value}
            for name, value in concerns.items()
        },
        "skin_type": {"kind": "combination"},
        "tone": {"ita": 30.0, "monk": 4, "fitzpatrick": "III"},
    }
