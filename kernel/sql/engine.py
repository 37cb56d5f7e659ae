"""Engines for SQLite (embedded default) and PostgreSQL (``postgresql+psycopg://``).

A PostgreSQL engine keeps a bounded pool of connections per process (:class:`PoolSettings`):
a gunicorn worker serves ``GUNICORN_THREADS`` requests at once and a request holds at most
one connection, so the pool is sized to the threads, and a server opens at most
``WEB_CONCURRENCY × (DATABASE_POOL_SIZE + DATABASE_POOL_MAX_OVERFLOW)`` connections
(docs/scaling.md). A request that finds the pool empty waits ``DATABASE_POOL_TIMEOUT``
seconds, then gets SQLAlchemy's ``TimeoutError``: the apps answer it with their
"indisponible" page (503), like a database that is down.
"""

from __future__ import annotations

import select
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

DEFAULT_THREADS = 4  # pixgar serve's GUNICORN_THREADS when unset (pixgar/serve.py)


class PoolSettingsError(ValueError):
    """A pool variable is malformed (the message names it)."""


@dataclass(frozen=True)
class PoolSettings:
    """One process's PostgreSQL pool: ``size`` kept open, ``max_overflow`` more on demand."""

    size: int = DEFAULT_THREADS
    max_overflow: int = 0
    timeout: float = 5.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PoolSettings:
        """``DATABASE_POOL_SIZE`` (default ``GUNICORN_THREADS``, else 4),
        ``DATABASE_POOL_MAX_OVERFLOW`` (0), ``DATABASE_POOL_TIMEOUT`` (5 seconds)."""
        threads = _number(env, "GUNICORN_THREADS", int, DEFAULT_THREADS, minimum=1)
        return cls(size=_number(env, "DATABASE_POOL_SIZE", int, threads, minimum=1),
                   max_overflow=_number(env, "DATABASE_POOL_MAX_OVERFLOW", int, 0, minimum=0),
                   timeout=_number(env, "DATABASE_POOL_TIMEOUT", float, 5.0, minimum=0.001))

    def to_config(self) -> dict[str, Any]:
        """Plain values, for configuration dictionaries (the proxy's microservices)."""
        return {"size": self.size, "max_overflow": self.max_overflow, "timeout": self.timeout}


def _number(env: Mapping[str, str], name: str, kind: type[Any], default: Any,
            minimum: float) -> Any:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise PoolSettingsError(f"{name} must be a number") from None
    if value < minimum:
        raise PoolSettingsError(f"{name} must be at least {minimum:g}")
    return value


def ensure_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(database_url: str, pool: PoolSettings | None = None) -> Engine:
    """Create an engine; SQLite gets foreign keys switched on for every connection.

    ``pool`` bounds a server database's pool (SQLite keeps SQLAlchemy's own pool: one file,
    no server connections to count). A PostgreSQL connection is checked at every checkout
    without a round trip (:func:`_replace_if_closed_by_server`): a restarted server costs no
    request (tests/flows/security/test_fail_closed.py) and a login no ping (docs/performance.md).
    """
    ensure_sqlite_directory(database_url)
    if make_url(database_url).get_backend_name() == "sqlite":
        engine = create_engine(database_url, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    pool = pool or PoolSettings()
    engine = create_engine(database_url, pool_size=pool.size, max_overflow=pool.max_overflow,
                           pool_timeout=pool.timeout)
    event.listen(engine, "checkout", _replace_if_closed_by_server)
    return engine


def _replace_if_closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Checkout: replace a resting connection the server has written to or closed.

    A healthy resting connection has nothing to read: every result was read before it went
    back to the pool. A server that stops or restarts sends its "terminating connection"
    error and closes the socket, so the socket turns readable (or hung up). Looking at it
    costs one ``poll`` where ``pool_pre_ping`` cost a round trip to the server at each of a
    login's dozen checkouts. ``DisconnectionError`` makes the pool open a new connection
    (three tries, then the error reaches the request: the "indisponible" page).
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection was closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(),
                    select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        raise DisconnectionError("the server wrote to or closed a resting connection")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
