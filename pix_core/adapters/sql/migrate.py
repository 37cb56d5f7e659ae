"""Programmatic Alembic: ``upgrade(database_url)`` brings a database to the latest schema.

No ``alembic.ini`` is needed: the script location is this package's ``migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from pix_core.adapters.sql.engine import ensure_sqlite_directory, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (``head`` by default)."""
    ensure_sqlite_directory(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def is_up_to_date(database_url: str, config: Config | None = None,
                  version_table: str = "alembic_version") -> bool:
    """True when the database is at the latest revision of ``config``'s migrations
    (pix_core's by default). Raises ``SQLAlchemyError`` when it cannot be reached."""
    config = config or alembic_config(database_url)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection,
                                                 opts={"version_table": version_table})
            return set(context.get_current_heads()) == heads
    finally:
        engine.dispose()
