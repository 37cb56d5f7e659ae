"""A real ``pixgar demo`` process on spare ports, for the browser to visit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.throwaway_services import ThrowawayRedis, free_port

BASE_URLS = ("PROXY_BASE_URL", "PIX_BASE_URL", "GAR_SIM_BASE_URL", "ENT_BASE_URL",
             "MAIL_CATCHER_BASE_URL")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def pytest_collection_modifyitems(items):
    """Tests that import a roster into the shared demo run last: the others expect none."""
    items.sort(key=lambda item: item.get_closest_marker("changes_demo_roster") is not None)


@pytest.fixture(scope="session")
def demo_redis():
    """The demo's own Redis server: a subprocess's keys would escape the run's Redis guard
    (tests/support/redis_guard.py), so they go away with this server instead."""
    server = ThrowawayRedis().start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory, demo_redis):
    """Start ``pixgar demo`` (real TLS servers, real Redis) and wait until it answers."""
    data_dir = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "PIXGAR_DATA_DIR": str(data_dir), "REDIS_URL": demo_redis.url}
    # free ports: fixed ones collide with another run's demo on the same machine
    env.update({name: f"https://localhost:{free_port()}" for name in BASE_URLS})
    pixgar = Path(sys.executable).with_name("pixgar")
    log = (data_dir / "demo.log").open("w")
    process = subprocess.Popen([str(pixgar), "demo"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    urls = {name: env[name] for name in BASE_URLS}
    urls["DEMO_LOG"] = str(data_dir / "demo.log")  # the printed demo campaign code
    try:
        _wait_until_up(urls["ENT_BASE_URL"] + "/", data_dir / "tls" / "localhost.crt", process)
        yield urls
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_until_up(url: str, ca_file: Path, process: subprocess.Popen, seconds: int = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pixgar demo exited with {process.returncode}")
        try:
            if ca_file.exists() and requests.get(url, verify=str(ca_file), timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"pixgar demo did not answer at {url} within {seconds}s")


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/bootstrap test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
