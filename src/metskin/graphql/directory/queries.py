"""Directory queries: search dermatologists (nearest first), or read one."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.directory.service import DirectoryEntry
from metskin.domain.i18n.marks import _
from metskin.graphql.cursors import CursorCodec, keyset_codec
from metskin.graphql.directory.types import Dermatologist, DermatologistFilter, load_dermatologist
from metskin.graphql.pagination import Connection, paginate
from metskin.graphql.selection import may_select

DIRECTORY_CURSOR: CursorCodec[DirectoryEntry, tuple[float, str]] = keyset_codec(
    "dermatologists", lambda entry: entry.key, float, str
)
"""Nearest first: (distance or 0, dermatologist id)."""
BIO_FIELDS = frozenset({"bio", "bioLocale"})  # a search reads the bios only for these
NO_SUCH_DERMATOLOGIST = _("No dermatologist in the directory has this id.")


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
        directory = info.context.container.directory
        wanted = (filter or DermatologistFilter()).to_domain().normalised()
        bios = may_select(info, BIO_FIELDS)
        return await paginate(
            info,
            first,
            after,
            DIRECTORY_CURSOR,
            lambda page: directory.search(wanted, page.after, page.limit, bios),
            lambda e: Dermatologist.from_domain(e.doctor, info, e.distance_km),
            shape=wanted,  # `near` sets the order too: nearest first, else by id
        )

    @strawberry.field(
        description="One dermatologist of the directory by id (NOT_FOUND on `id`: none has it)."
    )
    async def dermatologist(self, info: Info, id: strawberry.ID) -> Dermatologist | None:
        """Nullable in the schema (changing that would break clients), but never null: an
        unknown id is NOT_FOUND, as `product`, `analysis` and the other lookups by id answer.
        Before, it was null without an error."""
        found = await load_dermatologist(info, str(id))
        if found is None:
            raise DermatologistNotFound.translatable(NO_SUCH_DERMATOLOGIST, field="id")
        return found
