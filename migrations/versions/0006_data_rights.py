"""data rights: data exports, erasure records, an access log without foreign keys

The access log is an audit trail: when a person's account is erased, their entries stay with a
keyed pseudonym in place of their id, so its columns can no longer point at `users`.
"""

import sqlalchemy as sa
from alembic import op
from migration_helpers import at, column, create_table, drop_tables, serial_id, text, uid

revision = "0006"
down_revision = "0005"

# SQLite keeps foreign keys unnamed: batch mode names them by this convention to drop them.
NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
ACCESS_LOG_KEYS = ("doctor_id", "patient_id")
ERASURE_COUNTS = ("appointments_cancelled", "shares_revoked", "rows_deleted", "files_deleted")


def upgrade() -> None:
    create_table(
        "account_erasures",
        serial_id(),
        uid("pseudonym"),
        text("requested_by", 48),
        at("erased_at"),
        *(column(name, sa.Integer()) for name in ERASURE_COUNTS),
        indexes={"ix_account_erasures_pseudonym": ["pseudonym"]},
    )
    create_table(
        "data_exports",
        uid("id"),
        uid("user_id"),
        text("status", 8),
        at("requested_at"),
        at("finished_at", nullable=True),
        at("expires_at", nullable=True),
        text("storage_name", 200, nullable=True),
        column("size_bytes", sa.BigInteger(), nullable=True),
        text("failure_reason", 300, nullable=True),
        references={"user_id": "users.id"},
        indexes={"ix_data_exports_user_id": ["user_id"]},
    )
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "access_log", naming_convention=NAMES, recreate="always"
        ) as batch_op:
            for name in ACCESS_LOG_KEYS:
                batch_op.drop_constraint(f"fk_access_log_{name}_users", type_="foreignkey")
    else:
        for key in sa.inspect(op.get_bind()).get_foreign_keys("access_log"):
            op.drop_constraint(key["name"], "access_log", type_="foreignkey")


def downgrade() -> None:
    # Pseudonymised entries name nobody in `users`: they cannot stay under a foreign key.
    for name in ACCESS_LOG_KEYS:
        op.execute(f"DELETE FROM access_log WHERE {name} NOT IN (SELECT id FROM users)")
    with op.batch_alter_table("access_log", naming_convention=NAMES) as batch_op:
        for name in ACCESS_LOG_KEYS:
            batch_op.create_foreign_key(
                f"fk_access_log_{name}_users", "users", [name], ["id"], ondelete="CASCADE"
            )
    drop_tables("data_exports", "account_erasures")
