"""users.phone_verified: the number its owner proved with a texted code

Any number typed into the profile got appointment and check-in SMS, so a typo texted a
stranger about someone's dermatology appointments. SMS now go only to `phone` when it equals
`phone_verified` (`Profile.sms_number`); a code sent to the number sets it (requestPhoneCode,
verifyPhone), and changing `phone` leaves it behind.

Existing rows with a phone get phone_verified = phone: those numbers have been getting SMS
(reminders, confirmations) until now and nobody reported one as wrong, so they keep getting
them rather than all going silent on the day of the upgrade. New and changed numbers are
verified. The downgrade drops the column (the old code texts every number anyway).
"""

import sqlalchemy as sa
from alembic import op
from migration_helpers import text

revision = "0020"
down_revision = "0019"


def upgrade() -> None:
    op.add_column("users", text("phone_verified", 20, nullable=True))  # plain ALTER TABLE
    users = sa.table("users", sa.column("phone", sa.String(20)), sa.column("phone_verified"))
    op.execute(
        users.update().where(users.c.phone.is_not(None)).values(phone_verified=users.c.phone)
    )


def downgrade() -> None:
    op.drop_column("users", "phone_verified")
