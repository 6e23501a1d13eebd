"""What every revision repeats: column kinds, the MariaDB table options, indexes and drops.

The revisions import this module by its bare name: `env.py` puts this folder on `sys.path`
(and `alembic.ini`'s `prepend_sys_path` does for the commands that never run `env.py`).

Applied revisions are history. Change nothing here that would change what they created: the
options below are written out rather than taken from `metskin.adapters.db.types` for that
reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from metskin.adapters.db.types import UTCDateTime
from metskin.domain.accounts.model import sort_name

TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
UUID_LENGTH = 36


def column(name: str, type_: sa.types.TypeEngine, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, type_, nullable=nullable)


def text(name: str, length: int, *, nullable: bool = False) -> sa.Column:
    """A VARCHAR: every string column has a length (MariaDB needs one)."""
    return column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def uid(name: str, *, nullable: bool = False) -> sa.Column:
    """An id (a UUID as text) or a reference to one."""
    return text(name, UUID_LENGTH, nullable=nullable)


def at(name: str, *, nullable: bool = False) -> sa.Column:
    """A UTC datetime."""
    return column(name, UTCDateTime(), nullable=nullable)


def json(name: str, *, nullable: bool = False) -> sa.Column:
    return column(name, sa.JSON(), nullable=nullable)


def flag(name: str) -> sa.Column:
    return column(name, sa.Boolean())


def serial_id() -> sa.Column:
    """An auto-increment BIGINT id (INTEGER on SQLite, the only type it gives a rowid)."""
    return column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"))


def create_table(
    name: str,
    *columns: sa.Column,
    key: Sequence[str] = ("id",),
    references: Mapping[str, str] | None = None,
    set_null: Sequence[str] = (),
    unique: Mapping[str, Sequence[str]] | None = None,
    indexes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """A utf8mb4 table with its primary `key`, foreign keys, unique constraints and indexes.

    `references` maps a column to the `table.column` it points at, in the order the foreign keys
    are created (MariaDB numbers them `<table>_ibfk_<n>` in that order); deleting the target
    deletes the row, or clears the column for those in `set_null`. `unique` and `indexes` map a
    name to its columns; names are kept exactly as written.
    """
    foreign_keys = [
        sa.ForeignKeyConstraint(
            [source], [target], ondelete="SET NULL" if source in set_null else "CASCADE"
        )
        for source, target in (references or {}).items()
    ]
    uniques = [sa.UniqueConstraint(*cols, name=label) for label, cols in (unique or {}).items()]
    op.create_table(
        name,
        *columns,
        *foreign_keys,
        sa.PrimaryKeyConstraint(*key),
        *uniques,
        **TABLE_OPTIONS,
    )
    if indexes:
        with op.batch_alter_table(name, schema=None) as batch_op:
            for index, index_columns in indexes.items():
                batch_op.create_index(batch_op.f(index), list(index_columns), unique=False)


def drop_tables(*names: str) -> None:
    """Drops whole tables, in the order given (dependents first): a table's indexes go with it,
    and MariaDB would refuse to drop an index on its own while a foreign key needs it."""
    for name in names:
        op.drop_table(name)


def refill_sort_names(batch: int = 1000) -> None:
    """Every user's `sort_name` computed again from their name and address by the code's
    `accounts.model.sort_name`, by id, a batch at a time."""
    users = sa.table(
        "users",
        sa.column("id", sa.String()),
        sa.column("email", sa.String()),
        sa.column("display_name", sa.String()),
        sa.column("sort_name", sa.String()),
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(users.c.id, users.c.display_name, users.c.email)
            .where(users.c.id > after)
            .order_by(users.c.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        connection.execute(
            users.update().where(users.c.id == sa.bindparam("ident")),
            [
                {"ident": row.id, "sort_name": sort_name(row.display_name or "", row.email)}
                for row in rows
            ],
        )
        after = rows[-1].id
