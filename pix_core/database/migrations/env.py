"""Alembic environment: the URL comes from ``config.attributes`` (see ``migrate.py``).

The schema is every context's tables and the roster's (``database.schema``), all on the
one shared metadata of ``kernel.sql.base``.
"""

from __future__ import annotations

from alembic import context

from kernel.sql.engine import make_engine
from pix_core.database.schema import METADATA

config = context.config
target_metadata = METADATA


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    return str(url)


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
