"""Errors: domain errors keep their message and code; anything unexpected is masked."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from metskin.domain.errors import DomainError

UNEXPECTED_MESSAGE = "Something went wrong on our side. Try again later."
# A domain's own name for a value, where the API calls it something else. Any other name in
# snake_case becomes camelCase (`radius_km` -> `radiusKm`). tests/e2e/test_bad_inputs.py checks
# that every `field` a client gets is one of the schema's argument or input field names.
API_NAMES = {"doctor_id": "dermatologistId", "appointment_id": "id", "slot": "slotStart"}


def api_field(name: str) -> str:
    """The API's name for the input a domain error names."""
    if name in API_NAMES:
        return API_NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _original(error: GraphQLError) -> BaseException | None:
    return error.original_error


def is_input_error(error: GraphQLError) -> bool:
    """Raised before execution (no path): the document or a variable could not be read as its
    type, e.g. a scalar that refused its value. The caller's fault, whatever raised it."""
    return error.path is None


def is_expected(error: GraphQLError) -> bool:
    original = _original(error)
    return (
        original is None
        or isinstance(original, (DomainError, GraphQLError))
        or is_input_error(error)
    )


def add_error_codes(errors: list[GraphQLError]) -> None:
    """Give every error `extensions.code` (and `field` for domain errors)."""
    for error in errors:
        error.extensions = {**(error.extensions or {}), **_extensions_for(error)}


def _extensions_for(error: GraphQLError) -> dict[str, str]:
    original = _original(error)
    if isinstance(original, DomainError):
        extensions = {"code": original.code}
        if original.field:
            extensions["field"] = api_field(original.field)
        return extensions
    if error.extensions and "code" in error.extensions:
        return {}
    if original is None:
        return {"code": "GRAPHQL_VALIDATION_FAILED"}
    if is_input_error(error):
        return {"code": "BAD_USER_INPUT"}
    return {"code": "INTERNAL_ERROR"}


class MaskUnexpectedErrors(MaskErrors):
    """Hides the message of anything that is not a domain or GraphQL error."""

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=lambda error: not is_expected(error),
            error_message=UNEXPECTED_MESSAGE,
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_ERROR"}
        return masked
