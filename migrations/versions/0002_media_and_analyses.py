"""media and analyses"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, json, text, uid

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    create_table(
        "media",
        uid("id"),
        uid("owner_id"),
        text("kind", 8),
        text("content_type", 40),
        column("size_bytes", sa.BigInteger()),
        column("width", sa.Integer()),
        column("height", sa.Integer()),
        column("duration_s", sa.Float(), nullable=True),
        text("storage_name", 200),
        text("thumbnail_name", 200),
        text("key_id", 64),
        text("sha256", 64),
        at("created_at"),
        references={"owner_id": "users.id"},
        indexes={"ix_media_owner_id": ["owner_id"]},
    )
    create_table(
        "analyses",
        uid("id"),
        uid("owner_id"),
        uid("media_id"),
        text("status", 12),
        text("stage", 16),
        column("progress", sa.Float()),
        at("created_at"),
        at("started_at", nullable=True),
        at("finished_at", nullable=True),
        text("failure_code", 40, nullable=True),
        text("failure_reason", 500, nullable=True),
        column("attempts", sa.Integer()),
        column("event_seq", sa.BigInteger()),
        json("summary", nullable=True),
        references={"media_id": "media.id", "owner_id": "users.id"},
        indexes={
            "ix_analyses_media_id": ["media_id"],
            "ix_analyses_owner_created": ["owner_id", "created_at", "id"],
            "ix_analyses_status": ["status"],
        },
    )
    create_table(
        "analysis_results",
        uid("analysis_id"),
        json("result"),
        text("overlay_name", 200, nullable=True),
        key=["analysis_id"],
        references={"analysis_id": "analyses.id"},
    )


def downgrade() -> None:
    drop_tables("analysis_results", "analyses", "media")
