"""``upgrade(database_url)``: the proxy's own tables (pseudonym records), by Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the proxy's tables to ``revision`` (they live beside pix_core's, in their own
    version table, so the two schemas evolve independently)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    command.upgrade(config, revision)
