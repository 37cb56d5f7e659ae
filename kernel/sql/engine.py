"""Engines for SQLite (embedded default) and PostgreSQL (``postgresql+psycopg://``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Dialect, make_url

PING_WHEN_IDLE_FOR = 1.0
"""Seconds a pooled connection may rest before it is pinged on its next checkout.

SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a round trip to the server before
each transaction (8 per GAR login in pix_core). A connection used less than a second ago
is alive unless the server died within that second; a server that is restarted is gone
for longer than that, so every connection that rested through the restart is pinged and
replaced, as with ``pool_pre_ping``.
"""
_RESTING_SINCE = "pixgar_resting_since"


def ensure_sqlite_directory(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(database_url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys switched on for every connection.

    A pooled connection that rested more than :data:`PING_WHEN_IDLE_FOR` is pinged when
    checked out, and replaced if the server does not answer.
    """
    ensure_sqlite_directory(database_url)
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "checkin", _resting)
    event.listen(engine, "checkout", _ping_if_rested(engine.dialect))
    return engine


def _resting(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        record.info[_RESTING_SINCE] = time.monotonic()


def _ping_if_rested(dialect: Dialect) -> Any:
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_RESTING_SINCE)
        if since is None or time.monotonic() - since < PING_WHEN_IDLE_FOR:
            return  # new, or used a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:  # the pool replaces it and tries again
            raise exc.DisconnectionError(f"pooled connection lost: {type(error).__name__}"
                                         ) from error

    return checkout


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
