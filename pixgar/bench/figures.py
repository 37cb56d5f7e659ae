"""What a side measured at one concurrency level, and the figures drawn from it.

Pure computation: the driver, the meter and the report fill and read these.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PHASE_A = ("pix_login", "authorization")  # /connexion/gar, then the proxy's authorization
PHASE_B = ("acs", "callback", "profile")  # the signed response, pix_core's callback, /profil
STEPS = PHASE_A + PHASE_B
COMPONENTS = ("proxy", "pix", "redis", "database", "driver")  # whose CPU is read
CORES = os.cpu_count() or 1


def percentile(values: list[float], q: int) -> float | None:
    """The ``q``-th percentile (1..99), interpolated between the closest ranks; None if empty."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def latency_ms(seconds: list[float]) -> dict[str, float | None]:
    """p50, p95, p99 and max of durations in seconds, in milliseconds."""
    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    return {"p50_ms": ms(percentile(seconds, 50)), "p95_ms": ms(percentile(seconds, 95)),
            "p99_ms": ms(percentile(seconds, 99)), "max_ms": ms(max(seconds, default=None))}


def per_login_ms(seconds: float | None, logins: int) -> float | None:
    """``seconds`` of CPU spread over ``logins``, in ms per login; None without logins."""
    if seconds is None or logins <= 0:
        return None
    return round(seconds * 1000 / logins, 2)


@dataclass
class SideFigures:
    """Everything one side's timed phases measured at one concurrency level."""

    side: str
    concurrency: int
    attempted: int = 0
    succeeded: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # "step: what" -> count
    error_examples: dict[str, str] = field(default_factory=dict)  # one per kind
    wall_seconds: float = 0.0  # the timed phases only
    metered_seconds: float = 0.0  # between the meter's readings around them (a bit more)
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    logins: list[float] = field(default_factory=list)  # phase A + phase B of each success
    cpu_seconds: dict[str, float | None] = field(default_factory=dict)  # by COMPONENTS
    redis_commands: Counter[str] = field(default_factory=Counter)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)  # "proxy", "pix"
    retries: int = 0  # requests sent again on a fresh connection (closed keep-alive)

    def add_error(self, kind: str, example: str) -> None:
        self.errors[kind] += 1
        self.error_examples.setdefault(kind, example)

    def add_cpu(self, component: str, seconds: float | None) -> None:
        """Add CPU seconds; a component that cannot be read (None) stays None."""
        if seconds is None:
            self.cpu_seconds[component] = None
        elif component not in self.cpu_seconds or self.cpu_seconds[component] is not None:
            self.cpu_seconds[component] = (self.cpu_seconds.get(component) or 0.0) + seconds

    @property
    def logins_per_s(self) -> float | None:
        if not self.wall_seconds:
            return None
        return round(self.succeeded / self.wall_seconds, 2)

    def cpu_ms_per_login(self, component: str) -> float | None:
        return per_login_ms(self.cpu_seconds.get(component), self.succeeded)

    def all_cpu_ms_per_login(self, without: tuple[str, ...] = ()) -> float | None:
        """What one login costs the machine's cores: every component read (servers,
        stores, driver), less ``without``; None when one of them could not be read."""
        shares = [self.cpu_ms_per_login(c) for c in COMPONENTS if c not in without]
        known = [share for share in shares if share is not None]
        return round(sum(known), 2) if len(known) == len(shares) else None

    def machine_busy(self) -> dict[str, float | None]:
        """Shares of the machine's CPU (%) while this side was metered: all busy, this
        side's processes (servers, stores, driver), the rest (other programs)."""
        capacity = self.metered_seconds * CORES
        busy = self.cpu_seconds.get("machine")
        if not capacity or busy is None:
            return {"busy_pct": None, "bench_pct": None, "others_pct": None}
        own = sum(self.cpu_seconds.get(c) or 0.0 for c in COMPONENTS)
        return {"busy_pct": round(100 * busy / capacity, 1),
                "bench_pct": round(100 * own / capacity, 1),
                "others_pct": round(100 * max(0.0, busy - own) / capacity, 1)}

    def redis_commands_per_login(self) -> float | None:
        if not self.succeeded:
            return None
        return round(sum(self.redis_commands.values()) / self.succeeded, 2)

    def summary(self) -> dict[str, Any]:
        """The side's figures at this level, JSON-ready."""
        per_command = {name: round(count / self.succeeded, 2)
                       for name, count in self.redis_commands.most_common()} \
            if self.succeeded else {}
        return {
            "side": self.side,
            "concurrency": self.concurrency,
            "logins": self.succeeded,
            "attempted": self.attempted,
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors),
            "logins_per_s": self.logins_per_s,
            "login": latency_ms(self.logins),
            "steps": {step: latency_ms(values) for step, values in self.steps.items()},
            "cpu_ms_per_login": {c: self.cpu_ms_per_login(c) for c in COMPONENTS},
            "peak_rss_mb": {k: round(v, 1) for k, v in self.peak_rss_mib.items()},
            "redis_commands_per_login": self.redis_commands_per_login(),
            "redis_commands_by_name": per_command,
            "machine_cpu": {"cores": CORES, **self.machine_busy()},
            "retries": self.retries,
        }


def json_line(document: dict[str, Any]) -> str:
    """``document`` as one line of strict JSON (no NaN, no newline)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
