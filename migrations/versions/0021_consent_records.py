"""consent_records: each give and withdrawal of the consent to the analysis of one's photos

Face photos analysed for skin conditions are health data (GDPR art. 9): their processing needs
explicit consent that can be withdrawn, and the platform must show when and to which text it
was given. Nothing recorded it. Each row is one give or withdrawal (who, purpose, which way,
when, the version of the text shown); rows are added, never changed.

Existing accounts get no row: they were never asked, so their next upload asks them. The
downgrade drops the table (the old code asks nobody).
"""

import sqlalchemy as sa
from migration_helpers import at, column, create_table, drop_tables, text, uid

revision = "0021"
down_revision = "0020"
TABLE = "consent_records"


def upgrade() -> None:
    create_table(
        TABLE,
        uid("id"),
        uid("user_id"),
        text("purpose", 32),
        column("given", sa.Boolean()),
        at("at"),
        text("text_version", 32),
        references={"user_id": "users.id"},
        indexes={"ix_consent_records_user_purpose_at": ["user_id", "purpose", "at"]},
    )


def downgrade() -> None:
    drop_tables(TABLE)
