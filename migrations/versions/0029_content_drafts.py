"""content_edits.published: an article or video saved as a draft

An administrator's article or video was live the moment it was saved, and the only way to take
it down was to delete it, with its translations. An item is now a draft (read by editors only:
not in the lists, the search, /learn or a routine's tips) until it is published, and can be
taken back to draft with its translations kept.

The upgrade adds the column, every existing edit published (as it was). The downgrade hides the
drafts as deleted before dropping the column: the older code would show a draft to everyone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"


def upgrade() -> None:
    op.add_column(
        "content_edits",
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    edits = sa.table("content_edits", sa.column("deleted", sa.Boolean()), sa.column("published", sa.Boolean()))
    op.execute(edits.update().where(edits.c.published == sa.false()).values(deleted=True))
    op.drop_column("content_edits", "published")
