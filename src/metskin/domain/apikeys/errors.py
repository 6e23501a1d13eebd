"""Errors of the API keys component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated


class ApiKeyInvalid(Unauthenticated, code="API_KEY_INVALID"):
    """Unknown, revoked, malformed, or its owner's account is closed."""


class ApiKeyNotFound(NotFound, code="API_KEY_NOT_FOUND"): ...


class ApiKeyScopeMissing(Forbidden, code="API_KEY_SCOPE"):
    """The request asks for fields the key's scopes do not cover."""


class TooManyApiKeys(Conflict, code="API_KEY_LIMIT"): ...
