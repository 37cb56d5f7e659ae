"""Redis and PostgreSQL servers started (and stopped) by a test, on free ports, in temp dirs.

The failing-closed suite stops and restarts them in the middle of logins; the machine's
shared Redis (6379) and PostgreSQL (5432) are never touched. The servers are
``pixgar.bench.services``' (``pixgar bench`` runs on them too); here a missing binary
skips the test, saying why. Every ``start`` is paired with a ``close`` in a finalizer.
"""

from __future__ import annotations

import pytest

from pixgar.bench.services import PostgresCluster, RedisServer, ServiceUnavailable, free_port

__all__ = ["ThrowawayPostgres", "ThrowawayRedis", "free_port"]


class ThrowawayRedis(RedisServer):
    """A throwaway ``redis-server``; the test is skipped when it is not installed."""

    def __init__(self) -> None:
        try:
            super().__init__()
        except ServiceUnavailable as missing:
            pytest.skip(str(missing))


class ThrowawayPostgres(PostgresCluster):
    """A throwaway PostgreSQL cluster; the test is skipped when it cannot run here."""

    def __init__(self) -> None:
        try:
            super().__init__()
        except ServiceUnavailable as missing:
            pytest.skip(str(missing))

    def start(self) -> ThrowawayPostgres:
        try:
            super().start()
        except ServiceUnavailable as missing:
            pytest.skip(str(missing))
        return self
