"""Users and refresh tokens: tables, mappers to the domain, repositories."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Index,
    Row,
    String,
    UniqueConstraint,
    and_,
    bindparam,
    or_,
    true,
    update,
)
from sqlalchemy import select as sa_select
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.repository import SqlRepository, values_of
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.accounts.model import (
    SORT_NAME_LENGTH,
    Profile,
    RefreshToken,
    Role,
    User,
    UserSearch,
)
from metskin.domain.accounts.phone_delivery import (
    DeliveryProblem,
    DeliveryState,
    PhoneCodeDelivery,
)
from metskin.domain.ports import CreatedKey

# An address is compared as stored (`canonical_email` made it one form): MariaDB's table
# collation (utf8mb4_unicode_ci) took "jörg@bücher.de" and "jorg@bucher.de", or "ß" and "ss",
# for one address (migration 0018). SQLite compares bytes already.
EMAIL = String(254).with_variant(String(254, collation="utf8mb4_bin"), "mysql", "mariadb")
# `User.sort_name`, compared as code points on every engine (as Python compares it): SQLite's
# BINARY already; on MariaDB a binary collation without PAD SPACE (utf8mb4_bin would take
# "a" and "a " for one, and order "a" after "a\x01..."). Migration 0024.
SORT_NAME = String(SORT_NAME_LENGTH).with_variant(
    String(SORT_NAME_LENGTH, collation="utf8mb4_nopad_bin"), "mysql", "mariadb"
)


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        Index("ix_users_sort_name", "sort_name", "id"),  # a dermatologist's patients
        Index("ix_users_role_sort_name", "role", "sort_name", "id"),  # accounts of a role
        Index("ix_users_phone", "phone"),  # a reply to our SMS number (migration 0030)
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    email: str = Field(sa_type=EMAIL)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, index=True)
    is_active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    display_name: str = Field(default="", max_length=80)
    birth_year: int | None = None
    sex: str = Field(default="undisclosed", max_length=16)
    skin_type: str | None = Field(default=None, max_length=16)
    concerns: list[str] = Field(default_factory=list, sa_type=JSON)
    pregnant: bool = False
    breastfeeding: bool = False
    allergies: list[str] = Field(default_factory=list, sa_type=JSON)
    # Null in the rows from before it (0017): read as none.
    prescribed: list[str] | None = Field(default_factory=list, sa_type=JSON)
    budget_per_product: int | None = None
    budget_total: int | None = None
    currency: str = Field(default="EUR", max_length=3)
    locale: str = Field(default="en-GB", max_length=16)
    time_zone: str = Field(default="Europe/London", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    email_opt_in: bool = True
    sms_opt_in: bool = False
    phone_verified: str | None = Field(default=None, max_length=20)  # migration 0020
    # Consent for learning (the labels component reads and writes these two).
    learning_consent: bool = False
    learning_consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # 0022
    email_change_request: str | None = Field(default=None, max_length=36)  # 0027
    # The name or address folded for listing by name (`User.sort_name`), written with every
    # save of the user (`_copy_user`); migration 0024.
    sort_name: str = Field(default="", sa_type=SORT_NAME)


class RefreshTokenRow(SQLModel, table=True):
    __tablename__ = "refresh_tokens"
    __table_args__ = MYSQL_TABLE_ARGS

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="users.id", max_length=36, index=True, ondelete="CASCADE")
    family: str = Field(max_length=36, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


PROFILE_COLUMNS = tuple(f.name for f in fields(Profile))
_USERS = core_table(UserRow)
_USERS_BY_ID = sa_select(_USERS).where(_USERS.c.id.in_(bindparam("ids", expanding=True)))
_USER_BY_ID = sa_select(_USERS).where(_USERS.c.id == bindparam("id"))  # no IN to expand


def user_to_domain(row: UserRow | Row[Any]) -> User:
    """From an ORM row or a plain Core row of the table (the same names)."""
    profile = Profile(**{name: getattr(row, name) for name in PROFILE_COLUMNS})
    profile.concerns = list(profile.concerns or [])
    profile.allergies = list(profile.allergies or [])
    profile.prescribed = list(profile.prescribed or [])
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=Role(row.role),
        created_at=row.created_at,
        profile=profile,
        is_active=row.is_active,
        email_verified_at=row.email_verified_at,
        email_change_request=row.email_change_request,
    )


def _copy_user(user: User, row: UserRow) -> UserRow:
    row.email = user.email
    row.password_hash = user.password_hash
    row.role = user.role.value
    row.is_active = user.is_active
    row.email_verified_at = user.email_verified_at
    row.email_change_request = user.email_change_request
    row.sort_name = user.sort_name
    for name, value in asdict(user.profile).items():
        setattr(row, name, value)
    return row


class SqlUserRepository(SqlRepository[UserRow, User]):
    row_type = UserRow
    to_domain = staticmethod(user_to_domain)
    update_row = staticmethod(_copy_user)

    def get_by_email(self, email: str) -> User | None:
        return self.first(select(UserRow).where(UserRow.email == email))

    def ids_with_verified_phone(self, phone: str) -> list[str]:
        """By the index on `phone` (migration 0030), for a reply to our SMS number; never a
        locking read (each account is then locked by id)."""
        mine = select(UserRow.id).where(
            UserRow.phone == phone, UserRow.phone_verified == phone, col(UserRow.is_active)
        )
        return sorted(self._session.exec(mine))

    def list_by_ids(self, user_ids: list[str]) -> list[User]:
        """Plain Core rows mapped straight to the domain (every caller only reads them; the
        viewer's read of each `me`)."""
        if not user_ids:
            return []
        if len(user_ids) == 1:  # an IN of one costs its expansion, per read: half the SELECT
            rows = self._session.connection().execute(_USER_BY_ID, {"id": user_ids[0]})
        else:
            rows = self._session.connection().execute(_USERS_BY_ID, {"ids": user_ids})
        return [user_to_domain(row) for row in rows]

    def list_page(
        self,
        after: CreatedKey | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        return self.page_where(_kept(role, search), after, limit, newest=False)

    def list_by_name(
        self,
        after: tuple[str, str] | None,
        limit: int,
        role: Role | None,
        search: UserSearch | None = None,
    ) -> list[User]:
        """On `ix_users_role_sort_name` (`ix_users_sort_name` without a role)."""
        condition = _kept(role, search)
        return self.page_where(condition, after, limit, newest=False, order=("sort_name", "id"))


def _kept(role: Role | None, search: UserSearch | None) -> ColumnElement[bool]:
    """Of the role, and holding the search's text: both columns compare bytes (the key is
    folded, the address stored in lower case), and the text's % and _ are literal."""
    condition: ColumnElement[bool] = true() if role is None else col(UserRow.role) == role.value
    if search is not None:
        holds = or_(
            col(UserRow.sort_name).contains(search.name, autoescape=True),
            col(UserRow.email).contains(search.email, autoescape=True),
        )
        condition = and_(condition, holds)
    return condition


REFRESH_TOKEN_FIELDS = tuple(f.name for f in fields(RefreshToken))
_TOKENS = core_table(RefreshTokenRow)
_FAMILY_ACTIVE = (
    sa_select(_TOKENS.c.token_hash)
    .where(_TOKENS.c.family == bindparam("family"))
    .where(_TOKENS.c.revoked_at.is_(None))
    .where(_TOKENS.c.expires_at > bindparam("now"))
    .limit(1)
)


class SqlRefreshTokenRepository(SqlRepository[RefreshTokenRow, RefreshToken]):
    row_type = RefreshTokenRow
    key_field = "token_hash"

    def to_domain(self, row: RefreshTokenRow) -> RefreshToken:
        return RefreshToken(**values_of(row, REFRESH_TOKEN_FIELDS))

    def new_row(self, token: RefreshToken) -> RefreshTokenRow:
        return RefreshTokenRow(**asdict(token))

    def update_row(self, token: RefreshToken, row: RefreshTokenRow) -> RefreshTokenRow:
        row.revoked_at = token.revoked_at
        return row

    def family_active(self, family: str, now: datetime) -> bool:
        """Checked on every authenticated request: a Core statement built once."""
        found = self._session.connection().execute(_FAMILY_ACTIVE, {"family": family, "now": now})
        return found.first() is not None

    def revoke_family(self, family: str, when: datetime) -> None:
        self._session.execute(
            update(RefreshTokenRow)
            .where(col(RefreshTokenRow.family) == family)
            .where(col(RefreshTokenRow.revoked_at).is_(None))
            .values(revoked_at=when)
        )

    def revoke_user(self, user_id: str, when: datetime, keep_family: str | None = None) -> None:
        statement = (
            update(RefreshTokenRow)
            .where(col(RefreshTokenRow.user_id) == user_id)
            .where(col(RefreshTokenRow.revoked_at).is_(None))
        )
        if keep_family is not None:
            statement = statement.where(col(RefreshTokenRow.family) != keep_family)
        self._session.execute(statement.values(revoked_at=when))


class PhoneCodeRow(SQLModel, table=True):
    """How the latest SMS of an account's phone code went (migration 0024)."""

    __tablename__ = "phone_code_deliveries"
    __table_args__ = MYSQL_TABLE_ARGS

    user_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE"
    )
    number: str = Field(max_length=16)  # the number's key, never the number
    state: str = Field(max_length=12)
    at: datetime = Field(sa_type=UTCDateTime)
    problem: str | None = Field(default=None, max_length=16)
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SqlPhoneCodeDeliveries:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> PhoneCodeDelivery | None:
        row = self._session.get(PhoneCodeRow, user_id)
        if row is None:
            return None
        return PhoneCodeDelivery(
            row.user_id,
            row.number,
            DeliveryState(row.state),
            row.at,
            DeliveryProblem(row.problem) if row.problem else None,
            row.retry_at,
        )

    def put(self, delivery: PhoneCodeDelivery) -> None:
        row = self._session.get(PhoneCodeRow, delivery.user_id) or PhoneCodeRow(
            user_id=delivery.user_id, number="", state="", at=delivery.at
        )
        row.number, row.state, row.at = delivery.number, delivery.state.value, delivery.at
        row.problem = delivery.problem.value if delivery.problem else None
        row.retry_at = delivery.retry_at
        self._session.add(row)
