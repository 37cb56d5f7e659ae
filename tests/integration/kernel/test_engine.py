"""kernel/sql/engine.py on PostgreSQL: a checkout looks at the resting connection's socket
instead of pinging the server; a connection the server ended is replaced before use."""

from __future__ import annotations

import time

import psycopg
import pytest
import sqlalchemy as sa

from kernel.sql.engine import make_engine


@pytest.fixture
def engine(postgres_server_url):
    engine = make_engine(postgres_server_url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_args: statements.append(statement))
    engine.statements = statements  # type: ignore[attr-defined]
    pings: list[object] = []  # pool_pre_ping's round trip, were it on
    real_ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi: pings.append(dbapi) or real_ping(dbapi)  # type: ignore[method-assign]
    engine.pings = pings  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def terminate(postgres_server_url: str, pid: int) -> None:
    admin = sa.engine.make_url(postgres_server_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)  # the backend's "terminating connection" message reaches our socket


def test_a_resting_healthy_connection_is_reused_without_a_round_trip(engine):
    first = backend_pid(engine)
    engine.statements.clear()

    assert backend_pid(engine) == first
    assert engine.statements == ["SELECT pg_backend_pid()"]
    assert engine.pings == []


def test_a_connection_the_server_ended_is_replaced_before_use(engine, postgres_server_url):
    dead = backend_pid(engine)
    terminate(postgres_server_url, dead)

    alive = backend_pid(engine)  # no error: the checkout saw the socket closed

    assert alive != dead


def test_every_pooled_connection_the_server_ended_is_replaced(engine, postgres_server_url):
    """A restart ends every connection at once: none of them reaches a request."""
    connections = [engine.connect() for _ in range(3)]
    pids = [int(c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()) for c in connections]
    for connection in connections:
        connection.close()
    for pid in pids:
        terminate(postgres_server_url, pid)

    held = [engine.connect() for _ in range(3)]
    try:
        fresh = {int(c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()) for c in held}
    finally:
        for connection in held:
            connection.close()

    assert fresh.isdisjoint(pids)
