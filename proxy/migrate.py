"""``upgrade(database_url)``: the proxy's own tables (pseudonym records), by Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from kernel.sql import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "proxy_alembic_version"


def alembic_config(database_url: str) -> Config:
    return migrations.alembic_config(MIGRATIONS, database_url)


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the proxy's tables to ``revision`` (they live beside pix_core's, in their own
    version table, so the two schemas evolve independently)."""
    command.upgrade(alembic_config(database_url), revision)


def is_up_to_date(database_url: str) -> bool:
    """True when the proxy's tables are at their latest revision."""
    return migrations.is_up_to_date(database_url, alembic_config(database_url), VERSION_TABLE)
