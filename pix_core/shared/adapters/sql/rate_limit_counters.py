"""Attempt counters shared by every worker: the ``rate_limit_counters`` table.

One row per (bucket key, window index); an attempt is one ``INSERT ... ON CONFLICT DO UPDATE
SET count = count + 1 RETURNING count`` (PostgreSQL and SQLite >= 3.35), atomic without
an explicit lock, so concurrent workers never lose or double an attempt.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import BigInteger, Engine, Integer, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from kernel.sql.base import Base


class RateLimitCounterRow(Base):
    __tablename__ = "rate_limit_counters"

    bucket_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_index: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class SqlAttemptCounter:
    """``AttemptCounter`` on the application database (pix_core has no Redis)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = _INSERTS[engine.dialect.name]

    def hit(self, key: str, window: int, expires_at: int) -> tuple[int, int]:
        table = cast(Table, RateLimitCounterRow.__table__)
        upsert = (
            self._insert(table)
            .values(bucket_key=key, window_index=window, count=1, expires_at=expires_at)
            .on_conflict_do_update(
                index_elements=[table.c.bucket_key, table.c.window_index],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        with self.engine.begin() as db:
            current = int(db.execute(upsert).scalar_one())
            previous = db.execute(
                select(table.c.count).where(
                    table.c.bucket_key == key, table.c.window_index == window - 1
                )
            ).scalar_one_or_none()
            if current == 1:  # a new window: forget the rows that expired (any rule)
                window_seconds = expires_at // (window + 2)
                started = window * window_seconds  # <= now
                db.execute(delete(table).where(table.c.expires_at <= started))
        return current, int(previous or 0)
