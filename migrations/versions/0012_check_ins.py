"""check_ins: each person's check-in cadence, the routine it counts from, the due date told"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, uid

revision = "0012"
down_revision = "0011"
TABLE = "check_ins"


def upgrade() -> None:
    create_table(
        TABLE,
        uid("user_id"),
        column("cadence_weeks", sa.Integer()),
        at("anchor_at", nullable=True),
        at("due_at", nullable=True),
        at("told_due_at", nullable=True),
        key=("user_id",),
        references={"user_id": "users.id"},
        indexes={"ix_check_ins_due_at": ["due_at"]},
    )


def downgrade() -> None:
    drop_tables(TABLE)
