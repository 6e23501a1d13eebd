"""content edits: editors' versions of articles and videos, and the editors' log

The packaged articles and videos stay the first edition; a row here replaces (or, deleted,
hides) the packaged item of the same kind and slug.
"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, flag, json, serial_id, text, uid

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    create_table(
        "content_edits",
        text("kind", 16),
        text("slug", 80),
        flag("deleted"),
        json("item"),
        at("edited_at"),
        uid("edited_by"),
        key=("kind", "slug"),
    )
    create_table(
        "editor_log",
        serial_id(),
        at("at"),
        uid("actor_id"),
        text("action", 16),
        text("kind", 16),
        text("target", 80),
        column("summary", sa.Text()),
    )


def downgrade() -> None:
    drop_tables("editor_log", "content_edits")
