"""Errors: domain errors keep their message and code; anything unexpected is masked."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from metskin.domain.errors import DomainError

UNEXPECTED_MESSAGE = "Something went wrong on our side. Try again later."


def _original(error: GraphQLError) -> BaseException | None:
    return error.original_error


def is_expected(error: GraphQLError) -> bool:
    original = _original(error)
    return original is None or isinstance(original, (DomainError, GraphQLError))


class ErrorCodes(SchemaExtension):
    """Adds `extensions.code` (and `field`) to every error."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            error.extensions = {**(error.extensions or {}), **_extensions_for(error)}


def _extensions_for(error: GraphQLError) -> dict[str, str]:
    original = _original(error)
    if isinstance(original, DomainError):
        extensions = {"code": original.code}
        if original.field:
            extensions["field"] = original.field
        return extensions
    if error.extensions and "code" in error.extensions:
        return {}
    if original is None:
        return {"code": "GRAPHQL_VALIDATION_FAILED"}
    return {"code": "INTERNAL_ERROR"}


def mask_unexpected_errors() -> MaskErrors:
    return MaskErrors(
        should_mask_error=lambda error: not is_expected(error),
        error_message=UNEXPECTED_MESSAGE,
    )
