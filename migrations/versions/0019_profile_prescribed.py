"""users.prescribed: the prescription-only actives a doctor prescribed to the person

Routines leave prescription-only products (tretinoin, hydroquinone...) out unless the person
lists the active here. Null for every existing row: read as none (no prescription), so no
routine of theirs changes but for the prescription-only products it had picked.
"""

from alembic import op
from migration_helpers import json

revision = "0019"
down_revision = "0018"


def upgrade() -> None:
    op.add_column("users", json("prescribed", nullable=True))  # plain ALTER TABLE, as in 0016


def downgrade() -> None:
    op.drop_column("users", "prescribed")
