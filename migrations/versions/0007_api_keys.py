"""api keys: integrators' keys, stored as a SHA-256 hash and a short prefix

Revision ID: 0007
Revises: 0006
"""

from migration_helpers import at, create_table, drop_tables, text, uid

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    create_table(
        "api_keys",
        uid("id"),
        text("key_hash", 64),
        text("prefix", 16),
        text("scopes", 200),
        text("name", 80),
        uid("owner_id"),
        at("created_at"),
        at("last_used_at", nullable=True),
        at("revoked_at", nullable=True),
        references={"owner_id": "users.id"},
        unique={"uq_api_keys_key_hash": ["key_hash"]},
        indexes={"ix_api_keys_owner_id": ["owner_id"]},
    )


def downgrade() -> None:
    drop_tables("api_keys")
