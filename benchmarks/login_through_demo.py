"""How long a pupil's login takes through the demo stack, over real HTTPS, and how many requests.

Starts the demo's four servers in this process (real TLS sockets, the machine's Redis by
default), then logs pupils in the way a browser does: ENT médiacentre → GAR entry →
pix_core → proxy → GAR simulator → auto-POST to the ACS → pix_core callback → profile.
Prints per-login wall time (first login separately: discovery and JWKS are fetched then)
and the number of HTTP requests the browser made.

    .venv/bin/python benchmarks/login_through_demo.py [--logins 20] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pixgar.demo import free_port, prepare, serve_stack  # noqa: E402
from tests.support.browsing import forms_of  # noqa: E402

USERS = ["lea-lefevre", "chloe-benoit", "noe-garcon", "theo-martin-3a", "theo-martin-3b"]


def one_login(env: dict[str, str], ca_file: str, user_id: str) -> tuple[float, int]:
    browser = requests.Session()
    browser.verify = ca_file
    seen: list[str] = []
    browser.hooks["response"].append(lambda r, *a, **k: seen.append(r.url))
    browser.post(f"{env['ENT_BASE_URL']}/connexion", data={"user": user_id, "next": "x"},
                 verify=ca_file)
    seen.clear()
    started = time.perf_counter()
    autopost = browser.get(f"{env['GAR_SIM_BASE_URL']}/gar/acces/pix?user={user_id}",
                           verify=ca_file)
    form = forms_of(autopost.text)[0]
    profile = browser.post(form["action"], data=form["fields"], verify=ca_file)
    elapsed = time.perf_counter() - started
    if not profile.url.endswith("/profil") or profile.status_code != 200:
        raise SystemExit(f"login failed: {profile.status_code} {profile.url}")
    return elapsed, len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                               "redis://127.0.0.1:6379/11"))
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="pixgar-bench-")
    env = {**os.environ, "PIXGAR_DATA_DIR": data_dir, "REDIS_URL": args.redis_url}
    for name in ("PROXY_BASE_URL", "PIX_BASE_URL", "GAR_SIM_BASE_URL", "ENT_BASE_URL"):
        env[name] = f"https://localhost:{free_port()}"
    stack, _ = prepare(env)
    servers = serve_stack(stack)
    ca_file = str(stack.tls_cert)
    try:
        first, requests_made = one_login(stack.env, ca_file, USERS[0])
        times = [one_login(stack.env, ca_file, USERS[i % len(USERS)])[0]
                 for i in range(1, args.logins)]
    finally:
        for server in servers:
            server.shutdown()
    times.sort()
    print(f"first login (fetches discovery + JWKS): {first * 1000:.0f} ms")
    print(f"next {len(times)} logins: median {statistics.median(times) * 1000:.0f} ms, "
          f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.0f} ms, "
          f"min {times[0] * 1000:.0f} ms")
    print(f"HTTP requests per login (médiacentre click to profile page, documents only): "
          f"{requests_made}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
