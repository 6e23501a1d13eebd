"""labels: every label write on an analysis, consent for learning on the profile, and the
people each exported dataset holds

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from migration_helpers import at, create_table, drop_tables, json, text, uid

revision, down_revision = "0010", "0009"


def upgrade() -> None:
    create_table(
        "analysis_labels",
        uid("id"),
        uid("analysis_id"),
        uid("subject_id"),
        uid("author_id"),
        text("source", 16),
        at("created_at"),
        json("body"),
        references={
            "analysis_id": "analyses.id",
            "subject_id": "users.id",
            "author_id": "users.id",
        },
        indexes={
            "ix_analysis_labels_analysis_created": ["analysis_id", "created_at"],
            "ix_analysis_labels_subject": ["subject_id"],
            "ix_analysis_labels_author_id": ["author_id"],
        },
    )
    create_table(
        "dataset_members",
        text("dataset_version", 64),
        uid("subject_id"),
        at("created_at"),
        key=("dataset_version", "subject_id"),
        references={"subject_id": "users.id"},
        indexes={"ix_dataset_members_subject_id": ["subject_id"]},
    )
    # Plain ALTER TABLE, no batch copy: on SQLite a batch would drop and re-create `users`,
    # and the drop cascades to every row pointing at it.
    op.add_column(
        "users",
        sa.Column("learning_consent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("users", at("learning_consent_at", nullable=True))


def downgrade() -> None:
    op.drop_column("users", "learning_consent_at")
    op.drop_column("users", "learning_consent")
    drop_tables("dataset_members", "analysis_labels")
