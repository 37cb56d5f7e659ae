"""kernel/sql/engine.py on PostgreSQL: pooled connections pinged only after a rest."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

import kernel.sql.engine
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


def test_a_connection_used_a_moment_ago_is_not_pinged_again(engine):
    for _ in range(5):
        backend_pid(engine)

    assert engine.pings == []


def test_a_connection_that_rested_and_died_is_replaced_before_use(engine, postgres_server_url,
                                                                   monkeypatch):
    dead = backend_pid(engine)
    admin = sa.engine.make_url(postgres_server_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (dead,))
    monkeypatch.setattr(kernel.sql.engine, "PING_WHEN_IDLE_FOR", 0.0)  # it rested long enough

    alive = backend_pid(engine)  # no error: the ping found it dead, the pool replaced it

    assert alive != dead
    assert len(engine.pings) == 1
