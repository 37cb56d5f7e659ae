"""Two proxies and two pix_cores behind a real HAProxy: every login step on another process.

``pixgar bench --behind-haproxy 2`` starts the four servers (``pixgar serve``) and HAProxy
(Debian's package) in front of them, round-robin per request with no stickiness. With
one login in flight at a time, consecutive requests to a role alternate between its two
processes (HAProxy's log names the server of each request), so each step of a login is
served by another process than the step before it; every login must still succeed.
Each server writes its own access log.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

LOGINS = 6
STEPS = {"proxy": ["/gar/pix/authorization", "/gar/acs/post", "/pix/token", "/pix/userinfo"],
         "pix": ["/connexion/gar", "/connexion/oidc/callback", "/profil"]}
LINE = re.compile(r"^\S+ (?P<backend>\w+)_servers/(?P<server>\w+) (?P<method>\w+) "
                  r"(?P<path>\S+) (?P<status>\d+)")

pytestmark = pytest.mark.skipif(shutil.which("haproxy") is None,
                                reason="haproxy is not installed (scripts/bootstrap test)")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One bench run, its output and its kept run directory."""
    completed = subprocess.run(
        [sys.executable, "-m", "pixgar.cli", "bench", "--quick", "--no-baseline",
         "--behind-haproxy", "2", "--concurrency", "1", "--logins", str(LOGINS),
         "--pupils", "3", "--workers", "1", "--threads", "2", "--keep"],
        capture_output=True, text=True, timeout=400)
    kept = re.search(r"run directory \(kept\): (\S+)", completed.stdout)
    yield completed, Path(kept.group(1)) if kept else None
    if kept:
        shutil.rmtree(kept.group(1), ignore_errors=True)


def test_every_login_behind_haproxy_succeeds(run):
    completed, _ = run

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    document = json.loads(completed.stdout.strip().splitlines()[-1])
    assert document["errors"] == 0
    assert document["levels"][0]["ours"]["logins"] == LOGINS
    assert document["behind_haproxy"] == 2
    assert document["haproxy_cpu_ms_per_login"] > 0


def test_consecutive_requests_to_a_role_go_to_its_other_process(run):
    _, directory = run
    served: dict[str, list[str]] = defaultdict(list)
    for line in (directory / "haproxy.log").read_text().splitlines():
        found = LINE.match(line)
        if found:
            served[found["backend"]].append(found["server"])

    for backend in ("proxy", "pix"):
        sequence = served[backend]
        assert len(sequence) > 4 * LOGINS, backend
        assert all(a != b for a, b in zip(sequence, sequence[1:], strict=False)), sequence


def test_both_processes_of_a_role_served_logins_and_wrote_their_own_access_log(run):
    _, directory = run

    for role, paths in STEPS.items():
        logs = [(directory / f"ours-{role}{index}-access.log").read_text() for index in (0, 1)]
        for log in logs:
            assert len(log.splitlines()) >= LOGINS, role
        for path in paths:  # which process serves which step depends on the alternation
            assert any(f" {path} " in log for log in logs), (role, path)
    assert "?" not in (directory / "haproxy.log").read_text()  # no query string logged
