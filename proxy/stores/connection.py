"""One Redis client per URL and process, shared by every store of the proxy.

``REDIS_URL`` takes three forms (docs/scaling.md):

- ``redis://[:password@]host:port/db`` (``rediss://`` with TLS, ``unix://``): one server;
- ``redis+sentinel://[:password@]host:port[,host:port...]/service_name[/db]``: the master
  that Redis Sentinel names ``service_name``, found again after a failover (the password,
  if any, is the master's; sentinels are asked without one);
- ``redis+cluster://[:password@]host:port[,host:port...]``: a Redis Cluster, any of its
  nodes to start from (database 0 only: a cluster has no other).

Every client has short timeouts, so an outage fails fast and closed (the 503 page). Keys
carry hash tags (:func:`tagged`): every multi-key command and pipeline of the proxy stays
in one cluster slot.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.cluster import ClusterNode, RedisCluster
from redis.sentinel import Sentinel

logger = logging.getLogger(__name__)
SENTINEL_SCHEME = "redis+sentinel"
CLUSTER_SCHEME = "redis+cluster"
TIMEOUTS: dict[str, Any] = {"socket_timeout": 2, "socket_connect_timeout": 2}
WAIT_MS = 500  # how long a single-use mark waits for its replica before failing closed


class NotReplicated(redis.exceptions.RedisError):
    """A single-use mark reached no replica in time: the login fails closed (503)."""


class RedisUrlError(ValueError):
    """``REDIS_URL`` is malformed; the message says which part (never the password)."""


@dataclass(frozen=True)
class RedisLocation:
    """What a ``REDIS_URL`` names: its scheme, nodes, and for Sentinel the service and db."""

    scheme: str
    nodes: tuple[tuple[str, int], ...]
    service_name: str = ""
    db: int = 0
    password: str | None = None


def parse_redis_url(url: str) -> RedisLocation:
    """Read a Sentinel or Cluster URL (the single-server forms are redis-py's own)."""
    parts = urlsplit(url)
    if parts.scheme not in (SENTINEL_SCHEME, CLUSTER_SCHEME):
        raise RedisUrlError(f"REDIS_URL: {parts.scheme}:// is read by redis-py itself")
    hosts = parts.netloc.rpartition("@")[2]
    password = unquote(parts.password) if parts.password else None
    nodes = tuple(_node(entry) for entry in hosts.split(",") if entry)
    if not nodes:
        raise RedisUrlError("REDIS_URL: no host:port")
    path = [segment for segment in parts.path.split("/") if segment]
    if parts.scheme == CLUSTER_SCHEME:
        if path not in ([], ["0"]):
            raise RedisUrlError("REDIS_URL: a Redis Cluster has database 0 only")
        return RedisLocation(CLUSTER_SCHEME, nodes, password=password)
    if not path or len(path) > 2:
        raise RedisUrlError("REDIS_URL: redis+sentinel://host:port[,host:port]/service_name[/db]")
    db = path[1] if len(path) == 2 else "0"
    if not db.isdigit():
        raise RedisUrlError("REDIS_URL: the database after the service name is a number")
    return RedisLocation(SENTINEL_SCHEME, nodes, path[0], int(db), password)


def _node(entry: str) -> tuple[str, int]:
    host, _, port = entry.rpartition(":")
    if not host or not port.isdigit():
        raise RedisUrlError("REDIS_URL: each node is host:port")
    return host.strip("[]"), int(port)


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """A client for ``url`` (any of the three forms), built once per process."""
    scheme = urlsplit(url).scheme
    if scheme == SENTINEL_SCHEME:
        where = parse_redis_url(url)
        sentinel = Sentinel(  # type: ignore[no-untyped-call]  # redis-py: untyped
            list(where.nodes), sentinel_kwargs=dict(TIMEOUTS), **TIMEOUTS)
        master: redis.Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
            where.service_name, db=where.db, password=where.password, **TIMEOUTS)
        return master
    if scheme == CLUSTER_SCHEME:
        where = parse_redis_url(url)
        nodes = [ClusterNode(h, p) for h, p in where.nodes]  # type: ignore[no-untyped-call]
        # the same commands as a single server's client, each routed to its slot's node
        return RedisCluster(  # type: ignore[return-value]
            startup_nodes=nodes, password=where.password, **TIMEOUTS)
    return redis.Redis.from_url(url, **TIMEOUTS)


def hashed(value: str) -> str:
    """Key material that must not appear in clear in Redis (handles, identifiers)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def tagged(prefix: str, tag: str, rest: str = "") -> str:
    """``prefix{tag}rest``: Redis Cluster places the key by ``tag`` alone.

    Keys that one command or one pipeline touches together get the same ``tag``, so they
    share a slot (docs/scaling.md lists each key's tag).
    """
    return f"{prefix}{{{tag}}}{rest}"


class ReplicaAcks:
    """How many replicas a single-use mark must reach before it counts.

    Redis replicates asynchronously: a replay-cache entry or a redeemed-code mark
    acknowledged by a master that dies before passing it on would be forgotten by the
    replica Sentinel promotes, and the same assertion or code accepted twice. Behind
    Sentinel (``wanted`` 1) the mark is followed by ``WAIT 1`` in the same round trip while
    the master has a replica connected (its ``INFO replication``, read at most every
    ``refresh_seconds``); a master left alone after a failover has no replica to wait for
    and serves on, said once per refresh in the log (docs/scaling.md).
    """

    def __init__(self, client: redis.Redis, wanted: int, refresh_seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self.wanted = wanted
        self._refresh = refresh_seconds
        self._clock = clock
        self._needed = wanted
        self._checked = float("-inf")

    @classmethod
    def for_url(cls, client: redis.Redis, url: str) -> ReplicaAcks:
        return cls(client, 1 if urlsplit(url).scheme == SENTINEL_SCHEME else 0)

    def needed(self) -> int:
        if not self.wanted:
            return 0
        now = self._clock()
        if now - self._checked >= self._refresh:
            self._checked = now
            try:
                info = self._client.info("replication")
                connected = int(info.get("connected_slaves", 0))
            except redis.RedisError:
                connected = self.wanted  # the mark itself will fail, closed
            self._needed = min(self.wanted, connected)
            if self._needed < self.wanted:
                logger.warning("Redis master without replica: single-use marks not replicated")
        return self._needed


def wait_for_replicas(pipe: Any, replicas: int) -> None:
    """Queue ``WAIT replicas WAIT_MS`` on ``pipe`` (nothing when ``replicas`` is 0)."""
    if replicas:
        pipe.execute_command("WAIT", replicas, WAIT_MS)


def check_replicated(results: list[Any], replicas: int) -> None:
    """Raise :class:`NotReplicated` unless the pipeline's last answer (``WAIT``'s) is enough."""
    if replicas and int(results[-1]) < replicas:
        raise NotReplicated("a single-use mark reached no replica")
