"""In-memory fakes of the ports, for unit tests of the domain."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from metskin.domain.accounts.model import RefreshToken, Role, User
from metskin.domain.analysis.errors import CorruptMedia
from metskin.domain.analysis.media import MediaLimits, MediaType
from metskin.domain.analysis.ports import ObjectMissing, PreparedMedia, StageProgress
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisOutput,
    AnalysisSummary,
    Media,
    Stage,
)
from metskin.domain.errors import Conflict, Unauthenticated
from metskin.domain.messages import Event, Job, OutgoingEmail, OutgoingSms


class FakeUserRepository:
    def __init__(self) -> None:
        self.rows: dict[str, User] = {}

    def add(self, user: User) -> None:
        self.rows[user.id] = copy.deepcopy(user)

    def get(self, user_id: str) -> User | None:
        return copy.deepcopy(self.rows.get(user_id))

    def get_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self.rows.values() if u.email == email), None)

    def list_by_ids(self, user_ids: list[str]) -> list[User]:
        return [copy.deepcopy(self.rows[i]) for i in user_ids if i in self.rows]

    def list_page(
        self, after: tuple[datetime, str] | None, limit: int, role: Role | None
    ) -> list[User]:
        users = sorted(self.rows.values(), key=lambda u: (u.created_at, u.id))
        users = [u for u in users if role is None or u.role == role]
        users = [u for u in users if after is None or (u.created_at, u.id) > after]
        return copy.deepcopy(users[:limit])

    def save(self, user: User) -> None:
        self.rows[user.id] = copy.deepcopy(user)


class FakeRefreshTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[str, RefreshToken] = {}

    def add(self, token: RefreshToken) -> None:
        self.rows[token.token_hash] = copy.deepcopy(token)

    def get(self, token_hash: str) -> RefreshToken | None:
        return copy.deepcopy(self.rows.get(token_hash))

    def revoke_family(self, family: str, when: datetime) -> None:
        for token in self.rows.values():
            if token.family == family and token.revoked_at is None:
                token.revoked_at = when

    def save(self, token: RefreshToken) -> None:
        self.rows[token.token_hash] = copy.deepcopy(token)


class FakeSentNotificationLog:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, str]] = {}

    def was_sent(self, dedupe_key: str) -> bool:
        return dedupe_key in self.keys

    def record(self, dedupe_key: str, channel: str, recipient: str, when: datetime) -> None:
        self.keys[dedupe_key] = (channel, recipient)


class FakeMediaRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Media] = {}

    def add(self, media: Media) -> None:
        self.rows[media.id] = copy.deepcopy(media)

    def get(self, media_id: str) -> Media | None:
        return copy.deepcopy(self.rows.get(media_id))

    def list_by_ids(self, media_ids: list[str]) -> list[Media]:
        return [copy.deepcopy(self.rows[i]) for i in media_ids if i in self.rows]


class FakeAnalysisRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Analysis] = {}
        self.results: dict[str, tuple[dict[str, Any], str | None]] = {}

    def add(self, analysis: Analysis) -> None:
        self.rows[analysis.id] = copy.deepcopy(analysis)

    def get(self, analysis_id: str, *, for_update: bool = False) -> Analysis | None:
        return copy.deepcopy(self.rows.get(analysis_id))

    def save(self, analysis: Analysis) -> None:
        self.rows[analysis.id] = copy.deepcopy(analysis)

    def list_for_owner(
        self, owner_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[Analysis]:
        mine = [a for a in self.rows.values() if a.owner_id == owner_id]
        mine.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        mine = [a for a in mine if before is None or (a.created_at, a.id) < before]
        return copy.deepcopy(mine[:limit])

    def add_result(
        self, analysis_id: str, result: dict[str, Any], overlay_name: str | None
    ) -> None:
        if analysis_id in self.results:
            raise Conflict("duplicate result")
        self.results[analysis_id] = (result, overlay_name)

    def get_results(self, analysis_ids: list[str]) -> dict[str, tuple[dict[str, Any], str | None]]:
        return {i: self.results[i] for i in analysis_ids if i in self.results}

    def list_unfinished(self) -> list[str]:
        return [a.id for a in self.rows.values() if not a.status.finished]


class FakeUnitOfWork:
    """Shares its repositories across instances; `committed` holds released messages."""

    def __init__(self) -> None:
        self.users = FakeUserRepository()
        self.refresh_tokens = FakeRefreshTokenRepository()
        self.sent_notifications = FakeSentNotificationLog()
        self.media = FakeMediaRepository()
        self.analyses = FakeAnalysisRepository()
        self.fail_next_commit: Exception | None = None
        self.dispatch: Callable[[list[Job | Event]], None] | None = None
        self.released: list[Job | Event] = []
        self.commits = 0
        self._pending: list[Job | Event] = []
        self._snapshot: dict[str, Any] = {}

    def __call__(self) -> Self:
        return self

    def __enter__(self) -> Self:
        self._pending = []
        self._snapshot = self._copy_state()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def _copy_state(self) -> dict[str, Any]:
        return {
            "users": copy.deepcopy(self.users.rows),
            "tokens": copy.deepcopy(self.refresh_tokens.rows),
            "sent": dict(self.sent_notifications.keys),
            "media": copy.deepcopy(self.media.rows),
            "analyses": copy.deepcopy(self.analyses.rows),
            "results": dict(self.analyses.results),
        }

    def defer(self, message: Job | Event) -> None:
        self._pending.append(message)

    def commit(self) -> None:
        if self.fail_next_commit is not None:
            error, self.fail_next_commit = self.fail_next_commit, None
            raise error
        self.commits += 1
        released, self._pending = self._pending, []
        self.released.extend(released)
        if self.dispatch is not None:
            self.dispatch(released)
        self._snapshot = self._copy_state()

    def rollback(self) -> None:
        self._pending = []
        if self._snapshot:
            self.users.rows = self._snapshot["users"]
            self.refresh_tokens.rows = self._snapshot["tokens"]
            self.sent_notifications.keys = self._snapshot["sent"]
            self.media.rows = self._snapshot["media"]
            self.analyses.rows = self._snapshot["analyses"]
            self.analyses.results = self._snapshot["results"]


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

    def issue(self, user_id: str, role: Role, now: datetime) -> tuple[str, datetime]:
        expires = now + self.lifetime
        return f"{user_id}|{role.value}|{expires.timestamp()}", expires

    def decode(self, token: str, now: datetime) -> tuple[str, Role]:
        try:
            user_id, role, expires = token.split("|")
        except ValueError as error:
            raise Unauthenticated("bad token") from error
        if float(expires) <= now.timestamp():
            raise Unauthenticated("expired")
        return user_id, Role(role)


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

    async def subscribe(self, channel: str, on_ready: Callable[[], None] | None = None
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
    """Accepts anything sniffed; 'corrupt' in the bytes makes it CORRUPT_MEDIA."""

    def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
        if b"corrupt" in data:
            raise CorruptMedia("damaged")
        return PreparedMedia(media_type, data, b"thumb", 640, 480)


class FakeEngine:
    """Reports each stage; `failures` raises the queued errors on the next runs."""

    def __init__(self) -> None:
        self.runs = 0
        self.failures: list[Exception] = []

    def run(
        self, media: Media, data: bytes, progress: StageProgress, skin_type: str | None
    ) -> AnalysisOutput:
        self.runs += 1
        for stage in (Stage.DECODING, Stage.FACE_MESH, Stage.MEASURING):
            progress(stage, 0.5)
            progress(stage, 1.0)
        if self.failures:
            raise self.failures.pop(0)
        summary = AnalysisSummary(ok=True, confidence=0.9, ita_deg=30.0, monk=5)
        return AnalysisOutput({"ok": True, "bytes": len(data)}, summary, b"png")
