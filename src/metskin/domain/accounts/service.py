"""Account use cases: register, log in, refresh, log out, read and update the profile, change
a password, and reset a forgotten one by an emailed link."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from metskin.domain.accounts.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    ResetLinkInvalid,
    SessionEnded,
)
from metskin.domain.accounts.model import (
    UNUSABLE_PASSWORD,
    AccessClaims,
    PasswordReset,
    Profile,
    RefreshToken,
    Role,
    TokenPair,
    User,
    UserSearch,
    canonical_email,
    found_user,
    new_request_id,
    normalise_email,
)
from metskin.domain.accounts.passwords import (
    check_password_strength,
    confirm_password,
    end_api_keys,
)
from metskin.domain.accounts.ports import (
    AccessTokenCodec,
    AccountsUnitOfWork,
    AccountsUowFactory,
    LoginAttempts,
    PasswordHasher,
    PasswordResetTokens,
    RefreshTokenRepository,
)
from metskin.domain.accounts.profile import apply_profile_changes
from metskin.domain.accounts.release import offer_release
from metskin.domain.accounts.sms_consent import messages_chosen
from metskin.domain.errors import Conflict, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Job
from metskin.domain.money.model import local_currency, seed_table
from metskin.domain.ports import Clock, CreatedKey
from metskin.domain.recommendations.jobs import CARE_FIELDS, REFRESH_ROUTINE, WHY_PROFILE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Session:
    user: User
    tokens: TokenPair


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The actors that send the account's emails (workers/accounts.py).
SEND_WELCOME_EMAIL = "send_welcome_email"
SEND_PASSWORD_RESET_EMAIL = "send_password_reset_email"
SEND_PASSWORD_CHANGED_EMAIL = "send_password_changed_email"
SEND_INVITATION_EMAIL = "send_invitation_email"
RESET_LINK_INVALID = _(
    "This password reset link is not valid: it has expired, was already used, or the password "
    "was changed since. Ask for a new one."
)


@dataclass(eq=False)
class AccountService:
    uow_factory: AccountsUowFactory
    hasher: PasswordHasher
    access_tokens: AccessTokenCodec
    clock: Clock
    refresh_lifetime: timedelta
    # The currencies products can be priced in (those with an exchange rate).
    priced_currencies: Callable[[], frozenset[str]] = lambda: seed_table().currencies
    # Reset links (None: no reset by email), and the login backoff a wrong current password
    # counts in (None: limits are off).
    reset_tokens: PasswordResetTokens | None = None
    login_attempts: LoginAttempts | None = None
    # Refuses prescribed actives no product is sold on prescription for ("tretinion"): the
    # catalog's check (`RecommendationService.check_prescribed`); none checks nothing.
    check_prescribed: Callable[[Sequence[str]], None] | None = None
    # Builds the routine the person follows again, saying why (`jobs.WHY_PROFILE`):
    # `RecommendationService.refresh_current`, run before `update_profile` answers.
    rebuild_routine: Callable[[str, str], object] | None = None
    # Plans the person's waiting appointment reminders again in their new zone
    # (`AppointmentService.patient_moved`), run once a changed `time_zone` is saved.
    zone_changed: Callable[[str], object] | None = None
    released_logins: Callable[[AccountsUnitOfWork, str], list[User]] = lambda _uow, _email: []
    _dummy_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def register(
        self,
        email: str,
        password: str | None,
        display_name: str = "",
        role: Role = Role.PATIENT,
        profile_changes: dict[str, Any] | None = None,
        *,
        verified: bool = False,
    ) -> User:
        """A new account; its address is unverified (only the account's own emails go to it)
        until the link of the welcome email comes back, unless `verified` (the demo accounts
        of `metskin seed`). Without a password the account is invited (a dermatologist an
        administrator lists): nobody logs in to it until its owner chooses one with the link
        of the invitation email, sent instead of the welcome (invitation.py). An address held
        unconfirmed is offered to its mailbox's owner (release.py)."""
        address = normalise_email(email)
        if password is not None:
            check_password_strength(password, address)
        now = self.clock()
        changes = {"display_name": display_name, **(profile_changes or {})}
        profile = self._checked(apply_profile_changes(Profile(), changes, now), changes, None)
        user = User(
            id=str(uuid.uuid4()),
            email=address,
            password_hash=(
                self.hasher.hash(password)
                if password is not None
                else UNUSABLE_PASSWORD + secrets.token_hex(16)
            ),
            role=role,
            created_at=now,
            profile=profile,
            email_verified_at=now if verified else None,
        )
        taken = EmailTaken("An account with this email already exists.", field="email")
        with self.uow_factory() as uow:
            if (holder := uow.users.get_by_email(address)) is not None:
                offer_release(uow, holder, now)  # never confirmed: its mailbox's owner may free it
                raise taken
            uow.users.add(user)
            if password is None:
                uow.defer(Job(SEND_INVITATION_EMAIL, {"user_id": user.id, "request": "first"}))
            else:
                uow.defer(Job(SEND_WELCOME_EMAIL, {"user_id": user.id}))
            try:
                uow.commit()
            except Conflict as error:  # a concurrent registration won the race
                raise taken from error
        return user

    def login(self, email: str, password: str) -> Session:
        with self.uow_factory() as uow:
            user = find_by_email(uow, email)
            if user is None or not user.is_active or not user.has_password:
                self.hasher.verify(self._dummy_hash, password)  # same cost as a real check
                user = None
            elif not self.hasher.verify(user.password_hash, password):
                user = None
            if user is None:  # still the login of accounts it was freed from (release.py)
                freed = self.released_logins(uow, email)
                user = next(
                    (u for u in freed if self.hasher.verify(u.password_hash, password)), None
                )
            if user is None:
                raise InvalidCredentials("Email or password is incorrect.")
            if self.hasher.needs_rehash(user.password_hash):
                user.password_hash = self.hasher.hash(password)
                uow.users.save(user)
            tokens = self._issue_tokens(uow, user, family=str(uuid.uuid4()))
            uow.commit()
        return Session(user, tokens)

    def refresh(self, refresh_token: str) -> Session:
        now = self.clock()
        with self.uow_factory() as uow:
            stored = uow.refresh_tokens.get(hash_refresh_token(refresh_token))
            if stored is None:
                raise InvalidRefreshToken("Your session has expired; log in again.")
            if stored.revoked_at is not None:
                # A rotated token used again: someone holds a copy. End the whole session.
                uow.refresh_tokens.revoke_family(stored.family, now)
                uow.commit()
                raise InvalidRefreshToken("Your session has expired; log in again.")
            user = uow.users.get(stored.user_id)
            if not stored.is_usable(now) or user is None or not user.is_active:
                raise InvalidRefreshToken("Your session has expired; log in again.")
            stored.revoked_at = now
            uow.refresh_tokens.save(stored)
            tokens = self._issue_tokens(uow, user, family=stored.family)
            uow.commit()
        return Session(user, tokens)

    def logout(self, refresh_token: str) -> None:
        with self.uow_factory() as uow:
            stored = uow.refresh_tokens.get(hash_refresh_token(refresh_token))
            if stored is not None:
                uow.refresh_tokens.revoke_family(stored.family, self.clock())
                uow.commit()

    def authenticate(self, access_token: str) -> tuple[str, Role]:
        """The caller of a valid access token whose session has not ended (by logout, or when
        a reused refresh token ended it)."""
        claims = self.claims(access_token)
        self.check_session(claims.session)
        return claims.user_id, claims.role

    def claims(self, access_token: str) -> AccessClaims:
        """What a valid access token says, without reading the database: `check_session` must
        still run before the caller is trusted."""
        return self.access_tokens.decode(access_token, self.clock())

    def check_session(self, session: str) -> None:
        """Raise SessionEnded when the session has ended (one SELECT)."""
        with self.uow_factory() as uow:
            require_live_session(uow.refresh_tokens, session, self.clock())

    def get_user(self, user_id: str) -> User:
        with self.uow_factory() as uow:
            return found_user(uow.users.get(user_id))

    def get_users(self, user_ids: list[str]) -> list[User]:
        with self.uow_factory() as uow:
            return uow.users.list_by_ids(user_ids)

    def list_users(
        self,
        after: CreatedKey | None,
        limit: int,
        role: Role | None = None,
        search: str | None = None,
    ) -> list[User]:
        """Accounts oldest first, of `role`, whose name or address holds `search` (UserSearch)."""
        found = UserSearch.of(search)
        with self.uow_factory() as uow:
            return uow.users.list_page(after, limit, role, found)

    def users_by_name(
        self,
        after: tuple[str, str] | None,
        limit: int,
        role: Role | None = None,
        search: str | None = None,
    ) -> list[User]:
        """Accounts by the name shown (the address without one), without case or accents
        (`User.sort_name`), of `role`, whose name or address holds `search`."""
        found = UserSearch.of(search)
        with self.uow_factory() as uow:
            return uow.users.list_by_name(after, limit, role, found)

    def update_profile(self, user_id: str, changes: dict[str, Any]) -> User:
        """A change to what the routine is built from (`CARE_FIELDS`) rebuilds the routine
        before this answers (`rebuild_routine`; a client's read right after would otherwise
        save it first, told without its why), and tells why; the job queued with it does it
        again should this one fail (finding it done, it changes nothing)."""
        with self.uow_factory() as uow:
            user = found_user(uow.users.get(user_id))
            updated = apply_profile_changes(user.profile, changes, self.clock())
            before, user.profile = user.profile, self._checked(updated, changes, user.profile)
            uow.users.save(user)
            messages_chosen(uow, user, before, self.clock())  # SMS history, emails on again
            care = any(getattr(before, name) != getattr(user.profile, name) for name in CARE_FIELDS)
            if care:
                uow.defer(Job(REFRESH_ROUTINE, {"user_id": user_id, "why": WHY_PROFILE}))
            uow.commit()
        if care and self.rebuild_routine is not None:
            try:
                self.rebuild_routine(user_id, WHY_PROFILE)
            except Exception:  # the profile is saved; the job rebuilds it
                log.warning("routine not rebuilt in the request", exc_info=True)
        if before.time_zone != user.profile.time_zone and self.zone_changed is not None:
            try:
                self.zone_changed(user_id)
            except Exception:  # the profile is saved; a reminder keeps its old hour
                log.warning("reminders not planned again in the new zone", exc_info=True)
        return user

    def stop_emails(self, email: str) -> bool:
        """The one-click unsubscribe of the address an email went to: that account's emails are
        turned off (as the profile's checkbox does). False when no active account has it now."""
        with self.uow_factory() as uow:
            user = uow.users.get_by_email(email)
            if user is None or not user.is_active:
                return False
            if user.profile.email_opt_in:
                user.profile = replace(user.profile, email_opt_in=False)
                uow.users.save(user)
                uow.commit()
        return True

    def change_password(
        self, user_id: str, session: str, current_password: str, new_password: str
    ) -> None:
        """The signed-in person's new password. A wrong current one counts in the login
        backoff as a failed login does; every other session of the account ends (this one,
        `session`, stays signed in); the person is told by email."""
        now = self.clock()
        with self.uow_factory() as uow:
            user = uow.users.get(user_id, for_update=True)
            if user is None or not user.is_active:
                raise SessionEnded("This session has ended; log in again.")
            wrong = _("Your current password is not right.")
            refused = InvalidCredentials.translatable(wrong, "current_password")
            confirm_password(self.hasher, self.login_attempts, user, current_password, refused)
            self._replace_password(uow, user, new_password, now, keep_session=session)
        if self.login_attempts is not None:
            self.login_attempts.succeeded(user.email)

    def request_password_reset(self, email: str) -> None:
        """Queue the reset email for this address. The same answer whether an account has it
        or not (the worker looks it up: the request does the same work either way)."""
        normalise_email(email)  # a malformed address is refused, known or not
        with self.uow_factory() as uow:
            payload = {"email": email.strip(), "request": new_request_id()}
            uow.defer(Job(SEND_PASSWORD_RESET_EMAIL, payload))
            uow.commit()

    def password_reset(self, email: str) -> PasswordReset | None:
        """For the reset email: a token for the active account of this address (None when
        there is none, or no reset tokens are configured; no token, for an address not
        confirmed: `User.reset_by_email`)."""
        if self.reset_tokens is None:
            return None
        with self.uow_factory() as uow:
            user = find_by_email(uow, email)
        if user is None or not user.is_active:
            return None
        if not user.reset_by_email:
            return PasswordReset(user.id, None, 0)
        token = self.reset_tokens.issue(user.id, user.password_hash, self.clock())
        minutes = int(self.reset_tokens.lifetime.total_seconds() // 60)
        return PasswordReset(user.id, token, minutes)

    def reset_password(self, token: str, new_password: str) -> None:
        """Set a new password with a reset link's token: it works once (the new password's
        hash no longer matches it), until it expires, and not after any other change of the
        password. Every session of the account ends; the person is told by email."""
        now = self.clock()
        invalid = ResetLinkInvalid.translatable(RESET_LINK_INVALID, "token")
        user_id = self.reset_tokens.subject(token, now) if self.reset_tokens else None
        if user_id is None or self.reset_tokens is None:
            raise invalid
        with self.uow_factory() as uow:
            # Locked: of two uses of one link at once, the second finds the hash changed.
            user = uow.users.get(user_id, for_update=True)
            if user is None or not user.is_active:
                raise invalid
            # An unconfirmed address only by a link support sent to it (support.py)
            allowed = user.reset_by_email or self.reset_tokens.vouched_for(token, user.email)
            if not allowed or not self.reset_tokens.bound_to(token, user.password_hash):
                raise invalid
            user.email_verified_at = user.email_verified_at or now  # invited, or vouched for
            self._replace_password(uow, user, new_password, now, keep_session=None)
        if self.login_attempts is not None:  # the owner of the mailbox may log in at once
            self.login_attempts.succeeded(user.email)

    def _replace_password(
        self,
        uow: AccountsUnitOfWork,
        user: User,
        password: str,
        now: datetime,
        keep_session: str | None,
    ) -> None:
        check_password_strength(password, user.email, "new_password")
        user.password_hash = self.hasher.hash(password)
        uow.users.save(user)
        uow.refresh_tokens.revoke_user(user.id, now, keep_family=keep_session)
        # One a thief made would outlive the change; the email says how many ended, so that
        # an integrator whose service stops working learns why.
        revoked = end_api_keys(uow.api_keys, user.id, now)
        changed = {"user_id": user.id, "changed_at": now.isoformat(), "keys_revoked": revoked}
        uow.defer(Job(SEND_PASSWORD_CHANGED_EMAIL, changed))
        uow.commit()

    def _checked(
        self, profile: Profile, changes: dict[str, Any], before: Profile | None
    ) -> Profile:
        """The cleaned `profile` with the checks that need other components: its prescribed
        actives (when they change) and its currency (`_priced`)."""
        if changes.get("prescribed") is not None and self.check_prescribed is not None:
            self.check_prescribed(profile.prescribed)
        return self._priced(profile, changes, before)

    def _priced(self, profile: Profile, changes: dict[str, Any], before: Profile | None) -> Profile:
        """A currency products can be priced in. Unless the person chose one, a new profile's
        follows its time zone (or locale), and later changes of zone move it along while it is
        still the one the old zone gave."""
        priced = self.priced_currencies()
        if changes.get("currency") is not None:
            if profile.currency not in priced:
                unpriced = _("We cannot price products in {currency} yet; choose one of: {priced}.")
                raise ValidationFailed.translatable(
                    unpriced,
                    "currency",
                    currency=profile.currency,
                    priced=", ".join(sorted(priced)),
                )
            return profile
        if before is None or before.currency == local_currency(
            before.time_zone, before.locale, priced
        ):
            profile.currency = local_currency(profile.time_zone, profile.locale, priced)
        return profile

    def _issue_tokens(self, uow: AccountsUnitOfWork, user: User, family: str) -> TokenPair:
        now = self.clock()
        access, access_expires = self.access_tokens.issue(user.id, user.role, now, family)
        refresh = secrets.token_urlsafe(32)
        uow.refresh_tokens.add(
            RefreshToken(
                token_hash=hash_refresh_token(refresh),
                user_id=user.id,
                family=family,
                expires_at=now + self.refresh_lifetime,
                created_at=now,
            )
        )
        return TokenPair(access, refresh, access_expires)


def find_by_email(uow: AccountsUnitOfWork, email: str) -> User | None:
    """The account of this address however it is written, also one stored before
    canonical_email (lower case only)."""
    address = canonical_email(email)
    legacy = email.strip().lower()
    user = uow.users.get_by_email(address)
    if user is None and legacy != address:
        user = uow.users.get_by_email(legacy)
    return user


def require_live_session(tokens: RefreshTokenRepository, session: str, now: datetime) -> None:
    """Raise SessionEnded when the session has ended (one SELECT), in the caller's unit of
    work: `check_session`, or a read for the viewer that owes the check (`me { analyses }`)."""
    if not tokens.family_active(session, now):
        raise SessionEnded("This session has ended; log in again.")
