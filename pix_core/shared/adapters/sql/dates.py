"""Datetimes read back from SQL: SQLite hands them back naive, they were stored in UTC."""

from __future__ import annotations

from datetime import datetime

from kernel.sql.base import as_utc


def maybe_utc(value: datetime | None) -> datetime | None:
    """``as_utc`` for a nullable column."""
    return None if value is None else as_utc(value)
