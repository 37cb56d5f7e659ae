"""Alembic environment of the proxy's own tables (version table ``proxy_alembic_version``)."""

from __future__ import annotations

from alembic import context

from kernel.sql.engine import make_engine
from proxy.migrate import VERSION_TABLE
from proxy.stores.pseudonyms import metadata

config = context.config


def run_online() -> None:
    engine = make_engine(str(config.attributes["database_url"]))
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=metadata,
                              version_table=VERSION_TABLE,
                              render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_online()
