"""Repositories for users and refresh tokens, with mappers to the domain."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from metskin.adapters.db.tables import RefreshTokenRow, UserRow
from metskin.domain.accounts.model import Profile, RefreshToken, Role, User

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
