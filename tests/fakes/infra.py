"""In-memory fakes of the infrastructure ports: clock, notifier, mail renderer, job queue,
event bus, storage, media preparer, analysis engine, password hasher, access tokens, reset
tokens, landmarker, video frames."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from metskin.domain.accounts.model import AccessClaims, Role
from metskin.domain.analysis.errors import CorruptMedia, UnreadableMedia
from metskin.domain.analysis.media import MediaLimits, MediaType
from metskin.domain.analysis.ports import ObjectMissing, PreparedMedia, StageProgress
from metskin.domain.analysis.records import (
    AnalysisOutput,
    AnalysisSummary,
    Media,
    MediaKind,
    Stage,
)
from metskin.domain.errors import Unauthenticated
from metskin.domain.messages import Event, Job, OutgoingEmail, OutgoingSms


class FakeHasher:
    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeAccessTokens:
    def __init__(self, lifetime: timedelta = timedelta(minutes=15)) -> None:
        self.lifetime = lifetime

    def issue(self, user_id: str, role: Role, now: datetime, session: str) -> tuple[str, datetime]:
        expires = now + self.lifetime
        return f"{user_id}|{role.value}|{expires.timestamp()}|{session}", expires

    def decode(self, token: str, now: datetime) -> AccessClaims:
        try:
            user_id, role, expires, session = token.split("|")
        except ValueError as error:
            raise Unauthenticated("bad token") from error
        if float(expires) <= now.timestamp():
            raise Unauthenticated("expired")
        return AccessClaims(user_id, Role(role), session)


class FakeResetTokens:
    """Readable tokens, `reset|<user>|<expiry>|<password hash>`: valid until the expiry, for
    the hash they carry; the support path's begin `reset for <address>`."""

    def __init__(self, lifetime: timedelta = timedelta(minutes=30)) -> None:
        self.lifetime = lifetime

    def issue(
        self, user_id: str, password_hash: str, now: datetime, vouched_email: str | None = None
    ) -> str:
        kind = "reset" if vouched_email is None else f"reset for {vouched_email}"
        return f"{kind}|{user_id}|{(now + self.lifetime).timestamp()}|{password_hash}"

    def subject(self, token: str, now: datetime) -> str | None:
        parts = token.split("|", 3)
        if len(parts) != 4 or not parts[0].startswith("reset"):
            return None
        return parts[1] if float(parts[2]) > now.timestamp() else None

    def bound_to(self, token: str, password_hash: str) -> bool:
        return token.split("|", 3)[3:] == [password_hash]

    def vouched_for(self, token: str, email: str) -> bool:
        return token.split("|", 1)[0] == f"reset for {email}"


class FakePurposeTokens:
    """Readable tokens of one purpose, `<purpose>|<expiry or ->|<claims as JSON>`: a token of
    another purpose, altered or expired (by the clock given) reads as None."""

    def __init__(self, purpose: str, lifetime: timedelta | None = None) -> None:
        self.purpose, self.lifetime = purpose, lifetime

    def issue(self, claims: Mapping[str, str], now: datetime | None = None) -> str:
        expiry = "-" if self.lifetime is None or now is None else (now + self.lifetime).timestamp()
        return f"{self.purpose}|{expiry}|{json.dumps(dict(claims), sort_keys=True)}"

    def read(self, token: str, now: datetime | None, *names: str) -> dict[str, str] | None:
        purpose, _, rest = token.partition("|")
        expiry, _, text = rest.partition("|")
        if purpose != self.purpose:
            return None
        try:
            if now is not None and expiry != "-" and float(expiry) <= now.timestamp():
                return None
            claims = json.loads(text)
        except ValueError:
            return None
        if not all(isinstance(claims.get(name), str) for name in names):
            return None
        return {name: claims[name] for name in names}

    def fingerprint(self, text: str) -> str:
        return f"fp({text})"

    def same_fingerprint(self, fingerprint: str, text: str) -> bool:
        return fingerprint == self.fingerprint(text)


class FakeNotifier:
    def __init__(self) -> None:
        self.emails: list[OutgoingEmail] = []
        self.sms: list[OutgoingSms] = []

    def send_email(self, email: OutgoingEmail) -> None:
        self.emails.append(email)

    def send_sms(self, sms: OutgoingSms) -> None:
        self.sms.append(sms)


class FakeEventBus:
    def __init__(self) -> None:
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        self.published.append(event)

    def latest(self, channel: str) -> dict[str, Any] | None:
        kept = [e for e in self.published if e.channel == channel and e.keep_latest]
        return kept[-1].payload if kept else None

    async def subscribe(
        self, channel: str, on_ready: Callable[[], None] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        if on_ready is not None:
            on_ready()
        for event in list(self.published):
            if event.channel == channel:
                yield event.payload


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeStorage:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.fail_puts_after: int | None = None

    def put(self, name: str, data: bytes, content_type: str) -> str:
        if self.fail_puts_after is not None and len(self.objects) >= self.fail_puts_after:
            raise OSError("disk full")
        self.objects[name] = data
        return "fake-key"

    def get(self, name: str) -> bytes:
        if name not in self.objects:
            raise ObjectMissing(name)
        return self.objects[name]

    def delete(self, name: str) -> None:
        self.objects.pop(name, None)

    def exists(self, name: str) -> bool:
        return name in self.objects


class FakePreparer:
    """Accepts anything sniffed; 'corrupt' in the bytes makes it CORRUPT_MEDIA; 'plain' leaves
    the thumbnail to the photo's first decode (as a plain JPEG's)."""

    def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
        if b"corrupt" in data:
            raise CorruptMedia("damaged")
        return PreparedMedia(media_type, data, None if b"plain" in data else b"thumb", 640, 480)


class FakeEngine:
    """Reports each stage; `failures` raises the queued errors on the next runs; `frame` (a
    video's measured frame) comes back with a capture when set; `no_face`: the result is a
    retake (a blocking NO_FACE issue), as a landscape's."""

    def __init__(self) -> None:
        self.runs = 0
        self.failures: list[Exception] = []
        self.frame: bytes | None = None
        self.thumbnails = 0
        self.no_face = False

    def thumbnail(self, data: bytes) -> bytes:
        """'undecodable' in the bytes: the decode fails, as a damaged photo's."""
        if b"undecodable" in data:
            raise UnreadableMedia("damaged")
        self.thumbnails += 1
        return b"thumb of " + data[:8]

    def run(
        self, media: Media, data: bytes, progress: StageProgress, stated_skin_type: str | None
    ) -> AnalysisOutput:
        self.runs += 1
        for stage in (Stage.DECODING, Stage.FACE_MESH, Stage.MEASURING):
            progress(stage, 0.5)
            progress(stage, 1.0)
        if self.failures:
            raise self.failures.pop(0)
        summary = AnalysisSummary(ok=True, confidence=0.9, ita_deg=30.0, monk=5)
        result: dict[str, Any] = {"ok": not self.no_face, "bytes": len(data)}
        if self.no_face:
            result["quality"] = [{"code": "NO_FACE", "blocking": True}]
        if self.frame is not None:
            result["capture"] = {"eye_distance_px": 60.0}
        thumbnail = (lambda: b"engine thumb") if media.kind is MediaKind.PHOTO else None
        return AnalysisOutput(result, summary, b"jpeg", self.frame, make_thumbnail=thumbnail)


class FakeMailRenderer:
    """Renders the template name and context into plain text; `rendered` keeps each call."""

    def __init__(self) -> None:
        self.rendered: list[tuple[str, str, dict[str, Any]]] = []
        self.locales: list[str | None] = []  # the locale of each call

    def render_email(
        self, template: str, to: str, context: dict[str, Any], locale: str | None = None
    ) -> OutgoingEmail:
        self.rendered.append((template, to, context))
        self.locales.append(locale)
        text = f"{template}: " + ", ".join(f"{k}={v}" for k, v in sorted(context.items()))
        return OutgoingEmail(to, template, f"<p>{text}</p>", text)


class FakeJobQueue:
    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.up = True

    def enqueue(self, job: Job) -> None:
        self.jobs.append(job)

    def available(self) -> bool:
        return self.up


class FakeLandmarker:
    """Implements `FaceLandmarker` with canned landmarks: returns the faces it was given."""

    def __init__(self, faces: list[np.ndarray] | None = None) -> None:
        self.faces = faces or []
        self.calls = 0

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        self.calls += 1
        return [face.copy() for face in self.faces]


class FakeFrames:
    """A `FrameSource` over frames given in memory."""

    def __init__(self, frames: list[np.ndarray], expected_frames: int | None = None) -> None:
        self.frames = frames
        self.expected_frames = expected_frames

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter([frame.copy() for frame in self.frames])


def rotated_yaw(points: np.ndarray, degrees: float) -> np.ndarray:
    """Landmarks turned about the vertical axis through their centre (a head turned sideways)."""
    angle = np.radians(degrees)
    centre = points.mean(axis=0)
    rotation = np.array(
        [[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]],
        dtype=np.float32,
    )
    result: np.ndarray = (points - centre) @ rotation.T + centre
    return result
