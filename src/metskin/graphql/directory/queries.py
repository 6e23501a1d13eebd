"""Directory queries: search dermatologists (nearest first), or read one."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.directory.service import DirectoryEntry
from metskin.graphql.directory.types import Dermatologist, DermatologistFilter, load_dermatologist
from metskin.graphql.pagination import Connection, CursorCodec, keyset_codec, paginate
from metskin.graphql.selection import may_select

DIRECTORY_CURSOR: CursorCodec[DirectoryEntry, tuple[float, str]] = keyset_codec(
    lambda entry: entry.key, float, str
)
"""Nearest first: (distance or 0, dermatologist id)."""
BIO_FIELDS = frozenset({"bio", "bioLocale"})  # a search reads the bios only for these


@strawberry.type
class DirectoryQueries:
    @strawberry.field(description="Nearest first when `near` is given.")
    async def dermatologists(
        self,
        info: Info,
        filter: DermatologistFilter | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Dermatologist]:
        directory, wanted = info.context.container.directory, filter or DermatologistFilter()
        bios = may_select(info, BIO_FIELDS)
        return await paginate(
            info,
            first,
            after,
            DIRECTORY_CURSOR,
            lambda page: directory.search(wanted.to_domain(), page.after, page.limit, bios),
            lambda e: Dermatologist.from_domain(e.doctor, info, e.distance_km),
        )

    @strawberry.field
    async def dermatologist(self, info: Info, id: strawberry.ID) -> Dermatologist | None:
        return await load_dermatologist(info, str(id))
