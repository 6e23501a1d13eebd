"""Before an operation runs: its cost, the rate limits and the login backoff. After it: the
login outcomes, for the backoff. A refusal is the whole response, with a coded error."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import anyio.to_thread
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from metskin.domain.accounts.errors import InvalidCredentials
from metskin.domain.accounts.model import canonical_email
from metskin.domain.errors import DomainError
from metskin.domain.i18n.marks import _
from metskin.domain.limits.errors import RateLimited
from metskin.graphql.apikeys.auth import key_refusal
from metskin.graphql.context import Context, defer_limits, run_sync
from metskin.graphql.cost import operation_cost

# Root field -> rate rule (domain/limits/model.py DEFAULT_RULES).
LIMITED_FIELDS = {
    (OperationType.MUTATION, "login"): "login",
    (OperationType.MUTATION, "register"): "register",
    (OperationType.MUTATION, "changePassword"): "changePassword",
    (OperationType.MUTATION, "requestPasswordReset"): "passwordReset",
    (OperationType.MUTATION, "resetPassword"): "resetPassword",
    (OperationType.MUTATION, "uploadMedia"): "upload",
    (OperationType.MUTATION, "startAnalysis"): "startAnalysis",
    (OperationType.MUTATION, "requestPhoneCode"): "phoneCode",
    (OperationType.MUTATION, "verifyPhone"): "verifyPhone",
    (OperationType.MUTATION, "resendVerificationEmail"): "verificationEmail",
    (OperationType.MUTATION, "requestEmailChange"): "emailChange",
    (OperationType.MUTATION, "verifyEmail"): "emailLink",
    (OperationType.MUTATION, "confirmEmailChange"): "emailLink",
    (OperationType.MUTATION, "releaseEmail"): "emailLink",
    (OperationType.MUTATION, "sendPasswordResetLink"): "supportReset",
    (OperationType.MUTATION, "exportMyData"): "dataExport",
    (OperationType.MUTATION, "bookAppointment"): "booking",
    (OperationType.MUTATION, "rescheduleAppointment"): "booking",
    (OperationType.QUERY, "dermatologists"): "directory",
    (OperationType.QUERY, "dermatologist"): "directory",
    (OperationType.QUERY, "availableSlots"): "slots",
    (OperationType.QUERY, "uploadByKey"): "uploadByKey",
}
# The rules whose account is the `email` argument (there is no caller yet).
EMAIL_RULES = {"login", "register", "passwordReset"}
# Uploads are counted per address by the HTTP guard, before their body is read (limits.py).
COUNTED_BEFORE_BODY = {"upload"}
NO_OPERATION_NAME = _(
    "This document holds more than one operation: say which to run in `operationName`."
)
TOO_COSTLY = _(
    "This query costs {cost}, over the limit of {max_cost}: ask for smaller pages, fewer days "
    "or fewer aliases."
)


class QueryTooCostly(DomainError, code="QUERY_TOO_COSTLY"):
    """An operation whose cost (graphql/cost.py) is over the limit; its message translates
    with its numbers."""


@dataclass(frozen=True)
class LimitedCall:
    rule: str
    alias: str
    account: str | None  # the email for login, register and passwordReset, else the caller


def _operations(document: DocumentNode) -> int:
    return sum(isinstance(node, OperationDefinitionNode) for node in document.definitions)


def client_ip(request: Any) -> str | None:
    client = getattr(request, "client", None)
    return client.host if client else None


def refusal(
    message: str, code: str, original: Exception | None = None, **extensions: Any
) -> ExecutionResult:
    """The whole response: one coded error (`original`: the domain error it says, so that
    its message translates with its values)."""
    error = GraphQLError(message, extensions={"code": code, **extensions}, original_error=original)
    return ExecutionResult(data=None, errors=[error])


def rate_limited(context: Context, error: RateLimited) -> ExecutionResult:
    """The RATE_LIMITED response, with `Retry-After` on the HTTP response."""
    response = context.response
    if response is not None and hasattr(response, "headers"):
        response.headers["retry-after"] = str(error.retry_after)
    return refusal(error.message, error.code, error, retryAfter=error.retry_after)


class OperationLimits(SchemaExtension):
    def __init__(self, *, max_cost: int, page_cap: int) -> None:
        self.max_cost = max_cost
        self.page_cap = page_cap

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context: Context | None = ctx.context
        if ctx.graphql_document is None or context is None:  # no context: a schema test
            yield
            return
        schema = ctx.schema._schema
        named = getattr(ctx, "_provided_operation_name", None)  # an InitVar: kept private
        if named is None and _operations(ctx.graphql_document) > 1:
            # The spec's rule; before, the first operation ran and the others were ignored.
            self._refuse(refusal(NO_OPERATION_NAME, "BAD_REQUEST"))
            yield
            return
        refused = key_refusal(context, schema, ctx.graphql_document)
        if refused is not None:
            self._refuse(refusal(refused.message, refused.code, refused))
            yield
            return
        cost = operation_cost(
            schema, ctx.graphql_document, ctx.operation_name, ctx.variables, self.page_cap
        )
        if cost > self.max_cost:
            context.container.metrics.refused("cost", "query")
            error = QueryTooCostly.translatable(
                TOO_COSTLY, cost=Decimal(cost), max_cost=Decimal(self.max_cost)
            )
            self._refuse(
                refusal(error.message, error.code, error, cost=cost, maxCost=self.max_cost)
            )
            yield
            return
        calls = list(self._limited_calls(context))
        deferred = False
        if calls or context.api_key:
            try:
                check = partial(self._check, context, calls)
                if self._in_process(context, calls):
                    check()
                elif self._deferrable() and defer_limits(context, check):
                    deferred = True
                else:
                    await run_sync(check)
            except RateLimited as error:
                self._refuse(rate_limited(context, error))
                yield
                return
        yield
        if deferred:
            await self._refuse_if_limited(context)
        logins = [call for call in calls if call.rule == "login" and call.account]
        if logins and ctx.result is not None:
            await run_sync(self._record_logins, context, logins, ctx.result)

    def _refuse(self, result: ExecutionResult) -> None:
        """The whole response is `result`. A subscription's stream ignores a result set here
        (before, a subscription over the cost limit ran): for one, its error is raised, and
        sent as the stream's one message."""
        ctx = self.execution_context
        ctx.result = result
        if ctx.operation_type.value == "subscription" and result.errors:
            raise result.errors[0]

    def _deferrable(self) -> bool:
        """A query's check over the network rides in its first use case's thread call: it
        runs there before anything else (`Context.in_session`). A mutation checks first."""
        ctx = self.execution_context
        assert ctx.graphql_document is not None
        operation = get_operation_ast(ctx.graphql_document, ctx.operation_name)
        return operation is not None and operation.operation == OperationType.QUERY

    async def _refuse_if_limited(self, context: Context) -> None:
        """After a query whose check was deferred: run it if no use case did, and when it
        refused, the whole response is the refusal, as when checked before execution (the
        result is changed in place: it is what strawberry returns)."""
        if context.limits_owed:
            await anyio.to_thread.run_sync(context.settle_limits)
        result = self.execution_context.result
        if not isinstance(context.limited, RateLimited) or result is None:
            return
        refused = rate_limited(context, context.limited)
        assert refused.errors is not None
        self.execution_context.schema.process_errors(refused.errors, self.execution_context)
        result.data, result.errors = None, refused.errors

    @staticmethod
    def _in_process(context: Context, calls: list[LimitedCall]) -> bool:
        """No I/O in the check (the rate state is in this process, no login backoff to read):
        it runs on the event loop, without a thread hop."""
        limits = context.container.rate_limits
        no_io = limits is None or limits.in_process
        return no_io and not any(call.rule == "login" for call in calls)

    def _check(self, context: Context, calls: list[LimitedCall]) -> None:
        container = context.container
        ip = client_ip(context.request)
        if context.api_key and container.rate_limits:
            try:  # every request made with a key counts against that key
                container.rate_limits.check("apiKey", ip=None, account=context.api_key.key_id)
            except RateLimited:
                container.metrics.refused("rate", "apiKey")
                raise
        for (rule, account), count in Counter((c.rule, c.account) for c in calls).items():
            try:
                if rule == "login" and account and container.login_backoff:
                    container.login_backoff.check(account)
                if container.rate_limits:
                    per_ip = None if rule in COUNTED_BEFORE_BODY else ip
                    container.rate_limits.check(rule, ip=per_ip, account=account, cost=count)
            except RateLimited:
                container.metrics.refused("rate", rule)
                raise

    @staticmethod
    def _record_logins(context: Context, logins: list[LimitedCall], result: Any) -> None:
        backoff = context.container.login_backoff
        if backoff is None:
            return
        failed = {
            error.path[0]
            for error in result.errors or ()
            if error.path and isinstance(error.original_error, InvalidCredentials)
        }
        data = result.data or {}
        for call in logins:
            if call.alias in failed:
                backoff.failed(call.account or "")
            elif data.get(call.alias):
                backoff.succeeded(call.account or "")

    def _limited_calls(self, context: Context) -> Iterator[LimitedCall]:
        ctx = self.execution_context
        assert ctx.graphql_document is not None
        operation = get_operation_ast(ctx.graphql_document, ctx.operation_name)
        root = ctx.schema._schema.get_root_type(operation.operation) if operation else None
        if operation is None or root is None:
            return
        fragments = {
            node.name.value: node.selection_set
            for node in ctx.graphql_document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        viewer = context.viewer.user_id if context.viewer else None
        for node in _root_fields(operation.selection_set, fragments, set()):
            rule = LIMITED_FIELDS.get((operation.operation, node.name.value))
            if rule is None:
                continue
            account = viewer
            if rule in EMAIL_RULES:
                account = _email_argument(node, ctx.variables)
            alias = node.alias.value if node.alias else node.name.value
            yield LimitedCall(rule, alias, account)


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, SelectionSetNode], seen: set[str]
) -> Iterator[FieldNode]:
    """The operation's root fields, through fragments too (@skip is ignored: they count)."""
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            yield from _root_fields(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            if node.name.value in fragments:
                yield from _root_fields(fragments[node.name.value], fragments, seen)


def _email_argument(node: FieldNode, variables: Mapping[str, Any] | None) -> str | None:
    """The `email` (or `input.email`) argument, as sent: a literal or a variable."""
    variables = variables or {}

    def read(value: ValueNode | None) -> Any:
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, StringValueNode):
            return value.value
        if isinstance(value, ObjectValueNode):
            return {item.name.value: read(item.value) for item in value.fields}
        return None

    arguments = {argument.name.value: read(argument.value) for argument in node.arguments or ()}
    wanted = arguments.get("input")
    email = arguments.get("email") or (wanted.get("email") if isinstance(wanted, dict) else None)
    return canonical_email(email) if isinstance(email, str) and email.strip() else None
