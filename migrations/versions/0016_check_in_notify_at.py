"""check-in notify_at: the daytime moment a due check-in found in the person's night waits for

Null for every existing row (nothing put off yet): the scan fills it when it finds a due date
in the evening or night of the person's zone, and the due query skips the row until then.
"""

from alembic import op
from migration_helpers import at

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    op.add_column("check_ins", at("notify_at", nullable=True))  # plain ALTER TABLE, as in 0014


def downgrade() -> None:
    op.drop_column("check_ins", "notify_at")
