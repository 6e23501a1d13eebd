"""Account mutations: register, log in and out, refresh tokens, edit the profile, change a
password and reset a forgotten one."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.errors import SessionEnded
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import negotiate
from metskin.domain.i18n.marks import _
from metskin.graphql.accounts.types import AuthPayload, ProfileInput, RegisterInput, User
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation

NULLABLE_PROFILE_FIELDS = {"birth_year", "skin_type", "budget_per_product", "budget_total", "phone"}


def _reject_bad_nulls(changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is None and name not in NULLABLE_PROFILE_FIELDS:
            raise ValidationFailed.translatable(_("{name} cannot be cleared."), name, name=name)
    return changes


def _asked_locale(info: Info) -> str | None:
    """The supported locale the request's `Accept-Language` asks for (the web app sends the
    language its pages are in); None when it names none."""
    headers = getattr(info.context.request, "headers", None) or {}
    asked = headers.get("accept-language")
    return negotiate(asked) if asked and asked.strip() else None


def signed_in_session(info: Info, refused: str) -> tuple[str, str]:
    """(user id, session) of a caller who logged in with a password (not an API key): the
    changes of the account's credentials keep that session and end the others."""
    viewer = info.context.require_viewer()
    if viewer.session is None:
        raise SessionEnded(refused)
    return viewer.user_id, viewer.session


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Create a patient account and log in.")
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        accounts = info.context.container.accounts
        user = await run_sync(
            accounts.register,
            input.email,
            input.password,
            input.display_name,
            profile_changes=input.profile_changes(_asked_locale(info)),
        )
        if input.photo_consent:  # the box ticked at sign-up: the first record of the history
            await run_sync(info.context.container.photo_consent.give, user.id)
        session = await run_sync(accounts.login, input.email, input.password)
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Log in with email and password.")
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        session = await run_sync(info.context.container.accounts.login, email, password)
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Trade a refresh token for new tokens (it rotates).")
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        session = await run_sync(info.context.container.accounts.refresh, refresh_token)
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="End the session that this refresh token belongs to.")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        await run_sync(info.context.container.accounts.logout, refresh_token)
        return True

    @guarded_mutation(IsAuthenticated)
    async def update_profile(self, info: Info, input: ProfileInput) -> User:
        viewer = info.context.require_viewer()
        changes = _reject_bad_nulls(input.changes())
        user = await run_sync(
            info.context.container.accounts.update_profile, viewer.user_id, changes
        )
        return User.from_domain(user)

    @guarded_mutation(
        IsAuthenticated,
        description="Change the signed-in person's password. A wrong current password counts "
        "as a failed login. Every other session of the account ends; this one stays signed in. "
        "The account's API keys are revoked (make new ones).",
    )
    async def change_password(self, info: Info, current_password: str, new_password: str) -> bool:
        user_id, session = signed_in_session(info, "Log in with your password to change it.")
        accounts = info.context.container.accounts
        await run_sync(accounts.change_password, user_id, session, current_password, new_password)
        return True

    @strawberry.mutation(
        description="Email a password reset link to this address if an account has it. The "
        "answer is true either way (it does not say whether the address has an account)."
    )
    async def request_password_reset(self, info: Info, email: str) -> bool:
        await run_sync(info.context.container.accounts.request_password_reset, email)
        return True

    @strawberry.mutation(
        description="Set a new password with the token of a reset link; every session and API "
        "key of the account ends. RESET_LINK_INVALID when the link expired, was used or is not "
        "genuine."
    )
    async def reset_password(self, info: Info, token: str, new_password: str) -> bool:
        await run_sync(info.context.container.accounts.reset_password, token, new_password)
        return True
