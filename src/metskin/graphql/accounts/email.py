"""The account's email address: verify it with the emailed link, signed in to the account
(or send the link again),
change it (a link to the new address, a notice to the old one), accept the invitation of
an account made for its owner (its link proves the address too), and free an address held by an
account that never confirmed it (the link its mailbox got, domain/accounts/release.py)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.graphql.accounts.mutations import signed_in_session
from metskin.graphql.accounts.types import AuthPayload
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_mutation


@strawberry.type
class EmailMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Verify the signed-in person's email address with the token of the link emailed to "
        "it at sign-up (valid 7 days). Signed in with the password of the account the link "
        "names (not an API key): whoever reads a mistyped mailbox has the link, not the "
        "account. EMAIL_LINK_INVALID when it expired, is not genuine, is another account's, or "
        "the address changed since; true again for an address already verified.",
    )
    async def verify_email(self, info: Info, token: str) -> bool:
        refused = "Log in with your password to confirm your email address."
        user_id, _ = signed_in_session(info, refused)
        await run_sync(info.context.container.email_addresses.verify, token, user_id)
        return True

    @guarded_mutation(
        IsAuthenticated,
        "Email the signed-in person a new link to verify their address. False when it is "
        "verified already.",
    )
    async def resend_verification_email(self, info: Info) -> bool:
        viewer = info.context.require_viewer()
        addresses = info.context.container.email_addresses
        return await run_sync(addresses.resend_verification, viewer.user_id)

    @guarded_mutation(
        IsAuthenticated,
        "Ask to change the signed-in person's email address: a link (valid 1 hour) goes to "
        "the new address and a notice to the current one; nothing changes until the link is "
        "opened (confirmEmailChange). The password is checked as a login checks it "
        "(INVALID_CREDENTIALS; the login backoff applies). EMAIL_UNCHANGED, EMAIL_TAKEN, "
        "VALIDATION_FAILED for the new address.",
    )
    async def request_email_change(self, info: Info, new_email: str, password: str) -> bool:
        refused = "Log in with your password to change your email address."
        user_id, session = signed_in_session(info, refused)
        addresses = info.context.container.email_addresses
        await run_sync(addresses.request_change, user_id, session, new_email, password)
        return True

    @guarded_mutation(
        IsAuthenticated,
        "Switch the signed-in account to the new address with the token of the link sent "
        "there (signed in with the password of the account the link names, as verifyEmail); "
        "the address is then verified, and every session of the account ends but the one "
        "that asked for the change. EMAIL_LINK_INVALID when it expired, was used, is not "
        "genuine, is another account's, or the password or address changed since; EMAIL_TAKEN "
        "when another account took the address meanwhile.",
    )
    async def confirm_email_change(self, info: Info, token: str) -> bool:
        refused = "Log in with your password to change your email address."
        user_id, _ = signed_in_session(info, refused)
        addresses = info.context.container.email_addresses
        await run_sync(addresses.confirm_change, token, user_id)
        return True

    @strawberry.mutation(
        description="Choose the password of an account someone else made for you (a "
        "dermatologist an administrator listed) with the token of the invitation email's link, "
        "and log in. It verifies the address. The link works once: INVITATION_USED after "
        "(log in instead), INVITATION_EXPIRED after 7 days, INVITATION_INVALID when it is not "
        "genuine; WEAK_PASSWORD (field password) as at sign-up."
    )
    async def accept_invitation(self, info: Info, token: str, password: str) -> AuthPayload:
        container = info.context.container
        user = await run_sync(container.invitations.accept, token, password)
        session = await run_sync(container.accounts.login, user.email, password)
        return AuthPayload.from_session(session)

    @strawberry.mutation(
        description="Free an email address from an account that never confirmed it, with the "
        "token of the link emailed to the address when a sign-up or a password reset hit it "
        "(valid 24 hours, once). Opening the link proves the mailbox: its owner may then sign "
        "up with the address. The account keeps its data and its login, and is asked to set "
        "its own address. Returns the freed address. EMAIL_LINK_INVALID when the link expired, "
        "was used, is not genuine, or the address was confirmed by its account since (a "
        "confirmed address is never freed)."
    )
    async def release_email(self, info: Info, token: str) -> str:
        return await run_sync(info.context.container.address_releases.release, token)
