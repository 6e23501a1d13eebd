"""The per-request context: the container, the caller and per-request DataLoaders."""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, TypeVar

import anyio.to_thread
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from metskin.adapters.db.away import without_trying
from metskin.adapters.pause import Pause
from metskin.bootstrap import Container
from metskin.domain.accounts.errors import SessionEnded
from metskin.domain.accounts.model import Role, User
from metskin.domain.accounts.service import AccountService
from metskin.domain.analysis.records import Media
from metskin.domain.apikeys.model import KeyUse
from metskin.domain.directory.model import Dermatologist
from metskin.domain.errors import DomainError, Unauthenticated, Unavailable
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.recommendations.catalog import Product
from metskin.domain.recommendations.model import FormerProduct
from metskin.domain.referrals.model import ReferralRecord
from metskin.graphql.i18n import LazyTranslator, payload_language, request_locale

T = TypeVar("T")
log = logging.getLogger(__name__)

# The HTTP request being served (`request_scope`, `context_for_token`) and whether the code on
# this task asked for its viewer (`Context.require_viewer`): `run_sync` reads both.
_REQUEST: ContextVar[Context | None] = ContextVar("metskin_request", default=None)
_ASKED: ContextVar[bool] = ContextVar("metskin_viewer_asked", default=False)

# A person's locale wanted on the event loop is read in one of these threads, and the loop waits
# LOCALE_WAIT_S for it at most: a read takes about a millisecond (the margin is for a busy
# host), and a database that has stopped answering (up to its 30 s read timeout) leaves that
# request in English instead of holding up every request the process serves.
# After a wait ran out, requests do not wait on that database again for LOCALE_PAUSE_S.
LOCALE_WAIT_S = 1.0
LOCALE_PAUSE_S = 10.0
_LOCALE_READS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="metskin-locale")
_LOCALE_PAUSES: weakref.WeakKeyDictionary[AccountService, Pause] = weakref.WeakKeyDictionary()


async def run_sync(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking use case in a worker thread, off the event loop. While the request's
    session check is owed (or found the session ended), it runs in the same thread call, before
    the use case (`Context.in_session`): one hop, not two."""
    call = partial(fn, *args, **kwargs)
    context = _REQUEST.get()
    if context is not None and context.unsettled:
        call = partial(context.in_session, call, _ASKED.get())
    return await anyio.to_thread.run_sync(call)


async def run_sync_checking(use_case: Callable[[str | None], T]) -> T:
    """As `run_sync`, for a use case run for the viewer that does the session check the request
    still owes itself, in its own unit of work (one transaction, not two):
    `use_case(session)` checks `session` first when it is not None, raising SessionEnded when
    it has ended (`Context.checked_by`)."""
    context = _REQUEST.get()
    if context is not None and context.unsettled:
        return await anyio.to_thread.run_sync(context.checked_by, use_case)
    return await anyio.to_thread.run_sync(use_case, None)


def defer_limits(context: Context, check: Callable[[], None]) -> bool:
    """Owe the operation's rate-limit check to the request's first `run_sync` (it runs there
    before the session check and the use case: one hop, not two). False when `run_sync` does
    not serve this context (not an HTTP request): the caller checks now."""
    if _REQUEST.get() is not context:
        return False
    context._limits = check
    return True


@contextmanager
def request_scope() -> Iterator[None]:
    """Around one HTTP request: what `run_sync` reads starts empty and is put back after."""
    request, asked = _REQUEST.set(None), _ASKED.set(False)
    try:
        yield
    finally:
        _ASKED.reset(asked)
        _REQUEST.reset(request)


def _on_event_loop() -> bool:
    """Whether this thread runs the event loop (a DataLoader is primed only there)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@dataclass
class Viewer:
    user_id: str
    role: Role
    session: str | None = None  # the access token's session (none for an API key)


StoredResult = tuple[dict[str, Any], str | None]


def batch_loader(fetch: Callable[[list[str]], Any]) -> DataLoader[str, Any]:
    """A DataLoader over one blocking batch use case, run off the event loop: `fetch(ids)`
    returns a mapping by id, or objects that carry their `id`; a missing id loads as None."""

    async def load(ids: list[str]) -> list[Any]:
        found = await run_sync(fetch, list(ids))
        by_id = found if isinstance(found, Mapping) else {item.id: item for item in found}
        return [by_id.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _request_translator(context: weakref.ref[Context], container: Container) -> Translator:
    """The translator of the request whose context this is; English once the context is gone
    (nothing translates for a request after it: a reference does not keep it)."""
    found = context()
    if found is None:
        return container.translations.translator(request_locale(None))
    return found._request_translator()


def make_referral_loader(context: Context) -> DataLoader[str, ReferralRecord | None]:
    """Only referrals the viewer may read; a dermatologist's reads are audited in one batch."""

    def fetch(ids: list[str]) -> list[ReferralRecord]:
        viewer = context.require_viewer()
        return context.container.sharing.referrals_for(viewer.user_id, viewer.role, ids)

    return batch_loader(fetch)


@dataclass
class Context:
    container: Container
    request: Any = None
    response: Any = None
    viewer: Viewer | None = None
    auth_error: DomainError | None = None
    connection_params: dict[str, Any] | None = None
    api_key: KeyUse | None = None  # the request acts through this key (graphql/apikeys/)
    api_key_error: DomainError | None = None  # a key was sent and refused: nothing runs
    _translator: Translator | None = field(default=None, init=False, repr=False)
    pages: dict[Any, Any] = field(default_factory=dict)  # read ahead by a parent (pagination)
    _session: str | None = field(default=None, init=False, repr=False)  # its check is owed
    # The access token the request came with, kept for a live stream's later checks.
    token: str | None = field(default=None, init=False, repr=False)
    _ended: DomainError | None = field(default=None, init=False, repr=False)
    _session_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _limits: Callable[[], None] | None = field(default=None, init=False, repr=False)  # owed
    limited: DomainError | None = field(default=None, init=False)  # the rate limit refused it

    # The per-request DataLoaders, each made on first use (most requests use one or none).
    @cached_property
    def user_loader(self) -> DataLoader[str, User | None]:
        return batch_loader(self.container.accounts.get_users)

    @cached_property
    def media_loader(self) -> DataLoader[str, Media | None]:
        return batch_loader(self.container.media.get_many)

    @cached_property
    def result_loader(self) -> DataLoader[str, StoredResult | None]:
        return batch_loader(self.container.analyses.results)

    @cached_property
    def product_loader(self) -> DataLoader[str, Product | None]:
        return batch_loader(self.container.recommendations.products_by_id)

    @cached_property
    def former_product_loader(self) -> DataLoader[str, FormerProduct | None]:
        return batch_loader(self.container.recommendations.no_longer_sold)

    @cached_property
    def dermatologist_loader(self) -> DataLoader[str, Dermatologist | None]:
        return batch_loader(self.container.directory.get_many)

    @cached_property
    def referral_loader(self) -> DataLoader[str, ReferralRecord | None]:
        return make_referral_loader(self)

    @property
    def translator(self) -> Translator:
        """The request's language: its `Accept-Language` (the web app sends the profile's),
        else the signed-in person's profile locale, else English. Found on the first text it
        translates: a resolver that only holds it (a poll of a running analysis) reads no
        profile."""
        if self._translator is None:
            # Found through a weak reference: a translator holding its context would make a
            # reference cycle of every request, garbage only the cyclic collector frees.
            found = partial(_request_translator, weakref.ref(self), self.container)
            self._translator = LazyTranslator(found)
        return self._translator

    def _request_translator(self) -> Translator:
        headers = getattr(self.request, "headers", None)
        if asked := payload_language(self.connection_params):  # a websocket's connection_init
            headers = {"accept-language": asked}
        return self.container.translations.translator(request_locale(headers, self._profile_locale))

    def _profile_locale(self) -> str | None:
        """Read once, on the first text to translate of a request that names no language. The
        user comes from `user_loader` when a resolver has loaded them already (`me`), and what
        is read here primes the loader when nothing has asked for them yet, so a request reads its
        viewer once. A root field beside `me` that translates while `me`'s read is
        under way can still read them a second time: this runs synchronously and cannot wait.
        On the event loop the read runs in another thread, waited for briefly (`_read_users`)."""
        if self.viewer is None:
            return None
        user_id = self.viewer.user_id
        loaded = self.user_loader.cache_map.get(user_id)
        if loaded is not None and loaded.done() and not loaded.cancelled():
            user = None if loaded.exception() else loaded.result()
            if user is not None:
                return user.profile.locale
        try:
            users = self._read_users([user_id])
        except (Unavailable, TimeoutError):  # the database is down or slow: English, no wait
            return None
        except Exception:  # anything else: English too, not a crash, and said in the log
            log.exception("The person's locale could not be read")
            return None
        if not users:
            return None
        if loaded is None and _on_event_loop():  # a later load of them reads nothing
            self.user_loader.prime(user_id, users[0])
        return users[0].profile.locale

    def _read_users(self, user_ids: list[str]) -> list[User]:
        """The users, read in this thread, or from the event loop in another one, waited for
        LOCALE_WAIT_S at most (TimeoutError after, and at once for LOCALE_PAUSE_S then)."""
        accounts = self.container.accounts
        if not _on_event_loop():
            return accounts.get_users(user_ids)
        pause = _LOCALE_PAUSES.setdefault(accounts, Pause(LOCALE_PAUSE_S))
        if pause.now():
            raise TimeoutError("The database was slow to answer just now.")
        # Never the one try of a database that is away: that try waits out its timeout.
        read = _LOCALE_READS.submit(without_trying, partial(accounts.get_users, user_ids))
        try:
            return read.result(timeout=LOCALE_WAIT_S)
        except TimeoutError:
            pause.start()
            raise
        finally:
            read.cancel()  # not begun yet: no read for an answer nobody waits for

    def require_viewer(self) -> Viewer:
        _ASKED.set(True)  # what this task runs next acts for the viewer (`in_session`)
        if self.viewer is None:
            raise self.auth_error or Unauthenticated(_("Log in to do this."))
        return self.viewer

    def optional_viewer(self) -> Viewer | None:
        """The viewer or None, for a read that also answers without one: asking counts as for
        `require_viewer` (a read made for them raises if their session has ended)."""
        _ASKED.set(True)
        return self.viewer

    @property
    def unsettled(self) -> bool:
        """A check is owed (rate limit, session) or refused the request."""
        return (
            self._session is not None
            or self._ended is not None
            or self._limits is not None
            or self.limited is not None
        )

    @property
    def limits_owed(self) -> bool:
        return self._limits is not None

    def settle_limits(self) -> None:
        """In a worker thread: the owed rate-limit check, when no use case ran it."""
        with self._session_lock:
            self._run_limits()

    def _pass_limits(self) -> None:
        """Under the lock: the owed rate-limit check; raises when it refused the request."""
        self._run_limits()
        if self.limited is not None:
            raise self.limited

    def _run_limits(self) -> None:
        """The owed rate-limit check (`defer_limits`), once; a refusal is kept in `limited`
        and raised by every use case of the request from then on."""
        check, self._limits = self._limits, None
        if check is None:
            return
        try:
            check()
        except DomainError as error:
            self.limited = error

    def settle_session(self) -> None:
        """The session check the token owes (`trust_claims`), once: an ended session leaves the
        request without a viewer. Another error (the database away) leaves it owed."""
        if self._session is not None:
            try:
                self.container.accounts.check_session(self._session)
            except DomainError as error:
                self._end_session(error)
            self._session = None

    def _end_session(self, error: DomainError) -> None:
        """The session check found the session ended: no viewer from now on."""
        self.viewer, self.auth_error, self._ended = None, error, error

    def in_session(self, call: Callable[[], T], asked: bool) -> T:
        """In a worker thread, before a use case: the rate-limit check the operation owes
        (`defer_limits`), then the session check the token still owes, each run once (a
        concurrent call waits for them). Refused by the rate limit, nothing runs. When the
        session has ended the request has no viewer from then on, and a use case run for the
        viewer (`asked`) raises, as it would have had the check run before anything; one that
        did not ask runs without a viewer."""
        with self._session_lock:
            self._pass_limits()
            self.settle_session()
        if asked and self._ended is not None:
            raise self._ended
        return call()

    def checked_by(self, use_case: Callable[[str | None], T]) -> T:
        """As `in_session` for a use case run for the viewer, handed the session check the
        token still owes (`run_sync_checking`). Concurrent calls of the request wait until it
        has run; when it finds the session ended the request has no viewer from then on, as
        `settle_session` leaves it. Another error leaves the check owed."""
        with self._session_lock:
            self._pass_limits()
            session = self._session
            if session is not None:
                try:
                    found = use_case(session)
                except SessionEnded as error:
                    self._end_session(error)
                    self._session = None
                    raise
                self._session = None
                return found
        if self._ended is not None:
            raise self._ended
        return use_case(None)


async def as_viewer(info: Info, use_case: Callable[..., T], *args: Any) -> T:
    """Run a use case that takes the caller's id and role first (raises when nobody is
    logged in)."""
    viewer = info.context.require_viewer()
    return await run_sync(use_case, viewer.user_id, viewer.role, *args)


def viewer_id_of(info: Info) -> str:
    """The logged-in caller's id (raises when nobody is logged in)."""
    return str(info.context.require_viewer().user_id)


def context_for_token(container: Container, authorization: str | None, **extra: Any) -> Context:
    """The context of an HTTP request's bearer token (inside `request_scope`): the token is read
    here, its session checked by the request's first `run_sync`, in the same hop."""
    context = Context(container=container, **extra)
    _REQUEST.set(context)
    _ASKED.set(False)
    trust_claims(context, authorization)
    return context


def trust_claims(context: Context, authorization: str | None) -> None:
    """The token's caller, their session check owed (`Context.in_session`)."""
    token = _bearer_token(authorization)
    if not token:
        return
    try:
        claims = context.container.accounts.claims(token)
    except DomainError as error:
        context.viewer, context.auth_error = None, error
        return
    context.viewer, context.auth_error = Viewer(claims.user_id, claims.role, claims.session), None
    context._session = claims.session
    context.token = token


async def authenticate(context: Context, authorization: str | None) -> None:
    """The token's caller, their session checked now, in a worker thread (a websocket, which
    `run_sync`'s deferred check does not serve): the event loop never waits on the database."""
    trust_claims(context, authorization)
    if context._session is not None:
        await anyio.to_thread.run_sync(context.settle_session)


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
