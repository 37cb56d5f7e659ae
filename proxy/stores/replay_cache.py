"""Assertion IDs already accepted, remembered until they expire, across every worker."""

from __future__ import annotations

import datetime as dt

import redis

from proxy.stores.connection import (
    ReplicaAcks,
    check_replicated,
    hashed,
    tagged,
    wait_for_replicas,
)

PREFIX = "pixgar:seen-assertion:"


def seen_key(issuer: str, assertion_id: str) -> str:
    """Tagged by the assertion alone, never by the login presenting it.

    A replay arrives in another browser's login: a key tagged by the login would be
    another key, and the replay would pass. One assertion, one key, wherever it comes from.
    """
    return tagged(PREFIX, hashed(f"{issuer}\n{assertion_id}"))


class ReplayCache:
    """``SET NX`` with expiry at the assertion's NotOnOrAfter (plus the allowed clock skew)."""

    def __init__(self, client: redis.Redis, skew_seconds: int,
                 acks: ReplicaAcks | None = None) -> None:
        self._redis = client
        self._skew = dt.timedelta(seconds=skew_seconds)
        self._acks = acks or ReplicaAcks(client, 0)  # behind Sentinel: WAIT 1

    def first_time(self, issuer: str, assertion_id: str, not_on_or_after: dt.datetime,
                   now: dt.datetime) -> bool:
        """True the first time this assertion is seen; False for every replay."""
        expires = max(not_on_or_after + self._skew, now + dt.timedelta(seconds=1))
        replicas = self._acks.needed()
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(seen_key(issuer, assertion_id), b"1", nx=True,
                     exat=int(expires.timestamp()) + 1)
            wait_for_replicas(pipe, replicas)
            results = pipe.execute()
        check_replicated(results, replicas)  # else a failover could forget it
        return bool(results[0])
