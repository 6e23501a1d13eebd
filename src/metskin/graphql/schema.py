"""The schema: one root type per operation kind, composed from the components' types."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

import strawberry
from graphql import ASTValidationRule, GraphQLError, get_operation_ast
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.types import ExecutionContext

from metskin.graphql.accounts.email import EmailMutations
from metskin.graphql.accounts.mutations import AccountMutations
from metskin.graphql.accounts.phone import PhoneMutations, PhoneQueries
from metskin.graphql.accounts.queries import AccountQueries
from metskin.graphql.accounts.support import SupportMutations
from metskin.graphql.analysis.mutations import AnalysisMutations
from metskin.graphql.analysis.queries import AnalysisQueries
from metskin.graphql.analysis.subscriptions import AnalysisSubscriptions
from metskin.graphql.apikeys.mutations import ApiKeyMutations
from metskin.graphql.apikeys.queries import ApiKeyQueries
from metskin.graphql.appointments.mutations import BookingMutations, WorkingHoursMutations
from metskin.graphql.appointments.queries import (
    BookingQueries,
    DashboardQueries,
    WorkingHoursQueries,
)
from metskin.graphql.appointments.subscriptions import DashboardSubscriptions
from metskin.graphql.checkins.mutations import CheckInMutations
from metskin.graphql.checkins.queries import CheckInQueries
from metskin.graphql.content.mutations import ContentMutations
from metskin.graphql.content.queries import ContentQueries
from metskin.graphql.context import Context
from metskin.graphql.directory.admin import DirectoryAdminMutations
from metskin.graphql.directory.queries import DirectoryQueries
from metskin.graphql.documents import DocumentCache, DocumentStore
from metskin.graphql.errors import (
    MaskUnexpectedErrors,
    add_error_codes,
    is_expected,
    operation_arguments,
    retry_after,
)
from metskin.graphql.execution import FastExecutionContext
from metskin.graphql.guard import OperationLimits
from metskin.graphql.i18n import localize_errors
from metskin.graphql.inbox.mutations import InboxMutations
from metskin.graphql.inbox.queries import InboxQueries
from metskin.graphql.inbox.subscriptions import InboxSubscriptions
from metskin.graphql.input_conversion import convert_inputs_plainly
from metskin.graphql.inputs import SCALAR_OVERRIDES, RefuseUnstorableText
from metskin.graphql.labels.mutations import LabelMutations
from metskin.graphql.labels.queries import LabelQueries
from metskin.graphql.metrics import OperationMetrics
from metskin.graphql.money.mutations import MoneyMutations
from metskin.graphql.money.queries import MoneyQueries
from metskin.graphql.privacy.mutations import PrivacyMutations
from metskin.graphql.privacy.queries import PrivacyQueries
from metskin.graphql.progress.queries import ProgressQueries
from metskin.graphql.recommendations.mutations import RecommendationMutations
from metskin.graphql.recommendations.queries import RecommendationQueries
from metskin.graphql.referrals.mutations import ReferralMutations
from metskin.graphql.referrals.queries import ReferralQueries
from metskin.graphql.sharing.mutations import SharingMutations
from metskin.graphql.sharing.queries import SharedAnalysisQueries, SharingQueries
from metskin.graphql.variable_errors import variable_field
from metskin.settings import Settings

# The order of the bases is the order of the fields in the committed schema.graphql.


@strawberry.type(description="Read operations.")
class Query(
    AccountQueries,
    AnalysisQueries,
    RecommendationQueries,
    ReferralQueries,
    DirectoryQueries,
    BookingQueries,
    SharingQueries,
    DashboardQueries,
    SharedAnalysisQueries,
    WorkingHoursQueries,
    PrivacyQueries,
    ApiKeyQueries,
    MoneyQueries,
    ContentQueries,
    LabelQueries,
    ProgressQueries,
    InboxQueries,
    CheckInQueries,
    PhoneQueries,
):
    @strawberry.field(description="Always true: the API is up.")
    def health(self) -> bool:
        return True


@strawberry.type(description="Write operations.")
class Mutation(
    AccountMutations,
    PhoneMutations,
    EmailMutations,
    SupportMutations,
    AnalysisMutations,
    RecommendationMutations,
    ReferralMutations,
    BookingMutations,
    SharingMutations,
    WorkingHoursMutations,
    PrivacyMutations,
    ApiKeyMutations,
    MoneyMutations,
    ContentMutations,
    DirectoryAdminMutations,
    LabelMutations,
    InboxMutations,
    CheckInMutations,
):
    pass


@strawberry.type(description="Live updates over graphql-transport-ws.")
class Subscription(AnalysisSubscriptions, DashboardSubscriptions, InboxSubscriptions):
    pass


class MetSkinSchema(strawberry.Schema):
    documents: DocumentStore  # parsed and validated documents, by text
    limits: Callable[[], OperationLimits]  # the limits extension, as configured

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Add error codes; log unexpected errors with their traceback, not the expected ones."""
        document = execution_context.graphql_document if execution_context else None
        name = execution_context.operation_name if execution_context else None
        operation = get_operation_ast(document, name) if document else None
        add_error_codes(
            errors,
            operation_arguments(self._schema, operation),
            variable_field(operation, document),
        )
        context = execution_context.context if execution_context else None
        if context is not None and isinstance(context, Context):
            localize_errors(errors, context.translator)
            wait, response = retry_after(errors), context.response
            if wait is not None and response is not None and hasattr(response, "headers"):
                response.headers["retry-after"] = str(wait)
        unexpected = [error for error in errors if not is_expected(error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


@cache
def limit_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, built once per pair of limits.

    The validation cache keys on the rule classes: strawberry's QueryDepthLimiter and
    MaxAliasesLimiter build new classes for every request, so no document was ever found in
    the cache and every request was validated again (issue 17). The rules key nothing now
    (documents.py keeps documents by text), but are still built once per pair of limits.
    """
    return [depth_rule(max_depth, None), alias_rule(max_aliases)]


def build_schema(settings: Settings | None = None) -> MetSkinSchema:
    settings = settings or Settings()
    rules = limit_rules(settings.max_query_depth, settings.max_aliases)
    documents = DocumentStore(settings.max_query_tokens, tuple(rules))
    limits = partial(
        OperationLimits, max_cost=settings.max_query_cost, page_cap=settings.max_page_size
    )
    schema = MetSkinSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=FastExecutionContext,
        # Factories, not instances: each request gets its own extension objects.
        extensions=[
            OperationMetrics,
            partial(DocumentCache, store=documents),
            limits,  # after validation: the cost (with the variables) and the rate limits
            RefuseUnstorableText,
            MaskUnexpectedErrors,
        ],
    )
    schema.documents = documents
    schema.limits = limits
    convert_inputs_plainly(schema)  # every input type built without Strawberry's walk
    return schema


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
