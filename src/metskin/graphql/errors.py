"""Errors: domain errors keep their message and code; anything unexpected is masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
)
from strawberry.extensions import MaskErrors

from metskin.domain.errors import DomainError, Unavailable
from metskin.domain.limits.errors import RateLimited
from metskin.graphql.i18n import coded_text

UNEXPECTED_MESSAGE = "Something went wrong on our side. Try again later."
# A domain's own name for a value, where the API calls it something else. Any other name in
# snake_case becomes camelCase (`radius_km` -> `radiusKm`). tests/e2e/test_bad_inputs.py checks
# that every `field` a client gets is one of the schema's argument or input field names.
API_NAMES = {"doctor_id": "dermatologistId", "appointment_id": "id", "slot": "slotStart"}


# The arguments of the operation field an error came from: (every argument and input field name
# it takes, its top-level arguments).
Arguments = Callable[[GraphQLError], tuple[frozenset[str], tuple[str, ...]]]


def api_field(name: str, taken: frozenset[str] = frozenset(), top: tuple[str, ...] = ()) -> str:
    """The API's name for the input a domain error names. A use case shared by several fields
    names its own input (`id`); when the field asked has no input of that name and takes a
    single argument, that argument is the one at fault."""
    if name in API_NAMES and name not in taken:  # a field that takes `slot` keeps the name
        name = API_NAMES[name]
    else:
        head, *rest = name.split("_")
        name = head + "".join(part[:1].upper() + part[1:] for part in rest)
    if taken and name.split(".")[0] not in taken and len(top) == 1:
        return top[0]
    return name


def operation_arguments(
    schema: GraphQLSchema, operation: OperationDefinitionNode | None
) -> Arguments:
    """Finds, for an error, the arguments of the root field it came from (by its response key)."""

    def arguments(error: GraphQLError) -> tuple[frozenset[str], tuple[str, ...]]:
        root = schema.get_root_type(operation.operation) if operation else None
        if root is None or operation is None:
            return frozenset(), ()
        fields = [n for n in operation.selection_set.selections if isinstance(n, FieldNode)]
        if not error.path and len(fields) != 1:
            return frozenset(), ()
        # No path: a subscription's stream failed (its one root field).
        key = error.path[0] if error.path else (fields[0].alias or fields[0].name).value
        for node in fields:
            if (node.alias or node.name).value == key:
                field = root.fields.get(node.name.value)
                return (_names(field), tuple(field.args)) if field else (frozenset(), ())
        return frozenset(), ()

    return arguments


def _names(field: GraphQLField) -> frozenset[str]:
    names: set[str] = set()
    todo = [(name, arg.type) for name, arg in field.args.items()]
    seen: set[str] = set()
    while todo:
        name, type_ = todo.pop()
        names.add(name)
        named = get_named_type(type_)
        if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
            seen.add(named.name)
            todo += [(sub, value.type) for sub, value in named.fields.items()]
    return frozenset(names)


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
        or isinstance(original, (DomainError, GraphQLError, Unavailable))
        or is_input_error(error)
    )


def add_error_codes(
    errors: list[GraphQLError],
    arguments: Arguments | None = None,
    variable_field: Callable[[GraphQLError], str | None] | None = None,
) -> None:
    """Give every error `extensions.code` (and `field` for domain errors, named as the API
    names it: `arguments` tells which inputs the failing field takes; for a variable of the
    wrong type, the input `variable_field` says it fills; `retryAfter`, in seconds, for
    RATE_LIMITED)."""
    for error in errors:
        extensions = _extensions_for(error, arguments)
        field = (
            variable_field(error)
            if variable_field and extensions.get("code") == "BAD_USER_INPUT"
            else None
        )
        if field is not None:
            extensions["field"] = field
        error.extensions = {**(error.extensions or {}), **extensions}


def retry_after(errors: list[GraphQLError]) -> int | None:
    """The longest `retryAfter` among the errors (the `Retry-After` header), or None."""
    waits = [int((e.extensions or {}).get("retryAfter") or 0) for e in errors]
    return max(waits) if any(waits) else None


def _extensions_for(error: GraphQLError, arguments: Arguments | None) -> dict[str, object]:
    original = _original(error)
    if isinstance(original, DomainError):
        extensions: dict[str, object] = {"code": original.code}
        if isinstance(original, RateLimited):  # raised by a use case (a password or code check)
            extensions["retryAfter"] = original.retry_after
        if original.field:
            taken, top = arguments(error) if arguments else (frozenset(), ())
            extensions["field"] = api_field(original.field, taken, top)
        return extensions
    if isinstance(original, Unavailable):
        return {"code": original.code}
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

    def _process_result(self, result: object) -> None:
        # As Strawberry's, without its `isinstance` against a runtime Protocol (which lists
        # the protocol's attributes on every call: about 10 µs of every request).
        errors = getattr(result, "errors", None)
        if errors:
            cast(Any, result).errors = self._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """The message in the request's language: the errors were translated before this
        masking (`MetSkinSchema.process_errors`), so it was English whatever was asked."""
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_ERROR"}
        context = getattr(getattr(self, "execution_context", None), "context", None)
        translator = getattr(context, "translator", None)
        if translator is not None:
            masked.message = coded_text(UNEXPECTED_MESSAGE, "INTERNAL_ERROR", translator)
        return masked
