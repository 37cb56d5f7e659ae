"""pixgar/bench/figures.py and report.py: percentiles, per-login figures, the JSON line."""

from __future__ import annotations

import json
import math

import pytest

from pixgar.bench.figures import (
    STEPS,
    SideFigures,
    json_line,
    latency_ms,
    per_login_ms,
    percentile,
)
from pixgar.bench.report import headline, level_table, memory_line

REQUIRED_KEYS = {"logins_per_s", "baseline_logins_per_s", "ratio", "p50_ms", "p99_ms",
                 "cpu_ms_per_login", "baseline_cpu_ms_per_login", "pix_cpu_ms_per_login",
                 "driver_cpu_ms_per_login", "peak_rss_mb", "errors"}


def test_percentiles_interpolate_between_the_closest_ranks():
    values = [float(v) for v in range(1, 101)]  # 1..100, in any order
    values.reverse()

    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([0.25], 99) == 0.25
    assert percentile([], 50) is None


def test_a_slow_tail_shows_in_p99_not_in_p50():
    seconds = [0.010] * 98 + [1.0, 2.0]

    figures = latency_ms(seconds)

    assert figures["p50_ms"] == 10.0
    assert figures["p99_ms"] > 900
    assert figures["max_ms"] == 2000.0


def test_cpu_per_login_is_in_milliseconds_and_undefined_without_logins():
    assert per_login_ms(1.5, 100) == 15.0
    assert per_login_ms(1.5, 0) is None
    assert per_login_ms(None, 10) is None


def side(name: str, rate_logins: int, wall: float, proxy_cpu: float) -> SideFigures:
    figures = SideFigures(name, 8, attempted=rate_logins + 1, succeeded=rate_logins,
                          wall_seconds=wall)
    for step in STEPS:
        figures.steps[step] = [0.01 * (i + 1) for i in range(rate_logins)]
    figures.logins = [0.05 * (i + 1) for i in range(rate_logins)]
    for component, seconds in (("proxy", proxy_cpu), ("pix", 0.5), ("redis", 0.1),
                               ("database", None), ("driver", 0.2)):
        figures.add_cpu(component, seconds)
    figures.redis_commands.update({"get": 3 * rate_logins, "set": rate_logins})
    figures.peak_rss_mib = {"proxy": 123.45, "pix": 99.0}
    figures.add_error("acs: HTTP 500", "Erreur interne")
    return figures


def test_cpu_that_cannot_be_read_stays_unknown_once_unknown():
    figures = SideFigures("ours", 1)
    figures.add_cpu("database", 1.0)
    figures.add_cpu("database", None)
    figures.add_cpu("database", 1.0)

    assert figures.cpu_ms_per_login("database") is None


def test_the_json_line_is_one_line_with_every_required_figure():
    ours, stock = side("ours", 100, 10.0, 2.0), side("stock", 20, 10.0, 4.0)

    line = json_line(headline([{"ours": ours, "stock": stock}], {"tls": True}))

    assert "\n" not in line
    document = json.loads(line)
    assert set(document) >= REQUIRED_KEYS
    assert document["logins_per_s"] == 10.0
    assert document["baseline_logins_per_s"] == 2.0
    assert document["ratio"] == 5.0
    assert document["cpu_ms_per_login"] == 20.0  # 2 s of proxy CPU over 100 logins
    assert document["baseline_cpu_ms_per_login"] == 200.0
    assert document["cpu_ratio"] == 10.0
    assert document["errors"] == 1
    assert document["baseline_errors"] == 1
    assert document["redis_commands_per_login"] == 4.0
    assert document["peak_rss_mb"] == 123.5
    assert document["levels"][0]["ours"]["errors_by_kind"] == {"acs: HTTP 500": 1}
    assert document["tls"] is True


def test_the_ceiling_is_what_the_rest_of_a_login_allows_were_our_proxy_free():
    ours, stock = side("ours", 100, 10.0, 2.0), side("stock", 20, 10.0, 4.0)
    for figures in (ours, stock):
        figures.cpu_seconds["database"] = 0.0  # side() left it unreadable

    document = headline([{"ours": ours, "stock": stock}], {})

    # ours: proxy 20 + pix 5 + redis 1 + database 0 + driver 2 ms; stock: 200 + 25 + 5 + 0 + 10
    assert document["all_cpu_ms_per_login"] == 28.0
    assert document["baseline_all_cpu_ms_per_login"] == 240.0
    assert document["ratio_ceiling_proxy_free"] == 30.0  # 240 / (28 - 20)
    assert "were our proxy free" in level_table({"ours": ours, "stock": stock})


def test_the_headline_is_the_highest_concurrency_level():
    low = {"ours": side("ours", 10, 10.0, 1.0), "stock": side("stock", 5, 10.0, 1.0)}
    high = {"ours": side("ours", 40, 10.0, 1.0), "stock": side("stock", 8, 10.0, 1.0)}
    for figures in high.values():
        figures.concurrency = 32

    document = headline([high, low], {})

    assert document["concurrency"] == 32
    assert document["logins_per_s"] == 4.0
    assert len(document["levels"]) == 2


def test_without_a_baseline_its_figures_are_null_not_invented():
    document = headline([{"ours": side("ours", 10, 5.0, 1.0)}], {})

    assert document["baseline_logins_per_s"] is None
    assert document["ratio"] is None
    assert document["baseline_errors"] is None


def test_json_refuses_what_is_not_a_number():
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_line({"p50_ms": math.nan})


def test_the_table_shows_both_sides_errors_and_ratios():
    table = level_table({"ours": side("ours", 100, 10.0, 2.0),
                         "stock": side("stock", 20, 10.0, 4.0)})

    assert "logins/s" in table
    assert "5.00×" in table
    assert "ours: 1 × acs: HTTP 500 (Erreur interne)" in table
    assert "stock: 1 × acs: HTTP 500" in table


def test_the_machine_share_tells_this_side_from_other_programs(monkeypatch):
    monkeypatch.setattr("pixgar.bench.figures.CORES", 2)
    figures = side("ours", 10, 4.0, 1.0)  # own CPU: 1.0 + 0.5 + 0.1 + 0.2 = 1.8 s
    figures.metered_seconds = 5.0  # capacity: 10 CPU seconds
    figures.add_cpu("machine", 9.0)

    assert figures.machine_busy() == {"busy_pct": 90.0, "bench_pct": 18.0, "others_pct": 72.0}


def test_a_memory_sample_is_one_readable_line():
    line = memory_line({"logins": 1000, "redis_used_memory_mb": 3.5,
                        "ours": {"proxy_rss_mb": 200.0, "keys": 42},
                        "stock": {"proxy_rss_mb": 300.0, "keys": 4242}})

    assert line.count("\n") == 0
    assert "keys 42 " in line + " "
    assert "3.5 MB" in line


def test_a_memory_sample_shows_the_audit_stream_apart():
    """The stream grows by design up to its MAXLEN: shown apart, the rest can be seen flat."""
    line = memory_line({"logins": 1000, "redis_used_memory_mb": 20.0,
                        "ours": {"proxy_rss_mb": 200.0, "keys": 42, "audit_stream_mb": 14.1},
                        "stock": {"proxy_rss_mb": 300.0, "keys": 4242, "audit_stream_mb": 0}})

    assert "ours: proxy RSS 200.0 MB, keys 42, audit stream 14.1 MB" in line
    assert "stock: proxy RSS 300.0 MB, keys 4242 |" in line
