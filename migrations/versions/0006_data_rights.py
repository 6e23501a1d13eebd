"""data rights: data exports, erasure records, an access log without foreign keys

The access log is an audit trail: when a person's account is erased, their entries stay with a
keyed pseudonym in place of their id, so its columns can no longer point at `users`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate emits sqlmodel.sql.sqltypes.AutoString)
from alembic import op

import metskin.adapters.db.types  # noqa: F401


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite keeps foreign keys unnamed: batch mode names them by this convention to drop them.
NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
ACCESS_LOG_KEYS = ("doctor_id", "patient_id")


def upgrade() -> None:
    op.create_table(
        "account_erasures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("erased_at", metskin.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("appointments_cancelled", sa.Integer(), nullable=False),
        sa.Column("shares_revoked", sa.Integer(), nullable=False),
        sa.Column("rows_deleted", sa.Integer(), nullable=False),
        sa.Column("files_deleted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    with op.batch_alter_table("account_erasures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_erasures_pseudonym"), ["pseudonym"], unique=False
        )

    op.create_table(
        "data_exports",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("requested_at", metskin.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", metskin.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("expires_at", metskin.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("storage_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("failure_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_exports_user_id"), ["user_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "access_log", naming_convention=NAMES, recreate="always"
        ) as batch_op:
            for column in ACCESS_LOG_KEYS:
                batch_op.drop_constraint(f"fk_access_log_{column}_users", type_="foreignkey")
    else:
        for key in sa.inspect(op.get_bind()).get_foreign_keys("access_log"):
            op.drop_constraint(key["name"], "access_log", type_="foreignkey")


def downgrade() -> None:
    # Pseudonymised entries name nobody in `users`: they cannot stay under a foreign key.
    for column in ACCESS_LOG_KEYS:
        op.execute(f"DELETE FROM access_log WHERE {column} NOT IN (SELECT id FROM users)")
    with op.batch_alter_table("access_log", naming_convention=NAMES) as batch_op:
        for column in ACCESS_LOG_KEYS:
            batch_op.create_foreign_key(
                f"fk_access_log_{column}_users", "users", [column], ["id"], ondelete="CASCADE"
            )
    op.drop_table("data_exports")  # with its indexes (MariaDB keeps one a foreign key needs)
    op.drop_table("account_erasures")
