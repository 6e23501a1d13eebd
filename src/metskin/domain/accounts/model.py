"""Accounts: users, roles and the care profile."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from metskin.domain.errors import NotFound, ValidationFailed
from metskin.domain.i18n.letters import fold
from metskin.domain.i18n.marks import _

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SKIN_TYPES = ("oily", "dry", "combination", "normal")
CONCERNS = (
    "acne",
    "wrinkles",
    "pigmentation",
    "redness",
    "pores",
    "dark_circles",
    "shine",
    "dryness",
    "sensitivity",
)
SEXES = ("female", "male", "other", "undisclosed")
# A password hash that no password verifies: an invited account's until its owner chooses a
# password with the invitation link (domain/accounts/invitation.py). No hasher writes it.
UNUSABLE_PASSWORD = "!"


class Role(StrEnum):
    PATIENT = "patient"
    DERMATOLOGIST = "dermatologist"
    ADMIN = "admin"


def canonical_email(email: str) -> str:
    """The one form an address is stored and looked up in: trimmed, composed (NFC), in lower
    case, with each punycode label of its domain (`xn--...`) in Unicode, so that
    `Jörg@BÜCHER.de`, `jörg@xn--bcher-kva.de` and the address typed with a decomposed `ö` are
    one account. It does not validate (`normalise_email` does)."""
    text = unicodedata.normalize("NFC", email.strip()).lower()
    local, at, domain = text.rpartition("@")
    labels = _unicode_labels(domain)
    return f"{local}@{'.'.join(labels)}" if at and labels is not None else text


def _unicode_labels(domain: str) -> list[str] | None:
    """The domain's labels with each `xn--` label decoded; None when one does not decode to a
    label with a non-ASCII letter (IDNA: `xn--abc-` is no name for `abc`)."""
    labels = domain.split(".")
    for index, label in enumerate(labels):
        if not label.startswith("xn--"):
            continue
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            return None
        if decoded.isascii():
            return None
        labels[index] = unicodedata.normalize("NFC", decoded).lower()
    return labels


def normalise_email(email: str) -> str:
    """The canonical form of a valid address; refuses control, invisible (format) and
    separator characters (a NUL or a zero-width space makes an address no mail reaches), and a
    domain with an empty label (`example..com`; `example.com.` would be a second account for
    the mailbox of `example.com`)."""
    cleaned = canonical_email(email)
    labels = _unicode_labels(cleaned.rpartition("@")[2])
    if (
        len(cleaned) > 254
        or not EMAIL_PATTERN.match(cleaned)
        or labels is None
        or "" in labels
        or any(unicodedata.category(c)[0] in "CZ" for c in cleaned)
    ):
        raise ValidationFailed.translatable(_("Enter a valid email address."), "email")
    return cleaned


@dataclass
class Profile:
    display_name: str = ""
    birth_year: int | None = None
    sex: str = "undisclosed"
    skin_type: str | None = None  # self-reported
    concerns: list[str] = field(default_factory=list)
    pregnant: bool = False
    breastfeeding: bool = False
    allergies: list[str] = field(default_factory=list)  # ingredient avoid-list
    # Prescription-only actives a doctor prescribed ("tretinoin"): only these go in routines.
    prescribed: list[str] = field(default_factory=list)
    budget_per_product: int | None = None  # whole currency units
    budget_total: int | None = None
    currency: str = "EUR"
    locale: str = "en-GB"
    time_zone: str = "Europe/London"
    phone: str | None = None
    email_opt_in: bool = True
    sms_opt_in: bool = False
    # The number its owner proved to hold (a code sent to it, domain/accounts/phone.py). Kept
    # apart from `phone`: changing the number leaves this one behind, so the new one is
    # unverified until its own code comes back.
    phone_verified: str | None = None

    @property
    def is_phone_verified(self) -> bool:
        return self.phone is not None and self.phone == self.phone_verified

    @property
    def sms_number(self) -> str | None:
        """The number every SMS goes to; None when none may go: the person must have asked
        for them and proved the number is theirs (a typo would text a stranger about their
        dermatology appointments). Every sender asks this, and only this."""
        return self.phone if self.sms_opt_in and self.is_phone_verified else None


SORT_NAME_LENGTH = 191  # characters: indexed with the id on MariaDB (4 bytes each)
# Between a name's letters and its accented form: below every character a name or an address
# may hold (both refuse control characters), so "zoe" < "zoë" < "zoe smith" < "zoella".
_SORT_SEPARATOR = "\x01"


def sort_name(display_name: str, email: str) -> str:
    """The key people are listed by name with: the name shown (the address without one),
    folded (`fold`), then its accented, case-folded form to order "zoe" before "zoë"; cut to
    SORT_NAME_LENGTH. Stored with the account (`users.sort_name`) and compared as code points
    everywhere (Python, SQLite's BINARY, MariaDB's utf8mb4_nopad_bin), so one order holds in
    memory and on both engines, and a cursor made on one continues on the others."""
    shown = display_name or email
    accented = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", shown).casefold())
    return f"{fold(shown)}{_SORT_SEPARATOR}{accented}"[:SORT_NAME_LENGTH]


SEARCH_LENGTH = 100


@dataclass(frozen=True)
class UserSearch:
    """Accounts whose name shown or address holds a text, without case or accents: the
    folded text in the stored key (`sort_name`), or the text in lower case in the address
    (stored in lower case)."""

    name: str
    email: str

    @classmethod
    def of(cls, text: str | None) -> UserSearch | None:
        """None for no text (or only spaces); too long is VALIDATION_FAILED on `search`."""
        words = " ".join((text or "").split())
        if len(words) > SEARCH_LENGTH:
            too_long = _("Search for at most {count} characters.")
            raise ValidationFailed.translatable(too_long, "search", count=SEARCH_LENGTH)
        if not words:
            return None
        return cls(fold(words), unicodedata.normalize("NFC", words).lower())

    def matches(self, user: User) -> bool:
        return self.name in user.sort_name or self.email in user.email


@dataclass
class User:
    id: str
    email: str
    password_hash: str
    role: Role
    created_at: datetime
    profile: Profile = field(default_factory=Profile)
    is_active: bool = True
    # When its owner proved `email` is theirs (a signed link sent to it, or a password reset
    # by one; domain/accounts/email_address.py). None: only the account's own emails go to it.
    email_verified_at: datetime | None = None
    # The newest change of address asked for (its request id, in its link): an earlier link,
    # to an address mistyped and then corrected, no longer moves the account (migration 0027).
    email_change_request: str | None = None

    @property
    def sort_name(self) -> str:
        return sort_name(self.profile.display_name, self.email)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_password(self) -> bool:
        """False for an invited account whose owner has not chosen a password yet (nobody can
        log in to it; the invitation or a reset link sets one)."""
        return not self.password_hash.startswith(UNUSABLE_PASSWORD)

    @property
    def reset_by_email(self) -> bool:
        """Whether a password reset link may go to the address: not while an account with a
        password has not confirmed it (it may be mistyped: the link would give its reader the
        account). An invited account with no password yet may: its invitation link gives it
        to the mailbox anyway."""
        return self.email_verified or not self.has_password


@dataclass
class RefreshToken:
    """A stored refresh token. Only its hash is kept; `family` links rotations."""

    token_hash: str
    user_id: str
    family: str
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class AccessClaims:
    """What an access token says: who, in which role, in which session (refresh token family:
    logging out ends the session, and so the access tokens issued in it)."""

    user_id: str
    role: Role
    session: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime


@dataclass(frozen=True)
class PasswordReset:
    """What the reset email carries: whose it is, the token of its link, for how long; no
    token (None) for an address its account never confirmed."""

    user_id: str
    token: str | None
    valid_minutes: int


def found_user(user: User | None) -> User:
    """The user a use case was asked about; NotFound when there is none."""
    if user is None:
        raise NotFound(_("User not found."))
    return user


def new_request_id() -> str:
    """A fresh id for a queued send (its dedupe key): asking again sends again."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class EmailLink:
    """What an emailed link carries (to verify or change an address, accept an invitation,
    free an address held unconfirmed): whose it is, where it goes (`to`), the token of its
    link, and for how long it works."""

    user_id: str
    to: str
    token: str
    valid_hours: int
    previous: str = ""  # a change: the address it replaces (the notice goes there)


def link_hours(lifetime: timedelta | None) -> int:
    """A link's lifetime in whole hours, as its email says it (0: it does not expire)."""
    return int(lifetime.total_seconds() // 3600) if lifetime else 0
