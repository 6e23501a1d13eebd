"""one active share of the same: the database keeps at most one

`share` reuses the active share of the same patient, dermatologist and analysis, but two
requests at the same moment both found none and both inserted one; revoking one left the
access open through the other. MariaDB has no partial index, so the share gets a column that
holds what it covers (its analysis, or ALL) while it may be active and NULL once revoked, and
a unique key on (patient_id, doctor_id, active_target): NULLs never collide, on both engines.

Before the key, the active shares that repeat one another are merged: the oldest of each
(created_at, then id) is kept, until the latest of their expiries, and the others are marked
revoked now (they stay in the patient's list of shares, as a revoke leaves them). Shares that
are revoked or expired get no target: they can never be active again. Downgrade drops the
key and the column; the merged shares stay revoked.
"""

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from migration_helpers import UUID_LENGTH, text

from metskin.adapters.db.types import UTCDateTime

revision = "0017"
down_revision = "0016"

shares = sa.table(
    "analysis_shares",
    sa.column("id"),
    sa.column("patient_id"),
    sa.column("doctor_id"),
    sa.column("analysis_id"),
    sa.column("created_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
    sa.column("revoked_at", UTCDateTime()),
    sa.column("active_target"),
)


def upgrade() -> None:
    op.add_column("analysis_shares", text("active_target", UUID_LENGTH, nullable=True))
    now = datetime.now(UTC)
    connection = op.get_bind()
    active = connection.execute(
        sa.select(shares.c.id, shares.c.patient_id, shares.c.doctor_id, shares.c.analysis_id)
        .add_columns(shares.c.expires_at)
        .where(shares.c.revoked_at.is_(None), shares.c.expires_at > now)
        .order_by(shares.c.created_at, shares.c.id)
    ).all()
    same: dict[tuple[str, str, str], list[sa.Row]] = defaultdict(list)
    for row in active:
        same[(row.patient_id, row.doctor_id, row.analysis_id or "ALL")].append(row)
    for (_, _, target), (kept, *others) in same.items():
        connection.execute(
            shares.update()
            .where(shares.c.id == kept.id)
            .values(
                active_target=target,
                expires_at=max(row.expires_at for row in (kept, *others)),
            )
        )
        if others:
            connection.execute(
                shares.update()
                .where(shares.c.id.in_([row.id for row in others]))
                .values(revoked_at=now)
            )
    with op.batch_alter_table("analysis_shares", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_analysis_shares_active", ["patient_id", "doctor_id", "active_target"]
        )


def downgrade() -> None:
    with op.batch_alter_table("analysis_shares", schema=None) as batch_op:
        batch_op.drop_constraint("uq_analysis_shares_active", type_="unique")
        batch_op.drop_column("active_target")
