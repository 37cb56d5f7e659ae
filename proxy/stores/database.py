"""The proxy's connection to the relational database (pseudonyms, and the roster it reads)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from kernel.sql.engine import PoolSettings, make_engine

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_engine(url: str, pool: Mapping[str, Any] | None = None) -> Engine:
    """One pooled engine per URL and process, its pool bounded by ``pool``.

    ``pool`` is :meth:`PoolSettings.to_config`'s dictionary (``DATABASE_POOL_*``); the
    first caller for a URL sizes its pool, as every caller of one process gets the same
    settings.
    """
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url, PoolSettings(**pool) if pool else None)
        return _engines[url]


def dispose_engines() -> None:
    """Close every pooled connection (at shutdown, or between tests)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
