"""What a ``pixgar bench`` run does, read from its command line (``command.plan_of``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """What a run does, from the command line."""

    levels: tuple[int, ...]
    logins: int  # per side and level
    batch: int | None  # None: chosen per level
    pupils: int
    warmup: int
    long: bool
    sample_every: int
    baseline: bool

    def batch_size(self, concurrency: int) -> int:
        """Logins per batch: enough to keep ``concurrency`` busy, few enough to sign quickly."""
        return self.batch or min(256, max(16, 8 * concurrency))
