"""SQLite (tmp file) and PostgreSQL (a throwaway database per test session) for pix_core
and the roster (whose tables pix_core's migrations create)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _admin_conninfo() -> str:
    return make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql").render_as_string(False)


@pytest.fixture(scope="session")
def postgres_server_url():
    """A uniquely named database, created for this session and dropped at the end."""
    name = f"pix_core_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as err:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {err}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_databases(postgres_server_url):
    """Hand out one fresh schema per test inside the session database."""
    counter = iter(range(10_000))
    base = make_url(postgres_server_url)

    def new() -> str:
        schema = f"t{next(counter)}"
        conninfo = base.set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            False
        )

    return new


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/db/pix.db"
    return request.getfixturevalue("postgres_databases")()
