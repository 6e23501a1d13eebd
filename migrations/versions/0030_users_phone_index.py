"""users.phone indexed: a reply to our SMS number finds its accounts without a scan

Each message sent to our SMS number (`POST /webhooks/sms`: STOP, START) looks up the active
accounts whose verified phone sent it (`SqlUserRepository.ids_with_verified_phone`). With no
index on `users.phone` every reply read the whole users table. The upgrade adds the index (the
same on MariaDB and SQLite; nothing else changes); the downgrade drops it.
"""

from alembic import op

revision = "0030"
down_revision = "0029"
INDEX = "ix_users_phone"


def upgrade() -> None:
    op.create_index(INDEX, "users", ["phone"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
