"""The time a candidate has for each challenge, extended by their extra time (%).

The clock is the server's: the challenge's time starts when the server first shows it
(kept in the database, so a reload neither resets nor skips it). An answer sent after the
limit (plus a few seconds for the network) counts as wrong.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

CHALLENGE_TIME_LIMIT = timedelta(minutes=2)
NETWORK_GRACE = timedelta(seconds=5)
MAX_EXTRA_TIME_PERCENT = 200


def time_limit(extra_time_percent: int, base: timedelta = CHALLENGE_TIME_LIMIT) -> timedelta:
    """``base`` × (100 + extra) / 100, to the second (0 % ≤ extra ≤ 200 %)."""
    if not 0 <= extra_time_percent <= MAX_EXTRA_TIME_PERCENT:
        raise ValueError("extra time must be between 0 and 200 %")
    seconds = math.ceil(base.total_seconds() * (100 + extra_time_percent) / 100)
    return timedelta(seconds=seconds)


def seconds_left(started_at: datetime, now: datetime, limit: timedelta) -> int:
    """Whole seconds left on the clock shown to the candidate (never below 0)."""
    return max(0, math.ceil((started_at + limit - now).total_seconds()))


def answered_in_time(started_at: datetime, answered_at: datetime, limit: timedelta) -> bool:
    return answered_at <= started_at + limit + NETWORK_GRACE
