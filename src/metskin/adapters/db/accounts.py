"""Users and refresh tokens: tables, mappers to the domain, repositories."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint, and_, or_, update
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime
from metskin.domain.accounts.model import Profile, RefreshToken, Role, User


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"), MYSQL_TABLE_ARGS)

    id: str = Field(primary_key=True, max_length=36)
    email: str = Field(max_length=254)
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
    budget_per_product: int | None = None
    budget_total: int | None = None
    currency: str = Field(default="EUR", max_length=3)
    locale: str = Field(default="en-GB", max_length=16)
    time_zone: str = Field(default="Europe/London", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    email_opt_in: bool = True
    sms_opt_in: bool = False


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


def user_to_domain(row: UserRow) -> User:
    profile = Profile(**{name: getattr(row, name) for name in PROFILE_COLUMNS})
    profile.concerns = list(profile.concerns or [])
    profile.allergies = list(profile.allergies or [])
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=Role(row.role),
        created_at=row.created_at,
        profile=profile,
        is_active=row.is_active,
    )


def _copy_user(user: User, row: UserRow) -> UserRow:
    row.email = user.email
    row.password_hash = user.password_hash
    row.role = user.role.value
    row.is_active = user.is_active
    for name, value in asdict(user.profile).items():
        setattr(row, name, value)
    return row


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        row = UserRow(
            id=user.id,
            created_at=user.created_at,
            email=user.email,
            password_hash=user.password_hash,
            role=user.role.value,
        )
        self._session.add(_copy_user(user, row))

    def get(self, user_id: str) -> User | None:
        row = self._session.get(UserRow, user_id)
        return user_to_domain(row) if row else None

    def get_by_email(self, email: str) -> User | None:
        row = self._session.exec(select(UserRow).where(UserRow.email == email)).first()
        return user_to_domain(row) if row else None

    def list_by_ids(self, user_ids: list[str]) -> list[User]:
        if not user_ids:
            return []
        rows = self._session.exec(select(UserRow).where(col(UserRow.id).in_(user_ids)))
        return [user_to_domain(row) for row in rows]

    def list_page(
        self, after: tuple[datetime, str] | None, limit: int, role: Role | None
    ) -> list[User]:
        query = select(UserRow).order_by(col(UserRow.created_at), col(UserRow.id)).limit(limit)
        if role is not None:
            query = query.where(UserRow.role == role.value)
        if after is not None:
            created, user_id = after
            query = query.where(
                or_(
                    col(UserRow.created_at) > created,
                    and_(col(UserRow.created_at) == created, col(UserRow.id) > user_id),
                )
            )
        return [user_to_domain(row) for row in self._session.exec(query)]

    def save(self, user: User) -> None:
        row = self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(user.id)
        self._session.add(_copy_user(user, row))


class SqlRefreshTokenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: RefreshToken) -> None:
        self._session.add(RefreshTokenRow(**asdict(token)))

    def get(self, token_hash: str) -> RefreshToken | None:
        row = self._session.get(RefreshTokenRow, token_hash)
        if row is None:
            return None
        return RefreshToken(
            token_hash=row.token_hash,
            user_id=row.user_id,
            family=row.family,
            expires_at=row.expires_at,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )

    def revoke_family(self, family: str, when: datetime) -> None:
        self._session.execute(
            update(RefreshTokenRow)
            .where(col(RefreshTokenRow.family) == family)
            .where(col(RefreshTokenRow.revoked_at).is_(None))
            .values(revoked_at=when)
        )

    def save(self, token: RefreshToken) -> None:
        row = self._session.get(RefreshTokenRow, token.token_hash)
        if row is None:
            raise LookupError(token.token_hash)
        row.revoked_at = token.revoked_at
        self._session.add(row)
