"""Assertion IDs already accepted, remembered until they expire, across every worker."""

from __future__ import annotations

import datetime as dt

import redis

from proxy.stores.connection import hashed

PREFIX = "pixgar:seen-assertion:"


class ReplayCache:
    """``SET NX`` with expiry at the assertion's NotOnOrAfter (plus the allowed clock skew)."""

    def __init__(self, client: redis.Redis, skew_seconds: int) -> None:
        self._redis = client
        self._skew = dt.timedelta(seconds=skew_seconds)

    def first_time(self, issuer: str, assertion_id: str, not_on_or_after: dt.datetime,
                   now: dt.datetime) -> bool:
        """True the first time this assertion is seen; False for every replay."""
        expires = max(not_on_or_after + self._skew, now + dt.timedelta(seconds=1))
        key = PREFIX + hashed(f"{issuer}\n{assertion_id}")
        return bool(self._redis.set(key, b"1", nx=True, exat=int(expires.timestamp()) + 1))
