"""Programmatic Alembic: ``upgrade(database_url)`` brings a database to the latest schema.

No ``alembic.ini`` is needed: the script location is this package's ``migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from kernel.sql import migrations
from kernel.sql.engine import ensure_sqlite_directory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(database_url: str) -> Config:
    return migrations.alembic_config(MIGRATIONS, database_url)


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (``head`` by default)."""
    ensure_sqlite_directory(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def is_up_to_date(database_url: str) -> bool:
    """True when the database is at pix_core's latest revision. Raises ``SQLAlchemyError``
    when it cannot be reached."""
    return migrations.is_up_to_date(database_url, alembic_config(database_url), VERSION_TABLE)
