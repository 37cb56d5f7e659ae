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
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.cluster import ClusterNode, RedisCluster
from redis.sentinel import Sentinel

SENTINEL_SCHEME = "redis+sentinel"
CLUSTER_SCHEME = "redis+cluster"
TIMEOUTS: dict[str, Any] = {"socket_timeout": 2, "socket_connect_timeout": 2}


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
        sentinel = Sentinel(list(where.nodes), sentinel_kwargs=dict(TIMEOUTS), **TIMEOUTS)
        return sentinel.master_for(where.service_name, db=where.db, password=where.password,
                                   **TIMEOUTS)
    if scheme == CLUSTER_SCHEME:
        where = parse_redis_url(url)
        # the same commands as a single server's client, each routed to its slot's node
        return RedisCluster(  # type: ignore[return-value]
            startup_nodes=[ClusterNode(h, p) for h, p in where.nodes],
            password=where.password, **TIMEOUTS)
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
