"""Analysis queries: one analysis, and a person's analyses page by page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLError, GraphQLObjectType, get_named_type
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types import Info

from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.analysis.records import Analysis as DomainAnalysis
from metskin.domain.ports import CreatedKey
from metskin.graphql.analysis.types import Analysis, UploadByKey
from metskin.graphql.context import as_viewer, run_sync
from metskin.graphql.cursors import by_created
from metskin.graphql.pagination import Connection, PageRequest, paginate, prefetch_page
from metskin.graphql.permissions import IsAuthenticated, guarded_field

ANALYSES = "analyses"  # `User.analyses`: `me { analyses }` and an administrator's `user`


async def analyses_of(
    info: Info, owner_id: str, first: int, after: str | None
) -> Connection[Analysis]:
    return await paginate(
        info,
        first,
        after,
        by_created(ANALYSES),
        _history(info, owner_id),
        lambda analysis: Analysis.from_domain(analysis, info.context.translator),
        prefetched_as=("analyses", owner_id),
    )


def prefetch_analyses(
    info: Info, owner_id: str
) -> Callable[[str | None], DomainUser | None] | None:
    """When the field being resolved (`me`) asks for one `analyses` page of its own: the read,
    for one hop (`run_sync_checking`), of the owner (returned) and of that page (kept for
    `analyses_of`), in one unit of work with the session check the request still owes; else
    None."""
    raw = info._raw_info
    asked = [
        node
        for field_node in raw.field_nodes
        for node in field_node.selection_set.selections  # type: ignore[union-attr]
        if isinstance(node, FieldNode) and node.name.value == "analyses"
    ]
    user_type = get_named_type(raw.return_type)
    if len(asked) != 1 or not isinstance(user_type, GraphQLObjectType):
        return None
    try:  # as graphql-core will read them for the field, defaults included
        values: Any = raw.variable_values  # a plain dict in Strawberry's resolve info
        variables = values if isinstance(values, VariableValues) else VariableValues({}, values)
        arguments = get_argument_values(user_type.fields["analyses"], asked[0], variables)
    except GraphQLError:
        return None
    owner: list[DomainUser | None] = []
    owed: list[str | None] = [None]  # the session to check, handed to `read_owner`
    service = info.context.container.analyses

    def both(page: PageRequest[CreatedKey]) -> list[DomainAnalysis]:
        user, analyses = service.owner_and_history(owner_id, page.after, page.limit, owed[0])
        owner.append(user)
        return analyses

    read = prefetch_page(info, ("analyses", owner_id), arguments, by_created(ANALYSES), both)
    if read is None:
        return None

    def read_owner(session: str | None) -> DomainUser | None:
        owed[0] = session
        read()
        return owner[0]

    return read_owner


def _history(info: Info, owner_id: str) -> Callable[[PageRequest[CreatedKey]], Any]:
    analyses = info.context.container.analyses
    return lambda page: analyses.history(owner_id, page.after, page.limit)


@strawberry.type
class AnalysisQueries:
    @guarded_field(IsAuthenticated)
    async def analysis(self, info: Info, id: strawberry.ID) -> Analysis:
        get = info.context.container.analyses.get_for_viewer
        found = await as_viewer(info, get, str(id))
        return Analysis.from_domain(found, info.context.translator)

    @guarded_field(
        IsAuthenticated,
        "Your upload sent with `idempotencyKey` (uploadMedia's), asked without its bytes: a "
        "retry told UPLOAD_IN_PROGRESS asks this until the first copy is STORED, instead of "
        "sending the file again. Another person's key answers UNKNOWN.",
    )
    async def upload_by_key(self, info: Info, idempotency_key: str) -> UploadByKey:
        viewer = info.context.require_viewer()
        found = await run_sync(
            info.context.container.media.upload_by_key, viewer.user_id, idempotency_key
        )
        return UploadByKey.from_domain(found)
