"""pyop's codes, access tokens and claims in Redis: hashed keys, hash tags, sealed values.

pyop's own Redis storage keys a code or a token by its value in clear
(``authz_codes:<code>``), keeps the claims readable, and opens its own connection with
``Redis.from_url`` (which knows neither Sentinel nor Cluster). This one is given the
proxy's client (proxy/stores/connection.py), so it follows a Sentinel failover and a
Cluster's slots; its keys are ``pixgar:oidc:<collection>:{sha256(key)}``, the tag being the
hashed code, token or user id, the same tag as the other keys of that code or user
(docs/scaling.md); its values are sealed (proxy/stores/seal.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import redis
from pyop.storage import StorageBase

from proxy.stores.connection import hashed, tagged
from proxy.stores.login_step import delete, read, write
from proxy.stores.seal import BrokenSeal, Seal

logger = logging.getLogger(__name__)
PREFIX = "pixgar:oidc:"


def record_key(collection: str, key: str) -> str:
    """The Redis key of ``key`` in ``collection`` (its hash tag: the hashed key)."""
    return tagged(f"{PREFIX}{collection}:", hashed(key))


class SealedRecords(StorageBase):  # type: ignore[misc]  # pyop's base is untyped
    """A pyop storage (``codes[code] = info``) whose entries expire after ``ttl_seconds``."""

    def __init__(self, client: redis.Redis, collection: str, ttl_seconds: int,
                 seal: Seal) -> None:
        self._redis = client
        self._collection = collection
        self._ttl = ttl_seconds
        self._seal = seal

    def __setitem__(self, key: str, value: Any) -> None:
        redis_key = record_key(self._collection, key)
        plain = json.dumps(value, separators=(",", ":")).encode("utf-8")
        write(self._redis, redis_key, self._seal.seal(redis_key, plain), self._ttl)

    def __getitem__(self, key: str) -> Any:
        redis_key = record_key(self._collection, key)
        sealed = read(self._redis, redis_key)
        if sealed is None:
            raise KeyError(self._collection)
        try:
            return json.loads(self._seal.open(redis_key, sealed))
        except BrokenSeal as broken:
            logger.warning("%s record with a broken seal (%s): treated as absent",
                           self._collection, broken)
            raise KeyError(self._collection) from None

    def __delitem__(self, key: str) -> None:
        delete(self._redis, record_key(self._collection, key))

    def __contains__(self, key: object) -> bool:
        try:
            self[str(key)]
        except KeyError:
            return False
        return True

    def items(self) -> Iterator[tuple[str, Any]]:
        """Refused: keys are hashed, and a scan is what a national store cannot afford."""
        raise NotImplementedError(f"{self._collection} is looked up by key, never scanned")

    def pack(self, value: Any) -> str:
        raise NotImplementedError("stateful storage")
