"""Account actors: the welcome email after registration (with the link that verifies the
address), the invitation of an account made for its owner, the verification and address change
links, the password reset link (also the one an administrator sends), the link that frees an
address held unconfirmed, the notice that a password was changed, the code that proves a phone
number, and an address taken off the email provider's suppression lists."""

from __future__ import annotations

import dramatiq

from metskin.domain.accounts.email_address import (
    SEND_EMAIL_CHANGE_EMAILS,
    SEND_VERIFICATION_EMAIL,
    EmailAddresses,
    EmailTrouble,
)
from metskin.domain.accounts.invitation import Invitations
from metskin.domain.accounts.phone import SEND_PHONE_CODE, PhoneVerification
from metskin.domain.accounts.release import SEND_RELEASE_EMAIL, AddressReleases
from metskin.domain.accounts.service import (
    SEND_INVITATION_EMAIL,
    SEND_PASSWORD_CHANGED_EMAIL,
    SEND_PASSWORD_RESET_EMAIL,
    SEND_WELCOME_EMAIL,
    AccountService,
)
from metskin.domain.accounts.support import SEND_SUPPORT_RESET_EMAIL, SupportResets
from metskin.domain.notifications.errors import DeliveryUnavailable
from metskin.domain.notifications.ports import EmailSuppressions
from metskin.domain.notifications.service import NotificationService
from metskin.domain.notifications.suppressions import CLEAR_EMAIL_SUPPRESSIONS, clear_now
from metskin.workers.actors import ActorSpec


def account_actors(
    accounts: AccountService,
    notifications: NotificationService,
    addresses: EmailAddresses,
    invitations: Invitations,
    support: SupportResets,
    suppressions: EmailSuppressions,
    releases: AddressReleases,
) -> list[ActorSpec]:
    # The tokens of the links are made when the email goes: they never wait in the queue.
    def send_welcome_email(user_id: str) -> None:
        notifications.send_welcome_email(user_id, addresses.verification_link(user_id))

    def send_verification_email(user_id: str, request: str) -> None:
        link = addresses.verification_link(user_id)
        if link is None:
            return
        if addresses.trouble(user_id) is EmailTrouble.BOUNCED:
            # SendGrid would drop the link (the address is on its bounce list): off it first
            # (a provider that cannot answer retries this job; one that refuses is logged)
            clear_now(suppressions, link.to)
        notifications.send_verification_email(link, request)

    def clear_email_suppressions(email: str) -> None:
        clear_now(suppressions, email)

    def send_invitation_email(user_id: str, request: str) -> None:
        link = invitations.link(user_id)
        if link is not None:
            notifications.send_invitation_email(link, request)

    def send_email_change_emails(user_id: str, new_email: str, session: str, request: str) -> None:
        link = addresses.change_link(user_id, new_email, session, request)
        if link is not None:
            notifications.send_email_change_emails(link, request)

    def send_password_reset_email(email: str, request: str) -> None:
        # The address is looked up here, not in the request: asking for a known or an unknown
        # address does the same work there.
        reset = accounts.password_reset(email)
        if reset is None:
            return
        # no reset link to an unconfirmed address: the link that frees it, if it may be freed
        release = releases.link(email) if reset.token is None else None
        if notifications.send_password_reset_email(reset, request, release) and release:
            releases.sent(release)

    def send_address_release_email(email: str, request: str) -> None:
        # A registration hit an address held unconfirmed: the link that frees it
        release = releases.link(email)
        if release is not None and notifications.send_release_email(release, request):
            releases.sent(release)

    def send_support_reset_email(user_id: str, email: str, request: str) -> None:
        # An administrator's: the normal reset email, its link good for this address only
        reset = support.reset(user_id, email)
        if reset is not None:
            notifications.send_password_reset_email(reset, request)

    def send_password_changed_email(user_id: str, changed_at: str, keys_revoked: int = 0) -> None:
        # `keys_revoked` absent: a job queued before the email said so
        notifications.send_password_changed_email(user_id, changed_at, keys_revoked)

    return [
        ActorSpec(SEND_WELCOME_EMAIL, send_welcome_email),
        ActorSpec(SEND_VERIFICATION_EMAIL, send_verification_email),
        ActorSpec(SEND_INVITATION_EMAIL, send_invitation_email),
        ActorSpec(SEND_EMAIL_CHANGE_EMAILS, send_email_change_emails),
        ActorSpec(SEND_PASSWORD_RESET_EMAIL, send_password_reset_email),
        ActorSpec(SEND_SUPPORT_RESET_EMAIL, send_support_reset_email),
        ActorSpec(SEND_RELEASE_EMAIL, send_address_release_email),
        ActorSpec(SEND_PASSWORD_CHANGED_EMAIL, send_password_changed_email),
        ActorSpec(CLEAR_EMAIL_SUPPRESSIONS, clear_email_suppressions),
    ]


def phone_actors(phones: PhoneVerification) -> list[ActorSpec]:
    def send_phone_code(user_id: str, number: str, window: int) -> None:
        # Retried on a provider error (nothing recorded); the window keeps a late retry honest.
        try:
            phones.send_code(user_id, number, window)
        except DeliveryUnavailable as error:
            if error.retry_after:  # a busy provider said when: then, as the person was told
                delay = max(1000, int(error.retry_after * 1000))
                raise dramatiq.Retry(str(error), delay=delay) from error
            raise

    return [ActorSpec(SEND_PHONE_CODE, send_phone_code)]
