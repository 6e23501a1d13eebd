"""Domain errors carry a stable, machine-readable code that the API passes on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self


class DomainError(Exception):
    """An error the API reports with a stable code; a subclass names its own:
    `class EmailTaken(Conflict, code="EMAIL_TAKEN"): ...` (without one, it keeps its parent's)."""

    code = "BAD_REQUEST"

    def __init_subclass__(cls, code: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        template: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        """`template` and `values` (optional) say the message again for translation:
        `template.format(**values)` is `message` in English, and a catalog may translate it."""
        super().__init__(message)
        self.message = message
        self.field = field
        self.template = template
        self.values = dict(values or {})

    @classmethod
    def translatable(cls, template: str, field: str | None = None, **values: object) -> Self:
        """The error whose message is `template` filled with `values`, kept apart so that a
        catalog can translate the message whole (`graphql/i18n.py`)."""
        return cls(template.format(**values), field=field, template=template, values=values)


class ValidationFailed(DomainError, code="VALIDATION_FAILED"): ...


class NotFound(DomainError, code="NOT_FOUND"): ...


class Unauthenticated(DomainError, code="UNAUTHENTICATED"): ...


class Forbidden(DomainError, code="FORBIDDEN"): ...


class Conflict(DomainError, code="CONFLICT"): ...


class QueueUnavailable(DomainError, code="QUEUE_UNAVAILABLE"): ...


class Unavailable(Exception):
    """A service the request needs did not answer: worth a retry, never the caller's fault.
    Not a DomainError, so that the use cases that stop on those (a worker marking an analysis
    FAILED) let this one through to their retry."""

    code = "UNAVAILABLE"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseUnavailable(Unavailable):
    code = "DATABASE_UNAVAILABLE"
