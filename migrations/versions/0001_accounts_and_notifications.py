"""accounts and notifications"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, flag, json, text, uid

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_table(
        "sent_notifications",
        text("dedupe_key", 191),
        text("channel", 8),
        text("recipient", 254),
        at("sent_at"),
        key=["dedupe_key"],
    )
    create_table(
        "users",
        uid("id"),
        text("email", 254),
        text("password_hash", 255),
        text("role", 16),
        flag("is_active"),
        at("created_at"),
        text("display_name", 80),
        column("birth_year", sa.Integer(), nullable=True),
        text("sex", 16),
        text("skin_type", 16, nullable=True),
        json("concerns"),
        flag("pregnant"),
        flag("breastfeeding"),
        json("allergies"),
        column("budget_per_product", sa.Integer(), nullable=True),
        column("budget_total", sa.Integer(), nullable=True),
        text("currency", 3),
        text("locale", 16),
        text("time_zone", 64),
        text("phone", 20, nullable=True),
        flag("email_opt_in"),
        flag("sms_opt_in"),
        unique={"uq_users_email": ["email"]},
        indexes={"ix_users_role": ["role"]},
    )
    create_table(
        "refresh_tokens",
        text("token_hash", 64),
        uid("user_id"),
        uid("family"),
        at("expires_at"),
        at("created_at"),
        at("revoked_at", nullable=True),
        key=["token_hash"],
        references={"user_id": "users.id"},
        indexes={"ix_refresh_tokens_family": ["family"], "ix_refresh_tokens_user_id": ["user_id"]},
    )


def downgrade() -> None:
    drop_tables("refresh_tokens", "users", "sent_notifications")
