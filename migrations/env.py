"""Alembic environment: one set of migrations for SQLite and MariaDB."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import context
from sqlmodel import SQLModel

import metskin.adapters.db.models  # noqa: F401  (every table module)
from metskin.adapters.db.engine import make_engine
from metskin.settings import get_settings

# The revisions import migration_helpers (beside this file) by its bare name.
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    return config.attributes.get("url") or get_settings().effective_database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
