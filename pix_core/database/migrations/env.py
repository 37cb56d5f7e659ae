"""Alembic environment: the URL comes from ``config.attributes`` (see ``migrate.py``).

The schema is pix_core's tables and the roster's (``roster.sql.tables``), all on the one
shared metadata of ``kernel.sql.base``.
"""

from __future__ import annotations

from alembic import context

from kernel.sql.base import Base
from kernel.sql.engine import make_engine
from pix_core.adapters.sql import (  # noqa: F401  (they register their tables)
    assessment_tables,
    campaign_tables,
    membership_tables,
    rate_limit_counters,
    tables,
)
from roster.sql import tables as roster_tables  # noqa: F401  (organizations, learners)

config = context.config
target_metadata = Base.metadata


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
