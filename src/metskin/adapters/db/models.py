"""Every table module, listed once: import this to have all tables in `SQLModel.metadata`
(Alembic's env.py, the unit of work, the tests)."""

from __future__ import annotations

from sqlmodel import SQLModel

from metskin.adapters.db import (  # noqa: F401  (each module declares its tables)
    accounts,
    analysis,
    apikeys,
    appointments,
    catalog,
    checkins,
    content,
    directory,
    inbox,
    labels,
    money,
    notifications,
    privacy,
    privacy_consents,
    recommendations,
    referrals,
    reminders,
    sharing,
    skinmodel,
)

metadata = SQLModel.metadata
