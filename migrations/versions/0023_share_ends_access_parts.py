"""analysis_shares.end_told_at, access_log.part: a share that runs out is told on the
dermatologist's dashboard; the access log says which part of an analysis was fetched

A revoke wrote a SHARE_REVOKED dashboard event; a share that ran out wrote nothing. A periodic
scan now writes a SHARE_EXPIRED event for each share that ran out, once: `end_told_at` is when
it did. Shares that ran out before this migration are marked told (at their expiry): their
events would all arrive on the day of the upgrade, long after the fact.

One look at a shared analysis writes several rows (the result, the photo, its thumbnail, the
overlay); `part` says which (NULL for the rows written before, and for reads other than of an
analysis). The downgrade drops both columns.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from migration_helpers import at, text

from metskin.adapters.db.types import UTCDateTime

revision = "0023"
down_revision = "0022"


def upgrade() -> None:
    op.add_column("analysis_shares", at("end_told_at", nullable=True))  # plain ALTER TABLE
    op.add_column("access_log", text("part", 12, nullable=True))
    shares = sa.table(
        "analysis_shares",
        sa.column("expires_at", UTCDateTime()),
        sa.column("revoked_at", UTCDateTime()),
        sa.column("end_told_at", UTCDateTime()),
    )
    ran_out = sa.and_(shares.c.revoked_at.is_(None), shares.c.expires_at <= datetime.now(UTC))
    op.execute(shares.update().where(ran_out).values(end_told_at=shares.c.expires_at))


def downgrade() -> None:
    op.drop_column("access_log", "part")
    op.drop_column("analysis_shares", "end_told_at")
