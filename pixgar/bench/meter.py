"""What is read around each timed phase (CPU, Redis commands) and between batches (memory).

CPU comes from ``/proc`` (``processes.py``): each side's proxy and pix_core process
trees, and, when the bench started them, the Redis server and the PostgreSQL cluster
(shared by both sides, so read around each side's own phases only). Redis commands come
from ``INFO commandstats`` (server-wide: on a Redis other clients use, their commands
count too; the meter's own ``INFO`` calls are left out).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import redis

from pixgar.bench import processes
from pixgar.bench.stacks import Side
from proxy.observability.audit import AuditSettings

AUDIT_STREAM = AuditSettings().stream  # the servers run with the default name
RANDOM_PART = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-.=+/{}]{12,}$")  # ids, codes, tokens, hashes
OWN_COMMANDS = ("info",)


@dataclass(frozen=True)
class Reading:
    cpu_seconds: dict[str, float | None]  # proxy, pix, redis, database; machine (all busy CPU)
    commands: Counter[str]
    at: float = 0.0  # time.monotonic()

    def until(self, later: Reading) -> tuple[dict[str, float | None], Counter[str], float]:
        """What happened between this reading and ``later``: CPU, commands, seconds."""
        cpu = {name: (None if seconds is None or later.cpu_seconds[name] is None
                      else max(0.0, later.cpu_seconds[name] - seconds))  # type: ignore[operator]
               for name, seconds in self.cpu_seconds.items()}
        commands = later.commands.copy()
        commands.subtract(self.commands)
        return cpu, +commands, later.at - self.at


def command_counts(client: redis.Redis) -> Counter[str]:
    """Calls per command since the Redis server started (``INFO commandstats``)."""
    stats: dict[str, Any] = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): int(values["calls"])
                    for name, values in stats.items()
                    if name.removeprefix("cmdstat_") not in OWN_COMMANDS})


class Meter:
    """Reads the servers of each side, the shared Redis and database servers."""

    def __init__(self, sides: dict[str, Side], redis_client: redis.Redis,
                 redis_pid: int | None, database_pid: int | None) -> None:
        self.sides = sides
        self.redis = redis_client
        self.redis_pid = redis_pid
        self.database_pid = database_pid

    def read(self, side: str) -> Reading:
        table = processes.snapshot()

        def cpu(pid: int | None) -> float | None:
            if pid is None or pid not in table:
                return None
            return processes.tree_cpu_seconds(pid, table)

        servers = self.sides[side]
        return Reading(
            {"proxy": cpu(servers.proxy.pid if servers.proxy else None),
             "pix": cpu(servers.pix.pid if servers.pix else None),
             "redis": cpu(self.redis_pid), "database": cpu(self.database_pid),
             "machine": processes.machine_busy_seconds()},
            command_counts(self.redis), time.monotonic())

    def peak_rss_mib(self, side: str) -> dict[str, float]:
        """Each server's sum of its processes' own peaks (``VmHWM``)."""
        return {server.role: processes.tree_memory_mib(server.pid, "VmHWM")
                for server in self.sides[side].servers}

    def memory(self, side: str) -> dict[str, Any]:
        """Now: the proxy's resident memory, Redis's ``used_memory``, the side's key count,
        and the audit stream's memory (it grows by design up to its ``MAXLEN``)."""
        servers = self.sides[side]
        client = redis_for(servers.redis_url)
        try:
            keys = int(client.dbsize())
            stream = client.memory_usage(AUDIT_STREAM) or 0
        finally:
            client.close()
        used: dict[str, Any] = self.redis.info("memory")
        return {"proxy_rss_mb": round(processes.tree_memory_mib(servers.proxy.pid), 1)
                if servers.proxy else None,
                "redis_used_memory_mb": round(int(used["used_memory"]) / 2**20, 2),
                "keys": keys, "audit_stream_mb": round(int(stream) / 2**20, 2)}


def redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def key_pattern(key: str) -> str:
    """A key's name with its random parts (ids, codes, tokens) as ``*``."""
    return ":".join("*" if RANDOM_PART.match(part) else part for part in key.split(":"))


def key_census(url: str, limit: int = 12) -> dict[str, dict[str, int]]:
    """The keys of ``url``'s database by :func:`key_pattern`, the most numerous first.

    Per pattern: ``keys``, ``without_ttl`` (never expire) and ``max_ttl_s`` (the longest
    time to live left), so that what holds memory and for how long shows.
    """
    client = redis_for(url)
    found: dict[str, dict[str, int]] = {}
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(count=1000):
            batch.append(key)
            if len(batch) == 1000:
                _count(client, batch, found)
                batch = []
        _count(client, batch, found)
    finally:
        client.close()
    ranked = sorted(found.items(), key=lambda item: (-item[1]["without_ttl"], -item[1]["keys"]))
    return dict(ranked[:limit])


def _count(client: redis.Redis, keys: list[bytes], found: dict[str, dict[str, int]]) -> None:
    pipeline = client.pipeline(transaction=False)
    for key in keys:
        pipeline.ttl(key)
    for key, ttl in zip(keys, pipeline.execute(), strict=True):
        pattern = key_pattern(key.decode("utf-8", "replace"))
        counts = found.setdefault(pattern, {"keys": 0, "without_ttl": 0, "max_ttl_s": 0})
        counts["keys"] += 1
        if ttl == -1:
            counts["without_ttl"] += 1
        else:
            counts["max_ttl_s"] = max(counts["max_ttl_s"], int(ttl))
