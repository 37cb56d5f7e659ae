"""The proxy's connection to the relational database (pseudonyms, and the roster it reads)."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from kernel.sql.engine import make_engine

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_engine(url: str) -> Engine:
    """One pooled engine per URL and process."""
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Close every pooled connection (at shutdown, or between tests)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
