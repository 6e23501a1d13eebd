"""users.sort_name: a dermatologist's patients (and an administrator's accounts) listed by
name in SQL; phone_code_deliveries: why no phone code came

The patients list loaded every patient and sorted them in Python by the `casefold()` of the
name shown (the address without one), because no engine orders text as Python does: SQLite's
LOWER folds ASCII only ("Élodie" after "zoe") and MariaDB's utf8mb4_unicode_ci takes "zoë" and
"zoe" for one. The key is now computed once, in Python (`accounts.model.sort_name`), stored with
every save of a user and compared as code points on both engines (SQLite's BINARY, MariaDB's
utf8mb4_nopad_bin), so the database orders and pages by it exactly as the in-memory store does.

The upgrade adds the column (empty), fills it for every user from their name and address, and
indexes it with the id (and behind the role, for the accounts of one role).

The phone code's SMS leaves in a retried job, after `requestPhoneCode` answered: a provider
that refused the number, was down or busy left the person with "no code, ask again".
`phone_code_deliveries` keeps how the latest SMS of each account's code went (a key of the
number, never the number), so the API can say why and what to do. It starts empty.

The downgrade drops the table, the indexes and the column.
"""

import sqlalchemy as sa
from alembic import op
from migration_helpers import at, create_table, drop_tables, refill_sort_names, text, uid

from metskin.domain.accounts.model import SORT_NAME_LENGTH

revision = "0024"
down_revision = "0023"


def _type() -> sa.types.TypeEngine:
    if op.get_bind().dialect.name in ("mysql", "mariadb"):
        return sa.String(SORT_NAME_LENGTH, collation="utf8mb4_nopad_bin")
    return sa.String(SORT_NAME_LENGTH)


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("sort_name", _type(), nullable=False, server_default="")
    )  # plain ALTER TABLE
    refill_sort_names()
    op.create_index("ix_users_sort_name", "users", ["sort_name", "id"])
    op.create_index("ix_users_role_sort_name", "users", ["role", "sort_name", "id"])
    create_table(
        "phone_code_deliveries",
        uid("user_id"),
        text("number", 16),
        text("state", 12),
        at("at"),
        text("problem", 16, nullable=True),
        at("retry_at", nullable=True),
        key=("user_id",),
        references={"user_id": "users.id"},
    )


def downgrade() -> None:
    drop_tables("phone_code_deliveries")
    op.drop_index("ix_users_role_sort_name", table_name="users")
    op.drop_index("ix_users_sort_name", table_name="users")
    op.drop_column("users", "sort_name")
