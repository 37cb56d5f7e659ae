"""``pixgar bench`` end to end, at its smallest: both sides log pupils in over HTTPS.

Only that it works and says what it measured: figures depend on the machine, so no
assertion is made on speed. Its own Redis and PostgreSQL (nothing shared is touched).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REQUIRED_KEYS = {"logins_per_s", "baseline_logins_per_s", "ratio", "p50_ms", "p99_ms",
                 "cpu_ms_per_login", "baseline_cpu_ms_per_login", "pix_cpu_ms_per_login",
                 "driver_cpu_ms_per_login", "peak_rss_mb", "errors",
                 "redis_commands_per_login", "baseline_redis_commands_per_login"}
LOGINS = 6


def test_a_quick_bench_logs_pupils_in_on_both_sides_and_ends_with_its_json_line():
    run = subprocess.run(
        [sys.executable, "-m", "pixgar.cli", "bench", "--quick", "--logins", str(LOGINS),
         "--concurrency", "2", "--pupils", "3", "--workers", "1", "--threads", "2"],
        capture_output=True, text=True, timeout=240)

    output = run.stdout
    assert run.returncode == 0, output[-4000:] + run.stderr[-4000:]
    document = json.loads(output.strip().splitlines()[-1])
    assert set(document) >= REQUIRED_KEYS
    assert document["errors"] == 0
    assert document["baseline_errors"] == 0
    level = document["levels"][0]
    assert level["ours"]["logins"] == LOGINS
    assert level["stock"]["logins"] == LOGINS
    for side in ("ours", "stock"):
        cpu = level[side]["cpu_ms_per_login"]
        assert cpu["proxy"] > 0
        assert cpu["pix"] > 0
        assert cpu["driver"] > 0
        assert level[side]["redis_commands_per_login"] > 0
    assert document["tls"] is True
    assert "TLS on" in output
    assert "signs each response between the timed phases" in output
    assert "never expiring" in output


def test_a_long_run_samples_memory_with_the_audit_stream_apart():
    run = subprocess.run(
        [sys.executable, "-m", "pixgar.cli", "bench", "--long", "--logins", "8",
         "--sample-every", "4", "--concurrency", "2", "--pupils", "2", "--workers", "1",
         "--threads", "2", "--no-baseline"],
        capture_output=True, text=True, timeout=240)

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    samples = [line for line in run.stdout.splitlines() if line.startswith("after ")]
    assert len(samples) >= 2  # before the timed logins and at their end
    assert all(re.search(r"ours: proxy RSS [\d.]+ MB, keys \d+", line) for line in samples)
    assert re.search(r"audit stream [\d.]+ MB", samples[-1])  # 8 events + the warm-up's


def test_a_bench_stopped_by_sigterm_stops_its_servers_on_the_way_out(tmp_path):
    lines = []
    with subprocess.Popen(
            [sys.executable, "-m", "pixgar.cli", "bench", "--no-baseline", "--keep",
             "--concurrency", "1", "--logins", "10000", "--pupils", "1", "--workers", "1"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as bench:
        try:
            for line in bench.stdout:
                lines.append(line)
                if line.startswith("warm-up"):  # every server answers
                    break
            bench.send_signal(signal.SIGTERM)
            bench.communicate(timeout=60)
        finally:
            if bench.poll() is None:
                bench.kill()
    kept = Path(next(line for line in lines if line.startswith("run directory")).split()[-1])
    try:
        masters = [int(pid) for log in kept.glob("*.log")
                   for pid in re.findall(r"Listening at: \S+ \((\d+)\)", log.read_text())]
    finally:
        shutil.rmtree(kept, ignore_errors=True)

    assert len(masters) == 2
    assert bench.returncode != 0
    for pid in masters:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
