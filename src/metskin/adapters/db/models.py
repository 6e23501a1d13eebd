"""Every table module, listed once: import this to have all tables in `SQLModel.metadata`
(Alembic's env.py, the unit of work, the tests)."""

from __future__ import annotations

from sqlmodel import SQLModel

from metskin.adapters.db import (
    accounts,
    analysis,
    appointments,
    directory,
    notifications,
    recommendations,
    referrals,
    sharing,
)

TABLE_MODULES = (
    accounts,
    analysis,
    appointments,
    directory,
    notifications,
    recommendations,
    referrals,
    sharing,
)
metadata = SQLModel.metadata
