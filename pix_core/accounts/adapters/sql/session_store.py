"""Server-side web sessions in the ``sessions`` table (works across workers)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, bindparam, delete, insert, select, update

from kernel.sql.base import as_utc
from pix_core.accounts.adapters.sql.tables import SessionRow

_SESSIONS: Table = SessionRow.__table__  # type: ignore[assignment]
PURGE_EVERY = timedelta(minutes=5)
"""How often a process deletes expired sessions (at a session's creation); ``load`` refuses
an expired one anyway, so the purge only keeps the table small."""


# Built once: a login runs these four or five times, and building a statement (then its
# cache key) cost about as much as sending it.
_NEW = insert(_SESSIONS).values(
    id_hash=bindparam("new_hash"), user_id=bindparam("user_id"), data=bindparam("data"),
    created_at=bindparam("created_at"), expires_at=bindparam("expires_at"))
_REPLACING = _NEW.add_cte(
    delete(_SESSIONS).where(_SESSIONS.c.id_hash == bindparam("old_hash")).cte("old_session"))
_ONE = _SESSIONS.c.id_hash == bindparam("session_hash")
_LOAD = select(_SESSIONS.c.data, _SESSIONS.c.expires_at).where(_ONE)
_SAVE = update(_SESSIONS).where(_ONE).values(data=bindparam("data"),
                                             user_id=bindparam("user_id"))
_DELETE = delete(_SESSIONS).where(_ONE)
_PURGE = delete(_SESSIONS).where(_SESSIONS.c.expires_at < bindparam("now"))


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SqlSessionStore:
    """Only the SHA-256 of a session id is stored: a database dump yields no cookies.

    Each operation is one statement, run in autocommit: one round trip to the database
    instead of three (BEGIN, the statement, COMMIT); a single statement is atomic anyway.
    """

    def __init__(self, engine: Engine, lifetime: timedelta) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.lifetime = lifetime
        self._next_purge: datetime | None = None  # this process's next purge

    def create(self, data: dict[str, Any], now: datetime) -> str:
        return self.replace(None, data, now)

    def replace(self, old_session_id: str | None, data: dict[str, Any], now: datetime) -> str:
        """A new session holding ``data``; ``old_session_id``'s, if any, is gone with it.

        On PostgreSQL one statement does both (a ``DELETE`` in a ``WITH`` clause): logging
        in, which replaces the visitor's session (no fixation), costs one round trip.
        """
        session_id = secrets.token_urlsafe(32)
        row = {"new_hash": _hash(session_id), "user_id": data.get("user_id"), "data": data,
               "created_at": now, "expires_at": now + self.lifetime}
        with self._engine.connect() as db:
            if self._next_purge is None or now >= self._next_purge:
                self._next_purge = now + PURGE_EVERY
                db.execute(_PURGE, {"now": now})
            if old_session_id is None:
                db.execute(_NEW, row)
            elif db.dialect.name == "postgresql":
                db.execute(_REPLACING, {**row, "old_hash": _hash(old_session_id)})
            else:  # SQLite has no DELETE inside WITH
                db.execute(_DELETE, {"session_hash": _hash(old_session_id)})
                db.execute(_NEW, row)
        return session_id

    def load(self, session_id: str, now: datetime) -> dict[str, Any] | None:
        id_hash = _hash(session_id)
        with self._engine.connect() as db:
            row = db.execute(_LOAD, {"session_hash": id_hash}).first()
            if row is None:
                return None
            if as_utc(row.expires_at) <= now:
                db.execute(_DELETE, {"session_hash": id_hash})
                return None
            return dict(row.data)

    def save(self, session_id: str, data: dict[str, Any]) -> None:
        with self._engine.connect() as db:
            db.execute(_SAVE, {"session_hash": _hash(session_id), "data": data,
                               "user_id": data.get("user_id")})

    def delete(self, session_id: str) -> None:
        with self._engine.connect() as db:
            db.execute(_DELETE, {"session_hash": _hash(session_id)})
