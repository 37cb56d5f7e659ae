"""One login step's Redis traffic: reads remembered, writes sent together in one pipeline.

pyop asks for a code or a token two or three times per request (``code in codes`` then
``codes[code]``), and a step writes several keys one after the other (the code, the
claims, the subject index, ``auth_time``). Inside :func:`login_step` (opened around an
OpenID Provider endpoint) every read of a key goes to Redis once, and the writes are sent
as one pipeline when the step ends, *before* its response leaves: a Redis error then
still gives the 503 page and nothing is released that was not stored.

Checks that must be atomic across workers (an authorization code's first redemption,
an AuthnRequest consumed, an assertion seen) never wait in a step: they are sent at once.

The pipeline is not a transaction: its keys have different hash tags (a code's, a
user's, a token's), and in a Redis Cluster they live on different nodes; each command is
single-key, so the step's writes are independent and their order does not matter.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field

import redis

_current: contextvars.ContextVar[Step | None] = contextvars.ContextVar("pixgar_login_step",
                                                                      default=None)


@dataclass
class Step:
    """What one request read and wrote, on one client."""

    client: redis.Redis
    known: dict[str, bytes | None] = field(default_factory=dict)
    writes: list[tuple[str, bytes | None, int | None]] = field(default_factory=list)

    def get(self, key: str) -> bytes | None:
        if key not in self.known:
            self.known[key] = _as_bytes(self.client.get(key))
        return self.known[key]

    def set(self, key: str, value: bytes, ttl: int | None) -> None:
        self.known[key] = value
        self.writes.append((key, value, ttl))

    def delete(self, key: str) -> None:
        self.known[key] = None
        self.writes.append((key, None, None))

    def flush(self) -> None:
        """Send the pending writes in one round trip (one per node in a cluster)."""
        if not self.writes:
            return
        with self.client.pipeline(transaction=False) as pipe:
            for key, value, ttl in self.writes:
                if value is None:
                    pipe.delete(key)
                else:
                    pipe.set(key, value, ex=ttl)
            pipe.execute()
        self.writes.clear()


@contextlib.contextmanager
def login_step(client: redis.Redis) -> Iterator[Step]:
    """Group the Redis traffic of the code inside; the writes are flushed on the way out."""
    step = Step(client)
    token = _current.set(step)
    try:
        yield step
        step.flush()
    finally:
        _current.reset(token)


def current_step(client: redis.Redis) -> Step | None:
    """The open step on ``client``, if any (a store on another client bypasses it)."""
    step = _current.get()
    return step if step is not None and step.client is client else None


def read(client: redis.Redis, key: str) -> bytes | None:
    """``GET key``, through the open step when there is one."""
    step = current_step(client)
    return step.get(key) if step is not None else _as_bytes(client.get(key))


def write(client: redis.Redis, key: str, value: bytes, ttl: int | None) -> None:
    """``SET key value EX ttl``, deferred to the end of the open step when there is one."""
    step = current_step(client)
    if step is not None:
        step.set(key, value, ttl)
    else:
        client.set(key, value, ex=ttl)


def delete(client: redis.Redis, key: str) -> None:
    """``DEL key``, deferred to the end of the open step when there is one."""
    step = current_step(client)
    if step is not None:
        step.delete(key)
    else:
        client.delete(key)


def _as_bytes(value: object) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
