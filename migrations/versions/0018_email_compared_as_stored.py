"""users.email compared byte for byte on MariaDB

The table's collation (utf8mb4_unicode_ci) compares accent- and case-insensitively, so the
unique key and every lookup took "jörg@bücher.de" and "jorg@bucher.de", or "strauß@" and
"strauss@", for one address: the second person could not sign up, and the first one's password
logged in under the other address. Addresses are stored in one canonical form
(`accounts.model.canonical_email`), so a binary collation loses no match. Every address the
old key let in stays unique under the new one. SQLite compares bytes already: nothing to do.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"


def _collate(old: str, new: str) -> None:
    if op.get_bind().dialect.name in ("mysql", "mariadb"):
        op.alter_column(
            "users",
            "email",
            existing_type=sa.String(254, collation=old),
            type_=sa.String(254, collation=new),
            existing_nullable=False,
        )


def upgrade() -> None:
    _collate("utf8mb4_unicode_ci", "utf8mb4_bin")


def downgrade() -> None:
    # Fails on a database that now holds two addresses the old collation takes for one.
    _collate("utf8mb4_bin", "utf8mb4_unicode_ci")
