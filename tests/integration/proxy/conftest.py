"""Databases for the proxy's records: a SQLite file and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import secrets

import pytest
import redis
import sqlalchemy as sa

from proxy.migrate import upgrade
from proxy.stores.database import dispose_engines

POSTGRES_ADMIN_URL = os.environ.get("PIXGAR_TEST_POSTGRES_URL",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_database_url():
    name = f"pixgar_proxy_{secrets.token_hex(4)}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def proxy_database_url(request, tmp_path):
    """A migrated database for the proxy's tables, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'proxy.db'}"
    else:
        url = request.getfixturevalue("postgres_database_url")
    upgrade(url)
    yield url
    dispose_engines()
    if request.param == "postgresql":
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            for table in ("proxy_identifier_subjects", "proxy_roster_subjects"):
                connection.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608  our tables
        engine.dispose()


REDIS_URL = os.environ.get("PIXGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def workers():
    """Two independent Redis connections, as two proxy workers would have."""
    first, second = redis.Redis.from_url(REDIS_URL), redis.Redis.from_url(REDIS_URL)
    first.ping()
    yield first, second
    first.close()
    second.close()
