"""What the SQL repositories share: one table's rows mapped to one domain type, and keyset pages.

A repository names its row class and how a row maps to the domain (`to_domain`), how a new
domain object becomes a row (`new_row`) and how a changed one is written onto its row
(`update_row`); `add`, `get`, `save`, `get_many` and the query helpers follow from those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Row, Select, Table, and_, bindparam, or_
from sqlalchemy import select as core_select
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

RowT = TypeVar("RowT", bound=SQLModel)
# What a write that breaks a unique or foreign key says (the unit of work's commit, and an
# adapter that writes at once).
CONFLICTING = "This change conflicts with existing data."
ItemT = TypeVar("ItemT")
QueryT = TypeVar("QueryT", bound=Select[Any])


def held_row(session: Session, row_type: type[RowT], key: Any) -> RowT | None:
    """The row of `row_type` with primary key `key` that the session already holds (read
    through the ORM in this unit of work), else None; asking reads nothing from the database
    and, under the unit of work's `LazySession`, builds no ORM Session."""
    held: RowT | None = session.identity_map.get(identity_key(row_type, key))
    return held


def values_of(source: object, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of `source`, for a row or a domain object that share field names."""
    return {name: getattr(source, name) for name in names}


def keyset_page(
    query: QueryT,
    order: Sequence[Any],
    keyset: Sequence[Any] | None,
    limit: int | ColumnElement[int],
    *,
    newest: bool,
) -> QueryT:
    """`query` ordered by the two `order` columns (newest first, or oldest first) and cut to the
    `limit` rows strictly beyond `keyset` (the last row's values of those columns, if any)."""
    first, second = order
    query = query.order_by(*((c.desc() if newest else c) for c in order)).limit(limit)
    if keyset is None:
        return query
    stamp, ident = keyset
    if newest:
        return query.where(or_(first < stamp, and_(first == stamp, second < ident)))
    return query.where(or_(first > stamp, and_(first == stamp, second > ident)))


@dataclass(frozen=True)
class KeysetStatements:
    """A keyset page of a table's rows meeting a condition, as two Core statements built once
    (no ORM rows, no statement or cache key built per read): the first page, and a page after
    a keyset. Bound parameters: `limit`, the keyset's `stamp` and `ident`, and the
    condition's own."""

    first: Select[Any]
    after: Select[Any]

    @classmethod
    def of(
        cls,
        table: Table,
        condition: ColumnElement[bool],
        order: tuple[str, str] = ("created_at", "id"),
        *,
        newest: bool = True,
    ) -> KeysetStatements:
        columns = [table.c[name] for name in order]
        query = core_select(table).where(condition)
        limit: BindParameter[int] = bindparam("limit")
        keyset: tuple[BindParameter[Any], ...] = (bindparam("stamp"), bindparam("ident"))
        return cls(
            keyset_page(query, columns, None, limit, newest=newest),
            keyset_page(query, columns, keyset, limit, newest=newest),
        )

    def rows(
        self, session: Session, keyset: Sequence[Any] | None, limit: int, **values: Any
    ) -> Sequence[Row[Any]]:
        """The page's rows as plain Core rows (attributes named as the columns)."""
        if keyset is None:
            return session.connection().execute(self.first, {"limit": limit, **values}).all()
        stamp, ident = keyset
        found = session.connection().execute(
            self.after, {"limit": limit, "stamp": stamp, "ident": ident, **values}
        )
        return found.all()


class SqlRepository(Generic[RowT, ItemT]):
    """A repository over one table whose primary key is the domain object's `key_field`."""

    row_type: type[RowT]
    key_field = "id"
    # The columns a new row takes from the item before `update_row` writes the rest.
    created_fields: tuple[str, ...] = ("id", "created_at")

    def __init__(self, session: Session) -> None:
        self._session = session

    def to_domain(self, row: RowT, /) -> ItemT:
        raise NotImplementedError

    def new_row(self, item: ItemT, /) -> RowT:
        return self.update_row(item, self.row_type(**values_of(item, self.created_fields)))

    def update_row(self, item: ItemT, row: RowT, /) -> RowT:
        raise NotImplementedError

    def add(self, item: ItemT) -> None:
        self._session.add(self.new_row(item))

    def get(self, key: Any, *, for_update: bool = False) -> ItemT | None:
        """The item of this key; `for_update` locks its row until the transaction ends."""
        if not for_update:
            row = self._session.get(self.row_type, key)
            return self.to_domain(row) if row else None
        return self.first(select(self.row_type).where(self._key_column == key).with_for_update())

    def save(self, item: ItemT) -> None:
        key = getattr(item, self.key_field)
        row = self._session.get(self.row_type, key)
        if row is None:
            raise LookupError(key)
        self._session.add(self.update_row(item, row))

    def get_many(self, keys: Sequence[Any]) -> list[ItemT]:
        if not keys:
            return []
        return self.all(select(self.row_type).where(self._key_column.in_(keys)))

    def page_where(
        self,
        condition: Any,
        keyset: Sequence[Any] | None,
        limit: int,
        *,
        newest: bool = True,
        order: tuple[str, str] = ("created_at", "id"),
    ) -> list[ItemT]:
        """A keyset page of the rows meeting `condition`, ordered by the two `order` columns."""
        columns = [col(getattr(self.row_type, name)) for name in order]
        query = select(self.row_type).where(condition)
        return self.all(keyset_page(query, columns, keyset, limit, newest=newest))

    def first(self, query: SelectOfScalar[RowT]) -> ItemT | None:
        row = self._session.exec(query).first()
        return self.to_domain(row) if row else None

    def all(self, query: SelectOfScalar[RowT]) -> list[ItemT]:
        return [self.to_domain(row) for row in self._session.exec(query)]

    def newest_first(self, condition: Any, created: Any) -> list[ItemT]:
        """Every row that meets `condition`, newest `created` first, ties by key."""
        query = select(self.row_type).where(condition)
        return self.all(query.order_by(col(created).desc(), self._key_column))

    @property
    def _key_column(self) -> Any:
        return col(getattr(self.row_type, self.key_field))
