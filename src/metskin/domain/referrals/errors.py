"""Errors of the referrals component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import NotFound


class ReferralNotFound(NotFound, code="REFERRAL_NOT_FOUND"): ...
