"""The bench's output: a table per concurrency level, ours beside stock, then one JSON line."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pixgar.bench.figures import CORES, STEPS, SideFigures, latency_ms

CPU_LABELS = {"proxy": "proxy (its children included)", "pix": "pix_core",
              "redis": "redis-server", "database": "postgresql", "driver": "driver (apart)"}


WIDTH = 19


def _cell(value: Any, width: int = WIDTH) -> str:
    if value is None:
        return f"{'-':>{width}}"
    if isinstance(value, float):
        return f"{value:>{width}.1f}"
    return f"{value!s:>{width}}"


def _ratio(ours: float | None, stock: float | None, higher_is_better: bool) -> str:
    """How many times better ours is (throughput: ours/stock; costs: stock/ours)."""
    if not ours or not stock:
        return f"{'-':>12}"
    ratio = ours / stock if higher_is_better else stock / ours
    return f"{ratio:>11.2f}×"


def _percentiles(figures: dict[str, Any]) -> str:
    values = [figures[k] for k in ("p50_ms", "p95_ms", "p99_ms")]
    if values[0] is None:
        return "-"
    return "/".join(f"{v:.0f}" for v in values)


def level_table(level: dict[str, SideFigures]) -> str:
    """One concurrency level: ours and stock side by side."""
    ours, stock = level["ours"], level.get("stock")
    sides = [ours] + ([stock] if stock else [])
    rows = [f"concurrency {ours.concurrency}: {ours.attempted} logins per side "
            "(timed phases only)",
            f"{'':<34}{'ours':>{WIDTH}}{'stock':>{WIDTH}}{'ours better':>12}"]

    def row(label: str, values: list[Any], ratio: str = "") -> None:
        rows.append(f"{label:<34}" + "".join(_cell(v) for v in values)
                    + ("" if len(values) > 1 else f"{'-':>{WIDTH}}") + ratio)

    rates = [side.logins_per_s for side in sides]
    row("logins/s", rates, _ratio(rates[0], rates[-1], True) if stock else "")
    summaries = [side.summary() for side in sides]
    row("login p50/p95/p99 ms", [_percentiles(s["login"]) for s in summaries])
    for step in STEPS:
        row(f"  {step} p50/p95/p99 ms", [_percentiles(s["steps"][step]) for s in summaries])
    rows.append("CPU ms per login")
    for component, label in CPU_LABELS.items():
        values = [side.cpu_ms_per_login(component) for side in sides]
        row(f"  {label}", values,
            _ratio(values[0], values[-1], False) if stock and component != "driver" else "")
    totals = [side.all_cpu_ms_per_login() for side in sides]
    row("  all of the above", totals, _ratio(totals[0], totals[-1], False) if stock else "")
    if stock:
        rows.append("  logins/s ratio were our proxy free (stock's all ÷ ours without "
                    f"its proxy): {_ceiling(ours, stock) or '-'}×")
    for role in ("proxy", "pix"):
        row(f"peak RSS MB {role} (Σ VmHWM)", [side.peak_rss_mib.get(role) for side in sides])
    commands = [side.redis_commands_per_login() for side in sides]
    row("Redis commands per login", commands)
    shares = [side.machine_busy() for side in sides]
    row(f"machine CPU busy % ({CORES} cores)", [s["busy_pct"] for s in shares])
    row("  this side's processes %", [s["bench_pct"] for s in shares])
    row("  other programs %", [s["others_pct"] for s in shares])
    row("errors", [sum(side.errors.values()) for side in sides])
    for side in sides:
        for kind, count in side.errors.most_common():
            example = side.error_examples.get(kind, "")
            rows.append(f"  {side.side}: {count} × {kind}" + (f" ({example})" if example else ""))
    return "\n".join(rows)


def _ceiling(ours: SideFigures, stock: SideFigures) -> float | None:
    """The logins/s ratio the two cores would allow if our proxy cost nothing: the rest of
    a login (pix_core, the stores, the driver) bounds it, whatever the proxy does."""
    rest, whole = ours.all_cpu_ms_per_login(without=("proxy",)), stock.all_cpu_ms_per_login()
    return round(whole / rest, 2) if rest and whole else None


def headline(levels: list[dict[str, SideFigures]], extra: dict[str, Any]) -> dict[str, Any]:
    """The JSON line: the highest concurrency level's figures first, every level after."""
    top = max(levels, key=lambda level: level["ours"].concurrency)
    ours, stock = top["ours"], top.get("stock")
    ours_summary = ours.summary()
    stock_summary = stock.summary() if stock else None

    def stock_value(read: Any) -> Any:
        return read(stock) if stock else None

    rate, base_rate = ours.logins_per_s, stock_value(lambda s: s.logins_per_s)
    cpu, base_cpu = ours.cpu_ms_per_login("proxy"), stock_value(
        lambda s: s.cpu_ms_per_login("proxy"))
    return {
        "concurrency": ours.concurrency,
        "logins": ours.attempted,
        "logins_per_s": rate,
        "baseline_logins_per_s": base_rate,
        "ratio": round(rate / base_rate, 2) if rate and base_rate else None,
        "p50_ms": ours_summary["login"]["p50_ms"],
        "p99_ms": ours_summary["login"]["p99_ms"],
        "baseline_p50_ms": stock_summary["login"]["p50_ms"] if stock_summary else None,
        "baseline_p99_ms": stock_summary["login"]["p99_ms"] if stock_summary else None,
        "cpu_ms_per_login": cpu,
        "baseline_cpu_ms_per_login": base_cpu,
        "cpu_ratio": round(base_cpu / cpu, 2) if cpu and base_cpu else None,
        "pix_cpu_ms_per_login": ours.cpu_ms_per_login("pix"),
        "baseline_pix_cpu_ms_per_login": stock_value(lambda s: s.cpu_ms_per_login("pix")),
        "driver_cpu_ms_per_login": ours.cpu_ms_per_login("driver"),
        "baseline_driver_cpu_ms_per_login": stock_value(
            lambda s: s.cpu_ms_per_login("driver")),
        "all_cpu_ms_per_login": ours.all_cpu_ms_per_login(),
        "baseline_all_cpu_ms_per_login": stock_value(lambda s: s.all_cpu_ms_per_login()),
        "ratio_ceiling_proxy_free": _ceiling(ours, stock) if stock else None,
        "redis_cpu_ms_per_login": ours.cpu_ms_per_login("redis"),
        "database_cpu_ms_per_login": ours.cpu_ms_per_login("database"),
        "peak_rss_mb": round(ours.peak_rss_mib.get("proxy", 0.0), 1),
        "baseline_peak_rss_mb": stock_value(
            lambda s: round(s.peak_rss_mib.get("proxy", 0.0), 1)),
        "redis_commands_per_login": ours.redis_commands_per_login(),
        "baseline_redis_commands_per_login": stock_value(
            lambda s: s.redis_commands_per_login()),
        "errors": sum(sum(level["ours"].errors.values()) for level in levels),
        "baseline_errors": sum(sum(level["stock"].errors.values()) for level in levels)
        if stock else None,
        **extra,
        "levels": [{name: side.summary() for name, side in level.items()} for level in levels],
    }


def memory_line(sample: dict[str, Any]) -> str:
    """One point of the long mode's memory series."""
    parts = [f"after {sample['logins']:>7} logins per side"]
    for side in ("ours", "stock"):
        if side in sample:
            point = sample[side]
            parts.append(f"{side}: proxy RSS {point['proxy_rss_mb']} MB, keys {point['keys']}"
                         + (f", audit stream {point['audit_stream_mb']} MB"
                            if point.get("audit_stream_mb") else ""))
    parts.append(f"Redis used_memory {sample['redis_used_memory_mb']} MB")
    return " | ".join(parts)


def census_table(census: dict[str, dict[str, dict[str, int]]]) -> str:
    """Redis keys per side and pattern: how many, how many never expire, longest TTL left."""
    rows = []
    for side, patterns in census.items():
        if not patterns:
            rows.append(f"  {side}: no keys")
        for pattern, counts in patterns.items():
            rows.append(f"  {side:<6}{pattern:<48}{counts['keys']:>8}{counts['without_ttl']:>8}"
                        f"{counts['max_ttl_s']:>8}")
    return "\n".join(rows)


def server_times(access_logs: dict[str, Path], offsets: dict[str, int]) -> dict[str, Any]:
    """Server-side time per endpoint (gunicorn's ``%(D)s``), from ``offsets`` to the end."""
    found: dict[str, Any] = {}
    for name, path in access_logs.items():
        durations: dict[str, list[float]] = defaultdict(list)
        with path.open("rb") as file:
            file.seek(offsets.get(name, 0))
            for line in file:
                parts = line.decode("utf-8", "replace").split()
                if len(parts) == 4 and parts[3].isdigit():
                    durations[f"{parts[0]} {parts[1]}"].append(int(parts[3]) / 1e6)
        found[name] = {endpoint: {"count": len(values), **latency_ms(values)}
                       for endpoint, values in sorted(durations.items())}
    return found


def server_times_table(times: dict[str, Any]) -> str:
    rows = ["server-side time per endpoint (gunicorn access log), p50/p95/p99 ms"]
    for name, endpoints in times.items():
        for endpoint, figures in endpoints.items():
            rows.append(f"  {name:<14}{endpoint:<36}{figures['count']:>7}  "
                        f"{_percentiles(figures)}")
    return "\n".join(rows)
