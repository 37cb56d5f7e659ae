"""kernel/sql/engine.py on PostgreSQL: a pooled connection is pinged at every checkout."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from kernel.sql.engine import make_engine


@pytest.fixture
def engine(postgres_server_url):
    engine = make_engine(postgres_server_url)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    engine.pings = pings  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_that_died_is_replaced_before_use(engine, postgres_server_url):
    dead = backend_pid(engine)
    admin = sa.engine.make_url(postgres_server_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (dead,))

    alive = backend_pid(engine)  # no error: the ping found it dead, the pool replaced it

    assert alive != dead
    assert len(engine.pings) == 1
