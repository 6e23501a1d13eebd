"""dermatologist_profiles.practice_phone: the number a patient calls

The web app told a patient whose appointment starts too soon to change online to "call the
practice", and no page, email or text gave a number. A practice now has an optional phone,
in E.164 (`+442079460123`, checked as a patient's profile phone is), set by an
administrator and shown on the directory, the appointment page and the appointment emails.

The upgrade adds the column, empty (null: no number known; `metskin seed` fills the demo
practices' fictional numbers). The downgrade drops it.
"""

from alembic import op
from migration_helpers import text

revision = "0028"
down_revision = "0027"


def upgrade() -> None:
    op.add_column("dermatologist_profiles", text("practice_phone", 20, nullable=True))


def downgrade() -> None:
    op.drop_column("dermatologist_profiles", "practice_phone")
