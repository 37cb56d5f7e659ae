"""Attempt limits: the sliding-window rule and the limiter, no I/O. Each context names
its own rules (``RateLimitRule``) beside the action they limit.

A rule allows ``limit`` attempts per ``window`` for one subject (an e-mail address, a
client IP, a user id...). Counting is a *sliding window estimate*: the attempts of the
current fixed window plus those of the previous one, weighted by how much of it still
overlaps the last ``window`` (so no burst of twice the limit around a window boundary).

Every attempt is counted *before* it is checked, through one atomic increment in shared
storage (``AttemptCounter``: the ``rate_limit_counters`` table in production), so
parallel requests on several workers cannot slip through between a read and a write.
Refused attempts count too: hammering keeps the door shut. Subjects are hashed before
they reach the counter, so no e-mail address or IP is stored.

Time comes from the injected clock only.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from kernel.clock import Clock
from pix_core.shared.domain.errors import PixError


@dataclass(frozen=True)
class RateLimitRule:
    """``name`` is log-safe and part of the counter key: keep it stable."""

    name: str
    limit: int
    window: timedelta

    @property
    def window_seconds(self) -> int:
        return int(self.window.total_seconds())


ATTEMPT_WINDOW = timedelta(minutes=15)
"""The window of every rule so far."""


class TooManyAttempts(PixError):
    """Over a rule's limit: ``retry_after`` seconds before an attempt may pass again."""

    kind = "rate_limited"

    def __init__(self, rule: RateLimitRule, retry_after: int) -> None:
        super().__init__(f"rate_limited:{rule.name}")
        self.rule = rule
        self.retry_after = retry_after


class AttemptCounter(Protocol):
    """Shared, atomic counters: one row per (key, window index)."""

    def hit(self, key: str, window: int, expires_at: int) -> tuple[int, int]:
        """Add one attempt to ``(key, window)`` atomically; return its new count and the
        count of ``(key, window - 1)`` (0 when absent). ``expires_at`` (epoch seconds) is
        when the row may be deleted."""
        ...


def counter_key(rule: RateLimitRule, subject: str) -> str:
    digest = hashlib.sha256(f"{rule.name}\x00{subject}".encode()).hexdigest()
    return f"{rule.name}:{digest}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds; 0 when allowed


def decide(rule: RateLimitRule, current: int, previous: int, elapsed: float) -> Decision:
    """``current`` attempts (this one included) in the window started ``elapsed`` seconds
    ago, ``previous`` in the window before it."""
    w = rule.window_seconds
    if current + previous * (w - elapsed) / w <= rule.limit:
        return Decision(True, 0)
    # The earliest moment a new attempt (+1) would pass, if nobody tries meanwhile.
    # In this window: current + 1 + previous * (w - e) / w <= limit.
    same = w * (1 - (rule.limit - current - 1) / previous) if previous else math.inf
    if current + 1 <= rule.limit and same <= w:
        wait = same - elapsed
    else:  # in the next window: 1 + current * (w - e) / w <= limit
        wait = (w - elapsed) + w * max(0.0, 1 - (rule.limit - 1) / current)
    return Decision(False, max(1, math.ceil(wait)))


class RateLimiter:
    def __init__(self, counter: AttemptCounter, clock: Clock) -> None:
        self.counter = counter
        self.clock = clock

    def hit(self, rule: RateLimitRule, subject: str) -> None:
        """Count one attempt of ``subject``; raise ``TooManyAttempts`` when over the limit."""
        now = self.clock().timestamp()
        w = rule.window_seconds
        window = int(now // w)
        current, previous = self.counter.hit(
            counter_key(rule, subject), window, (window + 2) * w
        )
        decision = decide(rule, current, previous, now - window * w)
        if not decision.allowed:
            raise TooManyAttempts(rule, decision.retry_after)


class InMemoryAttemptCounter:
    """One process only (tests, single-worker tools); ``create_app`` wires the SQL one."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], int] = {}

    def hit(self, key: str, window: int, expires_at: int) -> tuple[int, int]:
        self.rows[key, window] = self.rows.get((key, window), 0) + 1
        return self.rows[key, window], self.rows.get((key, window - 1), 0)
