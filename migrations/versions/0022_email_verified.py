"""users.email_verified_at: when the owner proved the address with an emailed link

Anyone could sign up with someone else's address, and that stranger then got reminders about
skin care and dermatologist appointments. An address now gets only the account's own emails
(verification, password reset, address change) until a signed link sent to it comes back
(verifyEmail, or a password reset by an emailed link); the others are held.

Existing accounts count as verified at the time of the migration, as 0020 did for phone
numbers: they have been getting these emails until now and nobody reported one as a
stranger's, so they keep getting them rather than all going silent on the day of the upgrade.
New accounts and changed addresses are verified. The downgrade drops the column (the old code
emails every address anyway).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from migration_helpers import at

from metskin.adapters.db.types import UTCDateTime

revision = "0022"
down_revision = "0021"


def upgrade() -> None:
    op.add_column("users", at("email_verified_at", nullable=True))  # plain ALTER TABLE
    users = sa.table("users", sa.column("email_verified_at", UTCDateTime()))
    op.execute(users.update().values(email_verified_at=datetime.now(UTC)))


def downgrade() -> None:
    op.drop_column("users", "email_verified_at")
