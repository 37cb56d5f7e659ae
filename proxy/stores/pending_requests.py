"""AuthnRequest IDs sent to the GAR and not yet answered, shared by every worker."""

from __future__ import annotations

import redis

from proxy.stores.connection import hashed, tagged

PREFIX = "pixgar:authn-request:"


def pending_key(request_id: str) -> str:
    """``pixgar:authn-request:{sha256(id)}``: a single-key store, tagged by itself."""
    return tagged(PREFIX, hashed(request_id))


class PendingRequests:
    """Remember an AuthnRequest ID until its response arrives; each ID is answered once."""

    def __init__(self, client: redis.Redis, ttl_seconds: int) -> None:
        self._redis = client
        self._ttl = ttl_seconds

    def remember(self, request_id: str) -> None:
        """Record ``request_id`` as outstanding for ``ttl_seconds``."""
        self._redis.set(pending_key(request_id), b"1", ex=self._ttl)

    def consume(self, request_id: str) -> bool:
        """Atomically forget ``request_id``; True only for the first caller, on any worker."""
        return self._redis.getdel(pending_key(request_id)) is not None
