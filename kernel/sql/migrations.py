"""Alembic without ``alembic.ini``: the configuration of a migrations folder, and whether a
database is at its latest revision. pix_core and the proxy each have their own folder and
version table; both use these."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from kernel.sql.engine import make_engine


def alembic_config(script_location: Path, database_url: str) -> Config:
    """The configuration of the migrations in ``script_location``, for ``database_url``
    (read by the folder's ``env.py`` from ``config.attributes``)."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["database_url"] = database_url
    return config


def is_up_to_date(database_url: str, config: Config, version_table: str) -> bool:
    """True when the database is at the latest revision of ``config``'s migrations.
    Raises ``SQLAlchemyError`` when it cannot be reached."""
    heads = set(ScriptDirectory.from_config(config).get_heads())
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection,
                                                 opts={"version_table": version_table})
            return set(context.get_current_heads()) == heads
    finally:
        engine.dispose()
