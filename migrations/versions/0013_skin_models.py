"""skin models: the registry of learned skin model versions and the scores of one in shadow"""

import sqlalchemy as sa
from migration_helpers import at, create_table, drop_tables, json, text, uid

revision = "0013"
down_revision = "0012"


def number(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)


def upgrade() -> None:
    create_table(
        "skin_models",
        number("version"),
        text("state", 16),
        text("dataset_hash", 64),
        text("code_version", 64),
        text("weights", 120),
        text("uses", 200),
        json("metrics"),
        json("card"),
        at("created_at"),
        at("promoted_at", nullable=True),
        at("retired_at", nullable=True),
        key=("version",),
        indexes={"ix_skin_models_state": ["state"]},
    )
    create_table(
        "skin_model_scores",
        uid("analysis_id"),
        number("version"),
        json("scores"),
        json("shown"),
        at("created_at"),
        key=("analysis_id", "version"),
        references={"analysis_id": "analyses.id", "version": "skin_models.version"},
        indexes={"ix_skin_model_scores_version": ["version"]},
    )


def downgrade() -> None:
    drop_tables("skin_model_scores", "skin_models")
