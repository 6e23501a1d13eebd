"""Errors of the accounts component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, DomainError, Unauthenticated, ValidationFailed


class InvalidCredentials(DomainError, code="INVALID_CREDENTIALS"): ...


class EmailTaken(Conflict, code="EMAIL_TAKEN"): ...


class InvalidRefreshToken(Unauthenticated, code="INVALID_REFRESH_TOKEN"): ...


class SessionEnded(Unauthenticated):
    """The access token's session has ended (logout, or a reused refresh token ended it)."""


class ResetLinkInvalid(DomainError, code="RESET_LINK_INVALID"):
    """A password reset link that is forged, expired, already used, or overtaken by a change
    of the password by any route (each says the same)."""


class WeakPassword(ValidationFailed, code="WEAK_PASSWORD"): ...


class ContradictoryProfile(ValidationFailed, code="CONTRADICTORY_PROFILE"): ...


class EmailLinkInvalid(DomainError, code="EMAIL_LINK_INVALID"):
    """An email verification or change link that is forged, expired, already used, or
    overtaken by a change of the address (each says the same)."""


class EmailUnchanged(ValidationFailed, code="EMAIL_UNCHANGED"): ...


class InvitationInvalid(DomainError, code="INVITATION_INVALID"):
    """An invitation link that is not genuine, or whose account is gone or has another
    address now."""


class InvitationExpired(DomainError, code="INVITATION_EXPIRED"): ...


class InvitationUsed(DomainError, code="INVITATION_USED"):
    """The account's password was chosen already (with this link, another, or a reset)."""
