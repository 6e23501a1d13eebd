"""skin model replaces: the version live when a version was promoted, which rollback brings back

Filled in for versions promoted before: a promotion retired the version it replaced at its own
`promoted_at`, so that version is the RETIRED one whose `retired_at` equals it (a version a
rollback retired carries the rollback's time instead).
"""

import sqlalchemy as sa
from alembic import op
from migration_helpers import column

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    op.add_column("skin_models", column("replaces", sa.Integer(), nullable=True))
    models = sa.table(
        "skin_models",
        sa.column("version"),
        sa.column("state"),
        sa.column("promoted_at"),
        sa.column("retired_at"),
        sa.column("replaces"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(models.c.version, models.c.state, models.c.promoted_at, models.c.retired_at)
    ).all()
    for version, _, promoted_at, _ in rows:
        replaced = [
            r.version
            for r in rows
            if promoted_at is not None
            and r.state == "RETIRED"
            and r.retired_at == promoted_at
            and r.version != version
        ]
        if len(replaced) == 1:
            connection.execute(
                models.update().where(models.c.version == version).values(replaces=replaced[0])
            )


def downgrade() -> None:
    op.drop_column("skin_models", "replaces")
