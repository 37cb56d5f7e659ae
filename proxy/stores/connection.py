"""One Redis connection pool per URL and process, shared by every store of the proxy."""

from __future__ import annotations

import functools
import hashlib

import redis


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """A client for ``url`` with short timeouts, so a Redis outage fails fast and closed."""
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def hashed(value: str) -> str:
    """Key material that must not appear in clear in Redis (handles, identifiers)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
