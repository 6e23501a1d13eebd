"""routine_changes_pending: a change said while a photo is measured, kept beside the routine

A change said (a profile, a rating, a product taken off sale) while the photo of the routine a
person follows was measured was kept inside that routine's saved payload
(`routines.routine["why_pending"]`), to be told once the routine was rebuilt at the result.
One never used (the rebuild found the same products) stayed there for good, and so in the
person's data export, as if it were part of the routine recommended; and two changes kept only
the last one. The table keeps each why said, per person, in the order said (said again: kept
once), until a change is told with them or the routine is rebuilt up to date.

The upgrade creates the table and takes `why_pending` out of every routine's payload: kept in
the table when that routine is still the person's newest and its analysis is still queued or
running (a change waiting for the result); dropped otherwise (one never used). The downgrade
writes the last why said back into the person's newest routine and drops the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from migration_helpers import at, create_table, drop_tables, text, uid

from metskin.adapters.db.types import UTCDateTime

revision = "0026"
down_revision = "0025"

KEY = "why_pending"
WHY_LENGTH = 24

_routines = sa.table(
    "routines",
    sa.column("id", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("analysis_id", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("routine", sa.JSON()),
)
_analyses = sa.table("analyses", sa.column("id", sa.String()), sa.column("status", sa.String()))
_pending = sa.table(
    "routine_changes_pending",
    sa.column("user_id", sa.String()),
    sa.column("why", sa.String()),
    sa.column("said_at", UTCDateTime()),
)


def _newest(connection: sa.Connection, user_id: str) -> Any:
    query = (
        sa.select(_routines.c.id, _routines.c.analysis_id, _routines.c.routine)
        .where(_routines.c.user_id == user_id)
        .order_by(_routines.c.created_at.desc(), _routines.c.id.desc())
        .limit(1)
    )
    return connection.execute(query).first()


def upgrade() -> None:
    create_table(
        "routine_changes_pending",
        uid("user_id"),
        text("why", WHY_LENGTH),
        at("said_at"),
        key=("user_id", "why"),
        references={"user_id": "users.id"},
    )
    connection = op.get_bind()
    holding = sa.select(_routines.c.id, _routines.c.user_id, _routines.c.routine).where(
        sa.cast(_routines.c.routine, sa.Text).like(f'%"{KEY}"%')
    )
    now = datetime.now(UTC)
    for routine_id, user_id, payload in connection.execute(holding).all():
        if not isinstance(payload, dict) or KEY not in payload:
            continue
        why = str(payload.pop(KEY) or "")[:WHY_LENGTH]
        connection.execute(
            _routines.update().where(_routines.c.id == routine_id).values(routine=payload)
        )
        newest = _newest(connection, user_id)
        status = connection.execute(
            sa.select(_analyses.c.status).where(_analyses.c.id == newest.analysis_id)
        ).scalar()
        if why and newest.id == routine_id and status in ("queued", "running"):
            connection.execute(_pending.insert().values(user_id=user_id, why=why, said_at=now))


def downgrade() -> None:
    connection = op.get_bind()
    said = sa.select(_pending.c.user_id, _pending.c.why).order_by(
        _pending.c.user_id, _pending.c.said_at, _pending.c.why
    )
    last = {user_id: why for user_id, why in connection.execute(said).all()}
    for user_id, why in last.items():
        newest = _newest(connection, user_id)
        if newest is not None:
            payload = {**(newest.routine or {}), KEY: why}
            connection.execute(
                _routines.update().where(_routines.c.id == newest.id).values(routine=payload)
            )
    drop_tables("routine_changes_pending")
