"""translated bios: a dermatologist's bio in French and German beside the English one"""

from alembic import op
from migration_helpers import json

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    # {"fr": "...", "de": "..."}; null: English only. Plain ALTER TABLE, as in 0010.
    op.add_column("dermatologist_profiles", json("bio_translations", nullable=True))


def downgrade() -> None:
    op.drop_column("dermatologist_profiles", "bio_translations")
